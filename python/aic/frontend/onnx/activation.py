"""ONNX activations and softmax: Relu ... Mish as ``graph.unary`` functions, PRelu as
``where(x < 0, x * slope, x)``, Softmax/LogSoftmax as ``graph.softmax``.

Softmax before opset 13 normalises over the input flattened to 2-D at ``axis`` (default 1):
done as reshape -> softmax over the last dim -> reshape unless ``axis`` is already the last.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import CompareOp, MulOp, SoftmaxOp, WhereOp
from aic.frontend.onnx.common import binary, norm_axis, reshape, unary
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, shape_of

# op type -> (graph fn, first version, {onnx attr: (unary param, default)})
_ACTIVATIONS = {
    "Relu": ("relu", 6, {}),
    "LeakyRelu": ("leaky_relu", 6, {"alpha": ("alpha", 0.01)}),
    "Elu": ("elu", 6, {"alpha": ("alpha", 1.0)}),
    "Celu": ("celu", 12, {"alpha": ("alpha", 1.0)}),
    "Selu": ("selu", 6, {"alpha": ("alpha", 1.67326319217681884765625),
                         "gamma": ("beta", 1.05070102214813232421875)}),
    "HardSigmoid": ("hard_sigmoid", 6, {"alpha": ("alpha", 0.2), "beta": ("beta", 0.5)}),
    "ThresholdedRelu": ("thresholded_relu", 10, {"alpha": ("alpha", 1.0)}),
    "Softplus": ("softplus", 1, {}),
    "Softsign": ("softsign", 1, {}),
    "HardSwish": ("hard_swish", 14, {}),
    "Mish": ("mish", 18, {}),
}


def _activation(n, fn, params):
    kwargs = {p: float(n.attr(a, d)) for a, (p, d) in params.items()}
    return unary(n, n.value(0), fn, out_type=n.out_type(like=0), **kwargs)


for _op, (_fn, _since, _params) in _ACTIVATIONS.items():
    handler(_op, _since, attrs=set(_params))(
        lambda n, fn=_fn, params=_params: _activation(n, fn, params))


@handler("Gelu", 20, attrs={"approximate"})
def gelu(n):
    approx = n.attr("approximate", "none")
    if approx not in ("none", "tanh"):
        raise n.unsupported(f"approximate='{approx}' is not supported")
    return unary(n, n.value(0), "gelu" if approx == "none" else "gelu_tanh",
                 out_type=n.out_type(like=0))


@handler("PRelu", 7)
def prelu(n):
    x, slope = n.value(0), n.value(1)
    elem = elem_of(x)
    neg = binary(n, CompareOp, x, n.scalar(0, elem), predicate="lt",
                 out_type=n.ttype(shape_of(x), _i1()))
    scaled = binary(n, MulOp, x, slope, out_type=n.out_type())
    return n.op(WhereOp, n.out_type(), cond=neg, x=scaled, y=x)


def _i1():
    from aic.mlir_api import ir
    return ir.IntegerType.get_signless(1)


def _softmax(n, log: bool):
    x, rank = n.value(0), n.rank(0)
    if n.version >= 13:
        return n.op(SoftmaxOp, n.out_type(like=0), x=x,
                    axis=norm_axis(n, n.attr("axis", -1), rank),
                    log=log)
    axis = norm_axis(n, n.attr("axis", 1), max(rank, 1))
    shape = shape_of(x)
    if axis == rank - 1:
        return n.op(SoftmaxOp, n.out_type(), x=x, axis=axis, log=log)
    flat = [int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))]
    y = n.op(SoftmaxOp, n.ttype(flat, elem_of(x)), x=reshape(n, x, flat), axis=1, log=log)
    return reshape(n, y, shape)


handler("Softmax", 1, attrs={"axis"})(lambda n: _softmax(n, False))
handler("LogSoftmax", 1, attrs={"axis"})(lambda n: _softmax(n, True))
