"""QDQ fusion: ``DequantizeLinear -> Conv/MatMul/Gemm -> QuantizeLinear`` becomes one integer
contraction, rewritten on the ONNX graph before import (what onnxruntime's QDQ transformers do).

A model quantized in the QDQ format (``onnxruntime.quantization.quantize_static``) computes
every Conv/MatMul/Gemm in float between a DequantizeLinear of each operand and a
QuantizeLinear of the result. Where the pattern is exact, ``fuse`` replaces the contraction
and its QuantizeLinear by integer nodes reading the quantized tensors directly:

* ``Conv`` -> ``QLinearConv`` (an int32 bias from the bias's DequantizeLinear);
* ``MatMul`` -> ``QLinearMatMul``;
* ``Gemm`` (alpha = beta = 1, no transA) -> ``MatMulInteger`` (weights transposed to K x N
  when transB) + ``Add`` of the int32 bias + ``Cast`` + ``Mul`` by the requantization
  multiplier + ``QuantizeLinear`` with scale 1 (the requantization of QLinearMatMul, with
  the bias added to the accumulator).

The importer then lowers these to i8/u8 -> i32 contractions and one requantization
(``quant.py``), instead of dequantizing to f32 around a float contraction. Conditions (else
the node is left alone and computes in float): the two operands come from DequantizeLinear
nodes whose scales and zero points are initializers; x and y are quantized per tensor, the
weight per tensor or per output channel (no blocks) and is an int8/uint8 initializer (a
MatMul's B may also be a value quantized per tensor: attention's products); the
contraction's only consumer is the QuantizeLinear (and it is not a graph output); a bias is
the DequantizeLinear of an int32 initializer with zero point 0 and scale ``x_scale *
w_scale``. DequantizeLinear nodes are kept (other consumers may read them; unused ones are
dead code). Assumes topologically sorted nodes; may import onnx and numpy.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

_CONTRACTIONS = ("Conv", "MatMul", "Gemm")
_QTYPES = (np.int8, np.uint8)


def fuse(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` with its fusable QDQ contractions rewritten (a copy; ``model`` if none)."""
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    producer = {o: node for node in graph.node for o in node.output}
    uses: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            uses.setdefault(name, []).append(node)
    outputs = {o.name for o in graph.output}
    plans = {}
    for node in graph.node:
        if node.op_type in _CONTRACTIONS and node.domain in ("", "ai.onnx"):
            plan = _plan(node, inits, producer, uses, outputs)
            if plan is not None:
                plans[id(node)] = plan
    if not plans:
        return model
    fused = onnx.ModelProto()
    fused.CopyFrom(model)
    removed = {id(p["q"]) for p in plans.values()}
    nodes, new_inits = [], []
    for node in graph.node:
        if id(node) in removed:
            continue
        plan = plans.get(id(node))
        if plan is None:
            nodes.append(node)
            continue
        made, arrays = _REWRITE[node.op_type](node, plan, inits)
        nodes.extend(made)
        new_inits.extend(numpy_helper.from_array(a, k) for k, a in arrays.items())
    del fused.graph.node[:]
    fused.graph.node.extend(nodes)
    fused.graph.initializer.extend(new_inits)
    return fused


def _array(inits, name: str) -> np.ndarray | None:
    return numpy_helper.to_array(inits[name]) if name in inits else None


def _attr(node: onnx.NodeProto, key: str, default):
    for a in node.attribute:
        if a.name == key:
            return helper.get_attribute_value(a)
    return default


def _qparams(node, inits) -> dict | None:
    """Scale, zero point and axis of a Q/DQ node whose parameters are initializers."""
    if len(node.input) < 3 or int(_attr(node, "block_size", 0)):
        return None
    scale, zp = _array(inits, node.input[1]), _array(inits, node.input[2])
    if scale is None or zp is None or zp.dtype.type not in _QTYPES or zp.shape != scale.shape:
        return None
    return {"scale": scale, "zp": zp, "axis": int(_attr(node, "axis", 1)), "node": node}


def _dq_of(name, producer, inits) -> dict | None:
    node = producer.get(name)
    if node is None or node.op_type != "DequantizeLinear":
        return None
    return _qparams(node, inits)


def _plan(node, inits, producer, uses, outputs) -> dict | None:
    out = node.output[0]
    consumers = uses.get(out, [])
    if out in outputs or len(consumers) != 1 or consumers[0].op_type != "QuantizeLinear":
        return None
    q = consumers[0]
    x, w, y = (_dq_of(node.input[0], producer, inits), _dq_of(node.input[1], producer, inits),
               _qparams(q, inits))
    if x is None or w is None or y is None or x["scale"].size != 1 or y["scale"].size != 1:
        return None
    wq = _array(inits, w["node"].input[0])
    if wq is None and node.op_type == "MatMul" and w["scale"].size == 1:
        pass  # activation x activation (attention scores): QLinearMatMul of two values
    elif wq is None or wq.dtype.type not in _QTYPES or not _weight_axis_ok(node, w, wq):
        return None
    plan = {"q": q, "x": x, "w": w, "y": y, "wq": wq, "bias": None}
    if len(node.input) > 2 and node.input[2]:
        plan["bias"] = _bias(node.input[2], producer, inits, x, w)
        if plan["bias"] is None:
            return None
    if node.op_type == "Gemm" and (float(_attr(node, "alpha", 1.0)) != 1.0 or
                                   float(_attr(node, "beta", 1.0)) != 1.0 or
                                   int(_attr(node, "transA", 0))):
        return None
    return plan


