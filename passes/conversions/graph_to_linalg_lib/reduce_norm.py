"""Reductions and normalisations -> ``linalg.generic`` reductions + elementwise generics.

reduce: one reduction generic (init = the kind's identity: 0, 1, -inf, +inf), then a
post-op (mean divides by the count, l2 takes sqrt, log_sum logs; log_sum_exp subtracts the
max first). arg_reduce: a two-output reduction (value, i64 index). softmax: max, exp(x -
max), sum, times 1/sum (log-softmax: x - max - log(sum)); f16 and bf16 are computed in f32 and
rounded once.
layer_norm / group_norm: mean, then variance of the centred values (two passes), then one
elementwise generic -- for f16 and bf16 the statistics and normalised values in f32 (ONNX's
``stash_type``), rounded before the scale and bias; batch_norm: one elementwise generic.
lrn: square, zero-pad the channel dim, windowed channel sum.
cumsum: a triangular-mask reduction (O(n^2) along the axis).

May import: the MLIR shim, the graph op classes, ``common`` and ``scalar``.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import (ArgReduceOp, BatchNormOp, CumSumOp, GroupNormOp, LayerNormOp,
                                LrnOp, ReduceOp, SoftmaxOp)
from aic.errors import PassError
from aic.mlir_api import arith, ir, linalg, math
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (
    PARALLEL, REDUCTION, affine_map, const, elem_of, empty, filled, generic,
    highest, indexed_generic, is_float, lowest, map_elementwise, norm_axis, reduce_dims, reshape,
    shape_of, wide)


def _kept_map(rank: int, dims) -> ir.AffineMap:
    """Map from the full iteration space to a tensor with ``dims`` reduced away."""
    return affine_map(rank, [d for d in range(rank) if d not in dims])


def _with_reduced(x, reduced, dims, body, out_elem=None):
    """Elementwise over ``x``'s shape with each ``reduced`` tensor broadcast back over ``dims``."""
    shape, rank = shape_of(x), len(shape_of(x))
    maps = [ir.AffineMap.get_identity(rank)] + [_kept_map(rank, dims)] * len(reduced)
    maps.append(ir.AffineMap.get_identity(rank))
    out = empty(shape, out_elem or elem_of(x))
    n = 1 + len(reduced)
    return generic([x] + list(reduced), [out], maps, [PARALLEL] * rank,
                   lambda *a: body(*a[:n]))[0]


def _sq(v):
    return s.mul(v, v)


_REDUCE = {  # kind: (init, combine, pre)
    "sum": (0, s.add, None), "mean": (0, s.add, None), "prod": (1, s.mul, None),
    "max": ("lowest", s.maximum, None), "min": ("highest", s.minimum, None),
    "l1": (0, s.add, lambda v: math.absf(v) if is_float(v.type)
           else v if s.is_unsigned(v.type) else math.absi(v)),
    "l2": (0, s.add, _sq), "sum_square": (0, s.add, _sq), "log_sum": (0, s.add, None),
}


def lower_reduce(op):
    x, kind = op.x, op.kind
    shape, elem = shape_of(x), elem_of(x)
    rank = len(shape)
    dims = sorted({norm_axis(a, rank) for a in op.axes}) or list(range(rank))
    out_shape = shape_of(op.operation.results[0])
    if not is_float(elem) and kind in ("l2", "log_sum", "log_sum_exp"):
        raise PassError(f"reduce kind '{kind}' needs a float element type, got {elem}", op)
    if kind == "log_sum_exp":
        m = reduce_dims(x, dims, lowest(elem), s.maximum)
        e = _with_reduced(x, [m], dims, lambda v, mv: math.exp(arith.subf(v, mv)))
        total = reduce_dims(e, dims, const(elem, 0.0), s.add)
        red = map_elementwise(shape_of(m), elem, [total, m],
                              lambda t, mv: arith.addf(math.log(t), mv))
        return [reshape(red, out_shape)]
    init, combine, pre = _REDUCE[kind]
    init_v = lowest(elem) if init == "lowest" else highest(elem) if init == "highest" \
        else const(elem, init)
    red = reduce_dims(x, dims, init_v, combine, pre)
    count = int(np.prod([shape[d] for d in dims]))
    post = {"mean": lambda v: s.div(v, const(elem, count)), "l2": math.sqrt,
            "log_sum": math.log}.get(kind)
    if post is not None:
        red = map_elementwise(shape_of(red), elem, [red], post)
    return [reshape(red, out_shape)]


