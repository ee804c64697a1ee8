"""FLOP counts of an ONNX model's contractions, from its inferred shapes.

``count_flops(model)`` sums 2 x multiply-adds over the ops that dominate every benchmark
model (``node_flops(model)`` gives them per node name, for ``aic-run --profile``): Conv,
ConvTranspose, MatMul, Gemm, LSTM, GRU and RNN, and the integer ConvInteger, QLinearConv,
MatMulInteger and QLinearMatMul (biases, normalisations, activations and data
movement are not counted, so a model's count is a slight underestimate of the work).
It returns None when the model has none of these ops or a shape it needs is not static: no
number rather than a wrong one.
"""

from __future__ import annotations

import math

import onnx
from onnx import shape_inference


def _shapes(model: onnx.ModelProto) -> dict[str, list[int | None]]:
    inferred = shape_inference.infer_shapes(model)
    graph = inferred.graph
    out = {t.name: list(t.dims) for t in graph.initializer}
    for info in [*graph.input, *graph.value_info, *graph.output]:
        dims = info.type.tensor_type.shape.dim
        out[info.name] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    return out


def _attr(node: onnx.NodeProto, name: str, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def _conv(node, shape, weight: int = 1):
    out, w = shape(node.output[0]), shape(node.input[weight])
    return 2 * math.prod(out) * math.prod(w[1:])  # per output: cin/group * kh * kw


def _conv_transpose(node, shape):
    x, w = shape(node.input[0]), shape(node.input[1])
    # every input element meets cout/group * kh * kw filter taps
    return 2 * math.prod(x) * math.prod(w[1:])


def _matmul(node, shape):
    a, out = shape(node.input[0]), shape(node.output[0])
    return 2 * math.prod(out) * a[-1]


def _gemm(node, shape):
    a, out = shape(node.input[0]), shape(node.output[0])
    k = a[0] if _attr(node, "transA", 0) else a[1]
    return 2 * math.prod(out) * k


def _recurrent(node, shape):
    # W is [directions, gates * hidden, features], R is [directions, gates * hidden, hidden]:
    # every step multiplies x by W and h by R
    (seq, batch, _), (directions, rows, features) = shape(node.input[0]), shape(node.input[1])
    hidden = shape(node.input[2])[2]
    return 2 * seq * batch * directions * rows * (features + hidden)


COUNTERS = {
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "MatMul": _matmul,
    "Gemm": _gemm,
    "LSTM": _recurrent,
    "GRU": _recurrent,
    "RNN": _recurrent,
    # integer contractions of quantized models (multiply-adds counted like float ones)
    "ConvInteger": _conv,
    "QLinearConv": lambda node, shape: _conv(node, shape, weight=3),
    "MatMulInteger": _matmul,
    "QLinearMatMul": _matmul,
}


def count_flops(model: onnx.ModelProto) -> int | None:
    per_node = node_flops(model, strict=True)
    return sum(per_node.values()) if per_node else None


def node_flops(model: onnx.ModelProto, strict: bool = False) -> dict[str, int] | None:
    """FLOPs per node name of the counted ops whose shapes are static (``strict``: None as
    soon as one is not)."""
    shapes = _shapes(model)

    def shape(name: str) -> list[int]:
        dims = shapes.get(name)
        if dims is None or any(d is None for d in dims):
            raise LookupError(name)
        return dims

    out = {}
    for index, node in enumerate(model.graph.node):
        counter = COUNTERS.get(node.op_type)
        if counter is None:
            continue
        try:
            out[node.name or f"{node.op_type}_{index}"] = counter(node, shape)
        except LookupError:
            if strict:
                return None
    return out