def _weight_axis_ok(node, w: dict, wq: np.ndarray) -> bool:
    """Per-tensor weights, or per output channel: Conv axis 0, MatMul columns (axis 1 of a
    2-D K x N weight), Gemm the N axis (0 with transB, else 1)."""
    if w["scale"].size == 1:
        return True
    if node.op_type == "Conv":
        out_axis = 0
    elif wq.ndim != 2:
        return False
    else:
        out_axis = 0 if node.op_type == "Gemm" and int(_attr(node, "transB", 0)) else 1
    axis = w["axis"] + wq.ndim if w["axis"] < 0 else w["axis"]
    return axis == out_axis and w["scale"].shape == (wq.shape[out_axis],)


def _bias(name, producer, inits, x, w) -> np.ndarray | None:
    """The int32 bias of a fused contraction (scale ``x_scale * w_scale``, zero point 0)."""
    node = producer.get(name)
    if node is None or node.op_type != "DequantizeLinear":
        return None
    b, scale = _array(inits, node.input[0]), _array(inits, node.input[1])
    zp = _array(inits, node.input[2]) if len(node.input) > 2 and node.input[2] else None
    if b is None or scale is None or b.dtype != np.int32 or (zp is not None and zp.any()):
        return None
    want = np.float32(x["scale"].reshape(-1)[0]) * w["scale"].astype(np.float32)
    if not np.allclose(scale.reshape(-1) * np.ones_like(want.reshape(-1)), want.reshape(-1),
                       rtol=1e-6, atol=0):
        return None
    return b


def _qlinear_conv(node, plan, inits):
    x, w, y, q = plan["x"], plan["w"], plan["y"], plan["q"]
    inputs = [x["node"].input[0], x["node"].input[1], x["node"].input[2],
              w["node"].input[0], w["node"].input[1], w["node"].input[2],
              y["node"].input[1], y["node"].input[2]]
    arrays = {}
    if plan["bias"] is not None:
        bias = f"{q.output[0]}_aic_bias"
        arrays[bias] = plan["bias"]
        inputs.append(bias)
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    made = helper.make_node("QLinearConv", inputs, [q.output[0]], name=_name(node, q), **attrs)
    return [made], arrays


def _qlinear_matmul(node, plan, inits):
    x, w, y, q = plan["x"], plan["w"], plan["y"], plan["q"]
    inputs = [x["node"].input[0], x["node"].input[1], x["node"].input[2],
              w["node"].input[0], w["node"].input[1], w["node"].input[2],
              y["node"].input[1], y["node"].input[2]]
    return [helper.make_node("QLinearMatMul", inputs, [q.output[0]], name=_name(node, q))], {}


def _gemm(node, plan, inits):
    """MatMulInteger + bias + requantization (QuantizeLinear with scale 1) for a Gemm."""
    x, w, y, q = plan["x"], plan["w"], plan["y"], plan["q"]
    out = q.output[0]
    wq = plan["wq"].T if int(_attr(node, "transB", 0)) else plan["wq"]
    mult = (np.float32(x["scale"].reshape(-1)[0]) * w["scale"].astype(np.float32)
            / np.float32(y["scale"].reshape(-1)[0])).astype(np.float32)
    arrays = {f"{out}_aic_w": np.ascontiguousarray(wq), f"{out}_aic_wzp": w["zp"],
              f"{out}_aic_mult": mult, f"{out}_aic_one": np.array(1.0, np.float32)}
    name = _name(node, q)
    acc = f"{out}_aic_acc"
    made = [helper.make_node("MatMulInteger", [x["node"].input[0], f"{out}_aic_w",
                                               x["node"].input[2], f"{out}_aic_wzp"],
                             [acc], name=f"{name}_matmul")]
    if plan["bias"] is not None:
        arrays[f"{out}_aic_bias"] = plan["bias"]
        made.append(helper.make_node("Add", [acc, f"{out}_aic_bias"], [f"{acc}_bias"],
                                     name=f"{name}_bias"))
        acc = f"{acc}_bias"
    made += [helper.make_node("Cast", [acc], [f"{out}_aic_f"], to=onnx.TensorProto.FLOAT,
                              name=f"{name}_cast"),
             helper.make_node("Mul", [f"{out}_aic_f", f"{out}_aic_mult"], [f"{out}_aic_r"],
                              name=f"{name}_scale"),
             helper.make_node("QuantizeLinear", [f"{out}_aic_r", f"{out}_aic_one",
                                                 y["node"].input[2]], [out],
                              name=f"{name}_requantize")]
    return made, arrays


def _name(node, q) -> str:
    return f"{node.name or node.op_type}_qdq"


_REWRITE = {"Conv": _qlinear_conv, "MatMul": _qlinear_matmul, "Gemm": _gemm}