def _index_i64(d: int) -> ir.Value:
    return arith.index_cast(ir.IntegerType.get_signless(64), linalg.IndexOp(d).result)


def lower_arg_reduce(op):
    x = op.x
    shape, elem = shape_of(x), elem_of(x)
    rank, axis = len(shape), norm_axis(op.axis, len(shape_of(op.x)))
    i64 = ir.IntegerType.get_signless(64)
    kept = [shape[d] for d in range(rank) if d != axis]
    is_max = op.kind == "max"
    vals = filled(kept, elem, lowest(elem) if is_max else highest(elem))
    idxs = filled(kept, i64, const(i64, 0))
    pred = ("ge" if is_max else "le") if op.select_last_index else ("gt" if is_max else "lt")
    maps = [ir.AffineMap.get_identity(rank)] + [_kept_map(rank, [axis])] * 2
    iters = [REDUCTION if d == axis else PARALLEL for d in range(rank)]

    def body(v, acc_v, acc_i):
        take = s.compare(pred, v, acc_v)
        return [s.select(take, v, acc_v), s.select(take, _index_i64(axis), acc_i)]
    _, index = generic([x], [vals, idxs], maps, iters, body)
    return [reshape(index, shape_of(op.operation.results[0]))]


def _converted(x: ir.Value, elem: ir.Type) -> ir.Value:
    if elem_of(x) == elem:
        return x
    return map_elementwise(shape_of(x), elem, [x], lambda v: s.convert(v, elem))


def _row_max(a: ir.Value, b: ir.Value) -> ir.Value:
    """The max that softmax subtracts: ``maxnumf`` (a NaN is skipped), not ``maximumf``,
    whose NaN and signed-zero rules cost x86 six instructions per step (three here). The
    result is the same: a NaN in the row still makes its ``exp``, the row's sum and so every
    output NaN, and the sign of a zero max does not change ``x - max``."""
    return arith.maxnumf(a, b) if isinstance(a.type, ir.FloatType) else s.maximum(a, b)


def lower_softmax(op):
    """f16 and bf16 are computed in f32 (exp and the sum lose too much in them) and rounded
    once."""
    out_elem = elem_of(op.x)
    elem = wide(out_elem)
    x = _converted(op.x, elem)
    dims = [norm_axis(op.axis, len(shape_of(x)))]
    m = reduce_dims(x, dims, lowest(elem), _row_max)
    e = _with_reduced(x, [m], dims, lambda v, mv: math.exp(arith.subf(v, mv)))
    total = reduce_dims(e, dims, const(elem, 0.0), s.add)
    if op.log:
        y = _with_reduced(x, [m, total], dims,
                          lambda v, mv, t: arith.subf(arith.subf(v, mv), math.log(t)))
    else:  # one division per row, a multiplication per element (within 1.5 ulp of e / total)
        one = const(elem, 1.0)
        inverse = map_elementwise(shape_of(total), elem, [total], lambda t: arith.divf(one, t))
        y = _with_reduced(e, [inverse], dims, arith.mulf)
    return [_converted(y, out_elem)]


def _normalise(x, dims, eps, elem):
    """(x - mean) * rsqrt(var + eps) over ``dims`` (two-pass variance)."""
    count = const(elem, float(np.prod([shape_of(x)[d] for d in dims])))
    total = reduce_dims(x, dims, const(elem, 0.0), s.add)
    mean = map_elementwise(shape_of(total), elem, [total], lambda v: arith.divf(v, count))
    centred = _with_reduced(x, [mean], dims, arith.subf)
    var = reduce_dims(centred, dims, const(elem, 0.0), s.add, _sq)
    eps_c = const(elem, eps)
    return _with_reduced(centred, [var], dims, lambda c, v: arith.mulf(
        c, math.rsqrt(arith.addf(arith.divf(v, count), eps_c))))


def lower_layer_norm(op):
    """Statistics and the normalised values in the stash type (f32 for f16/bf16), rounded
    back to the element type before the scale and bias (ONNX's function body:
    ``CastLike(Normalized, X) * Scale + B``)."""
    x, elem = op.x, elem_of(op.x)
    shape = shape_of(x)
    axis = norm_axis(op.axis, len(shape))
    stash = wide(elem)
    normed = _converted(_normalise(_converted(x, stash), list(range(axis, len(shape))),
                                   float(op.epsilon), stash), elem)
    inputs = [normed, op.scale] + ([op.bias] if op.bias is not None else [])

    def body(v, g, *b):
        y = arith.mulf(v, g)
        return arith.addf(y, b[0]) if b else y
    return [map_elementwise(shape, elem, inputs, body)]


