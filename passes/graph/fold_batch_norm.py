"""``aic-graph-fold-batch-norm``: fold inference batch normalisation into the producer.

``batch_norm(conv(x, w, b), scale, bias, mean, var)`` becomes ``conv(x, w', b')`` with, per
output channel ``m``, ``s = scale / sqrt(var + epsilon)``, ``w'[m] = w[m] * s[m]`` and
``b'[m] = (b[m] - mean[m]) * s[m] + bias[m]`` (``b = 0`` when the conv has no bias).
``batch_norm(dense(a, w, c))`` (dim 1 of a 2-D result is its last dim) becomes
``dense(a, w', c')`` with the columns of ``op(w)`` scaled by ``s`` and
``c' = (beta * c - mean) * s + bias``, ``beta' = 1``.

Preconditions for firing: the producer's only use is the batch_norm, its weights (and bias)
and the four batch_norm parameters are ``graph.constant`` with numpy-readable element types,
parameters have one element per channel, and the types of the producer's and batch_norm's
results are equal. Arithmetic is done in float64 and rounded to the weights' type.
Constants left without users are erased.
"""

from __future__ import annotations

import functools

import numpy as np

from aic.dialects.graph import BatchNormOp, ConvOp, DenseOp
from aic.mlir_api import ir
from aic.pass_base import Pass, register_pass
from aic.rewriting import (Rule, apply_rules, constant_value, erase_if_unused, has_one_use,
                           make_constant)


def _bn_scale_shift(bn: BatchNormOp, channels: int):
    """``(s, shift)`` with ``bn(y) = y * s + shift`` per channel, or None."""
    params = [constant_value(v) for v in (bn.scale, bn.bias, bn.mean, bn.var)]
    if any(p is None or p.size != channels for p in params):
        return None
    scale, bias, mean, var = (p.astype(np.float64).reshape(channels) for p in params)
    s = scale / np.sqrt(var + np.float64(np.float32(bn.epsilon)))
    return s, bias - mean * s


def _producer(bn: BatchNormOp, cls):
    prod = bn.x.owner
    if not isinstance(prod, cls) or not has_one_use(prod.out) or prod.out.type != bn.out.type:
        return None
    return prod


def _both(producer, bn) -> ir.Location:
    """The folded op stands for both ONNX nodes (profiles and errors name them both)."""
    return ir.Location.fused([producer.location, bn.location])


def _fold_into_conv(bn: BatchNormOp, rw, detached: list):
    conv = _producer(bn, ConvOp)
    w = None if conv is None else constant_value(conv.w)
    if w is None:
        return None
    m = w.shape[0]
    b = np.zeros(m) if conv.bias is None else constant_value(conv.bias)
    folded = _bn_scale_shift(bn, m)
    if b is None or b.size != m or folded is None:
        return None
    s, shift = folded
    w2 = w.astype(np.float64) * s.reshape([m] + [1] * (w.ndim - 1))
    b2 = b.astype(np.float64).reshape(m) * s + shift
    bias_type = conv.bias.type if conv.bias is not None else ir.RankedTensorType.get(
        [m], ir.ShapedType(conv.w.type).element_type)
    new = ConvOp(x=conv.x, w=make_constant(w2, conv.w.type), bias=make_constant(b2, bias_type),
                 strides=conv.strides, pads=conv.pads, dilations=conv.dilations,
                 group=conv.group, out_type=bn.out.type, loc=_both(conv, bn))
    detached.append(conv)
    return [new.result]


def _fold_into_dense(bn: BatchNormOp, rw, detached: list):
    dense = _producer(bn, DenseOp)
    w = None if dense is None else constant_value(dense.b)
    if w is None:
        return None
    out_shape = list(ir.ShapedType(bn.out.type).shape)
    m = out_shape[1]
    c = np.zeros(1) if dense.c is None else constant_value(dense.c)
    folded = _bn_scale_shift(bn, m) if not ir.ShapedType.is_dynamic_size(m) else None
    if c is None or folded is None or w.shape[0 if dense.trans_b else 1] != m:
        return None
    s, shift = folded
    w2 = w.astype(np.float64) * (s.reshape(m, 1) if dense.trans_b else s.reshape(1, m))
    c2 = (dense.beta * c.astype(np.float64)) * s + shift if dense.c is not None else shift
    element = ir.ShapedType(dense.b.type).element_type
    c_type = ir.RankedTensorType.get(list(np.shape(c2)), element)
    new = DenseOp(a=dense.a, b=make_constant(w2, dense.b.type), c=make_constant(c2, c_type),
                  alpha=dense.alpha, beta=1.0, trans_a=dense.trans_a, trans_b=dense.trans_b,
                  out_type=bn.out.type, loc=_both(dense, bn))
    detached.append(dense)
    return [new.result]


RULES = [  # (fn(bn, rewriter, detached), identity); detached collects the replaced producers
    (_fold_into_conv, "bn(conv(x, w, b)) -> conv(x, w * s, (b - mean) * s + bias)"),
    (_fold_into_dense, "bn(dense(a, w, c)) -> dense(a, w * s, (beta c - mean) * s + bias)"),
]


@register_pass
class GraphFoldBatchNorm(Pass):
    """Fold `graph.batch_norm` into the conv or dense with constant weights that feeds it.

    See the module docstring for the identities and preconditions.

    No options. The replaced conv/dense and constants left without users are erased.
    """

    NAME = "aic-graph-fold-batch-norm"

    def run(self, op):
        detached: list = []
        rules = [Rule(BatchNormOp, functools.partial(fn, detached=detached), identity)
                 for fn, identity in RULES]
        apply_rules(op, rules, max_iterations=1)
        for producer in detached:
            operands = list(producer.operation.operands)
            producer.operation.erase()
            for v in dict.fromkeys(operands):
                erase_if_unused(v)
