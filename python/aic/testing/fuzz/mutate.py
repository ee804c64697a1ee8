"""Mutations of an ONNX model, each a pure function of (model, ``random.Random``).

Byte level: ``bitflip`` (1-8 bits), ``truncate``. Structure level: ``attribute`` (an int, ints,
float or string attribute set to an extreme), ``shape`` (a declared dim of an input, output or
value_info set to 0, -1, 2^31, ... or a dim added/removed), ``elem_type`` (of an input or an
initializer, any number 0..30), ``initializer`` (dims that disagree with the data, cut data),
``wiring`` (a node input renamed, dropped or swapped; an op type replaced). Each returns the
mutated model's bytes and a one-line description.
"""

from __future__ import annotations

import random

import onnx
from onnx import AttributeProto

INTS = [-(2 ** 63), -(2 ** 31), -7, -1, 0, 1, 2, 3, 7, 255, 2 ** 31, 2 ** 63 - 1]
FLOATS = [float("nan"), float("inf"), -float("inf"), 0.0, -1.0, 1e30, 1e-30]
DIMS = [0, 1, 2, 3, 7, 1000, 2 ** 31, -1, -(2 ** 31)]
OP_TYPES = ["Relu", "Add", "MatMul", "Conv", "Softmax", "Reshape", "Concat", "Transpose",
            "Where", "Clip", "Gemm", "MaxPool", "Det", "Identity"]