def _per_channel(x, params, body):
    rank = len(shape_of(x))
    maps = [ir.AffineMap.get_identity(rank)] + [affine_map(rank, [1])] * len(params)
    maps.append(ir.AffineMap.get_identity(rank))
    n = 1 + len(params)
    return generic([x] + list(params), [empty(shape_of(x), elem_of(x))], maps,
                   [PARALLEL] * rank, lambda *a: body(*a[:n]))[0]


def lower_batch_norm(op):
    eps = const(elem_of(op.x), float(op.epsilon))

    def body(v, g, b, m, var):  # (v - m) * g / sqrt(var + eps) + b
        scale = arith.mulf(g, math.rsqrt(arith.addf(var, eps)))
        return arith.addf(arith.mulf(arith.subf(v, m), scale), b)
    return [_per_channel(op.x, [op.scale, op.bias, op.mean, op.var], body)]


def lower_group_norm(op):
    """As layer_norm: statistics in the stash type, rounded back before scale and bias."""
    x, elem = op.x, elem_of(op.x)
    shape = shape_of(x)
    g = op.num_groups
    stash = wide(elem)
    grouped = reshape(_converted(x, stash), [shape[0], g, shape[1] // g] + shape[2:])
    normed = _normalise(grouped, list(range(2, len(shape) + 1)), float(op.epsilon), stash)
    back = _converted(reshape(normed, shape), elem)
    return [_per_channel(back, [op.scale, op.bias],
                         lambda v, sc, b: arith.addf(arith.mulf(v, sc), b))]


def lower_lrn(op):
    from aic.passes.conversions.graph_to_linalg_lib.conv_pool import pad
    x, elem = op.x, elem_of(op.x)
    shape, size = shape_of(x), op.size
    rank = len(shape)
    lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
    sq = map_elementwise(shape, elem, [x], _sq)
    sq = pad(sq, [0, lo] + [0] * (rank - 2), [0, hi] + [0] * (rank - 2), const(elem, 0.0))
    n_dims = rank + 1
    k = ir.AffineDimExpr.get(rank)
    x_map = affine_map(n_dims, [0, ir.AffineDimExpr.get(1) + k] + list(range(2, rank)))
    window = empty([size], elem)
    sums = generic([sq, window], [filled(shape, elem, const(elem, 0.0))],
                   [x_map, affine_map(n_dims, [rank]), affine_map(n_dims, list(range(rank)))],
                   [PARALLEL] * rank + [REDUCTION], lambda a, _w, acc: arith.addf(acc, a))[0]
    bias, coef, beta = (const(elem, float(v)) for v in (op.bias, op.alpha / size, op.beta))
    return [map_elementwise(shape, elem, [x, sums], lambda v, t: arith.divf(
        v, math.powf(arith.addf(bias, arith.mulf(coef, t)), beta)))]


def lower_cumsum(op):
    x, elem = op.x, elem_of(op.x)
    shape = shape_of(x)
    rank, axis = len(shape), norm_axis(op.axis, len(shape))
    n_dims = rank + 1  # the extra dim j runs over the source positions along the axis
    src = [rank if d == axis else d for d in range(rank)]
    pred = {(False, False): "le", (True, False): "lt", (False, True): "ge",
            (True, True): "gt"}[(bool(op.exclusive), bool(op.reverse))]

    def body(pos, v, acc):  # positions from iota inputs: tiling keeps them global
        i64 = ir.IntegerType.get_signless(64)
        take = arith.cmpi(ir.IntegerAttr.get(i64, {"le": 3, "lt": 2, "ge": 5, "gt": 4}[pred]),
                          pos[rank], pos[axis])
        return s.add(acc, s.select(take, v, const(elem, 0)))
    out = filled(shape, elem, const(elem, 0))
    return [indexed_generic([x], [out], [affine_map(n_dims, src),
                                         affine_map(n_dims, list(range(rank)))],
                            [PARALLEL] * rank + [REDUCTION],
                            {axis: shape[axis], rank: shape[axis]}, body)[0]]


LOWERINGS = {ReduceOp: lower_reduce, ArgReduceOp: lower_arg_reduce, SoftmaxOp: lower_softmax,
             LayerNormOp: lower_layer_norm, BatchNormOp: lower_batch_norm,
             GroupNormOp: lower_group_norm, LrnOp: lower_lrn, CumSumOp: lower_cumsum}