def bitflip(model: onnx.ModelProto, rng: random.Random):
    data = bytearray(model.SerializeToString())
    bits = [rng.randrange(len(data) * 8) for _ in range(rng.randint(1, 8))]
    for bit in bits:
        data[bit // 8] ^= 1 << (bit % 8)
    return bytes(data), f"bitflip {bits}"


def truncate(model: onnx.ModelProto, rng: random.Random):
    data = model.SerializeToString()
    cut = rng.randrange(len(data))
    return data[:cut], f"truncate at {cut} of {len(data)}"


def attribute(model: onnx.ModelProto, rng: random.Random):
    m = _copy(model)
    nodes = [n for n in m.graph.node if n.attribute]
    if not nodes:
        return wiring(model, rng)
    node = rng.choice(nodes)
    attr = rng.choice(node.attribute)
    if attr.type == AttributeProto.INT:
        attr.i = rng.choice(INTS)
        new = attr.i
    elif attr.type == AttributeProto.INTS:
        values = list(attr.ints)
        action = rng.choice(["set", "drop", "add"]) if values else "add"
        if action == "set":
            values[rng.randrange(len(values))] = rng.choice(INTS)
        elif action == "drop":
            values.pop(rng.randrange(len(values)))
        else:
            values.append(rng.choice(INTS))
        del attr.ints[:]
        attr.ints.extend(values)
        new = values
    elif attr.type == AttributeProto.FLOAT:
        attr.f = rng.choice(FLOATS)
        new = attr.f
    else:
        attr.s = rng.choice([b"", b"bogus", b"\xff\xfe"])
        new = attr.s
    return m.SerializeToString(), f"attribute {node.op_type}.{attr.name} = {new}"


def shape(model: onnx.ModelProto, rng: random.Random):
    m = _copy(model)
    values = [*m.graph.input, *m.graph.output, *m.graph.value_info]
    value = rng.choice(values)
    dims = value.type.tensor_type.shape.dim
    action = rng.choice(["set", "set", "drop", "add"]) if len(dims) else "add"
    if action == "set":
        i = rng.randrange(len(dims))
        dims[i].dim_value = rng.choice(DIMS)
        what = f"dim {i} = {dims[i].dim_value}"
    elif action == "drop":
        i = rng.randrange(len(dims))
        del dims[i]
        what = f"drop dim {i}"
    else:
        dims.add().dim_value = rng.choice(DIMS[:5])
        what = "add a dim"
    return m.SerializeToString(), f"shape of '{value.name}': {what}"


def elem_type(model: onnx.ModelProto, rng: random.Random):
    m = _copy(model)
    targets = [("input", v) for v in m.graph.input] + [("init", t) for t in m.graph.initializer]
    kind, target = rng.choice(targets)
    new = rng.randrange(31)
    if kind == "input":
        target.type.tensor_type.elem_type = new
    else:
        target.data_type = new
    return m.SerializeToString(), f"elem_type of {kind} '{target.name}' = {new}"


def initializer(model: onnx.ModelProto, rng: random.Random):
    m = _copy(model)
    if not m.graph.initializer:
        return shape(model, rng)
    t = rng.choice(m.graph.initializer)
    if rng.random() < 0.5 and t.dims:
        t.dims[rng.randrange(len(t.dims))] = rng.choice(DIMS)
        what = f"dims {list(t.dims)}"
    else:
        t.raw_data = t.raw_data[: rng.randrange(len(t.raw_data) + 1)]
        what = f"raw_data cut to {len(t.raw_data)} bytes"
    return m.SerializeToString(), f"initializer '{t.name}': {what}"


def wiring(model: onnx.ModelProto, rng: random.Random):
    m = _copy(model)
    node = rng.choice(m.graph.node)
    action = rng.choice(["rename", "drop", "swap", "op_type"])
    if action == "rename" and node.input:
        node.input[rng.randrange(len(node.input))] = rng.choice(["", "undefined", node.output[0]])
    elif action == "drop" and node.input:
        del node.input[rng.randrange(len(node.input))]
    elif action == "swap" and len(node.input) > 1:
        node.input[0], node.input[1] = node.input[1], node.input[0]
    else:
        action = "op_type"
        node.op_type = rng.choice(OP_TYPES)
    return m.SerializeToString(), f"wiring: {action} on {node.op_type} '{node.output[0]}'"


def _copy(model: onnx.ModelProto) -> onnx.ModelProto:
    m = onnx.ModelProto()
    m.CopyFrom(model)
    return m


MUTATIONS = {f.__name__: f for f in (bitflip, truncate, attribute, shape, elem_type,
                                     initializer, wiring)}


# -- MLIR text (graph level) --------------------------------------------------------------------

MLIR_INTS = ["0", "-1", "2147483648", "9223372036854775807", "-9223372036854775808", "3"]
MLIR_OPS = ["graph.add", "graph.matmul", "graph.reshape", "graph.transpose", "graph.conv",
            "graph.softmax", "graph.concat", "graph.unary", "graph.constant"]


def mlir_text(text: str, rng: random.Random) -> tuple[str, str]:
    """One mutation of MLIR text: an integer, an element type, an op name or an SSA name
    replaced, a line deleted, or the text cut."""
    import re

    kind = rng.choice(["int", "int", "elem", "op", "ssa", "line", "cut"])
    patterns = {"int": r"(?<![%#\w.])\d+", "elem": r"\b(f32|f16|i64|i32|i1)\b",
                "op": r"graph\.\w+", "ssa": r"%\w+"}
    if kind in patterns:
        matches = list(re.finditer(patterns[kind], text))
        if matches:
            m = rng.choice(matches)
            new = {"int": lambda: rng.choice(MLIR_INTS),
                   "elem": lambda: rng.choice(["f64", "i8", "i1", "f32", "bf16", "index"]),
                   "op": lambda: rng.choice(MLIR_OPS),
                   "ssa": lambda: rng.choice(matches).group(0)}[kind]()
            return text[:m.start()] + new + text[m.end():], f"{kind} at {m.start()} -> {new}"
        kind = "line"
    lines = text.splitlines(keepends=True)
    if kind == "line":
        i = rng.randrange(len(lines))
        return "".join(lines[:i] + lines[i + 1:]), f"delete line {i + 1}"
    cut = rng.randrange(len(text))
    return text[:cut], f"cut at {cut}"
