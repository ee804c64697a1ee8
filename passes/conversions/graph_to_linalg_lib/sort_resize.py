"""TopK and Resize -> ``linalg.generic``.

topk: a rank-then-select scheme, all generics (no loops, no sort). First each element's rank
along ``axis`` is counted by a reduction over a second copy of the axis: element ``j`` beats
element ``i`` if its value is strictly better (greater for ``largest``, smaller otherwise), or
equal with ``j < i`` (ties keep the lower index first). Ranks form a permutation of
``0..n-1``. Then a reduction over the axis writes into output position ``p < k`` the value
and (i64) index of the element whose rank is ``p``. O(n^2) per row along the axis.

resize: one generic over the result, computing for every resized dim the source coordinate
(f64, exactly the ONNX reference formula of the ``coordinate_mode``) and reading ``x`` with
``tensor.extract``: nearest rounds (``nearest_mode``) and clamps the coordinate; linear (2
taps) and cubic (4 taps, coefficient ``cubic_coeff``) clamp each tap to the edge (the
reference's edge padding) and sum the weighted taps in f64 (``exclude_outside``: taps outside
the input weigh 0, the rest are renormalised). tf_crop_and_resize maps through ``roi`` and
gives ``extrapolation_value`` where any coordinate falls outside the input. Dims with scale 1,
unchanged size (and full roi) are read in place. Linear/cubic need a float element type.

May import: the MLIR shim, the graph op classes, ``common`` and ``scalar``.
"""

from __future__ import annotations

import itertools

from aic.dialects.graph import ResizeOp, TopKOp
from aic.errors import PassError
from aic.mlir_api import arith, ir, math, tensor
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (
    PARALLEL, REDUCTION, affine_map, const, const_index, elem_of, empty, filled, indexed_generic,
    is_float, norm_axis, shape_of)

# -- topk -------------------------------------------------------------------------------------


def _i64():
    return ir.IntegerType.get_signless(64)


def _ranks(x, axis: int, largest: bool):
    """i64 tensor of ``x``'s shape: how many elements along ``axis`` come before each one."""
    shape = shape_of(x)
    rank = len(shape)
    own = affine_map(rank + 1, list(range(rank)))
    other = affine_map(rank + 1, [rank if d == axis else d for d in range(rank)])
    init = filled(shape, _i64(), const(_i64(), 0))
    better = "gt" if largest else "lt"

    def body(pos, xi, xj, acc):
        earlier = arith.cmpi(ir.IntegerAttr.get(_i64(), 6), pos[rank], pos[axis])  # ult
        tie = arith.andi(s.compare("eq", xj, xi), earlier)
        beats = arith.ori(s.compare(better, xj, xi), tie)
        return arith.addi(acc, arith.extui(_i64(), beats))
    n = shape[axis]
    return indexed_generic([x, x], [init], [own, other, own], [PARALLEL] * rank + [REDUCTION],
                           {axis: n, rank: n}, body)[0]


def lower_topk(op):
    x = op.x
    shape, elem = shape_of(x), elem_of(x)
    rank = len(shape)
    axis = norm_axis(op.axis, rank)
    ranks = _ranks(x, axis, bool(op.largest))
    out_shape = shape_of(op.operation.results[0])
    # iteration space: the output dims (axis = position p) + the source position i (last)
    src = affine_map(rank + 1, [rank if d == axis else d for d in range(rank)])
    out = affine_map(rank + 1, list(range(rank)))
    vals = filled(out_shape, elem, const(elem, 0))
    idxs = filled(out_shape, _i64(), const(_i64(), 0))

    def body(pos, v, r, acc_v, acc_i):
        p = arith.index_cast(_i64(), pos[axis])
        i = arith.index_cast(_i64(), pos[rank])
        hit = arith.cmpi(ir.IntegerAttr.get(_i64(), 0), r, p)
        return [arith.select(hit, v, acc_v), arith.select(hit, i, acc_i)]
    return indexed_generic([x, ranks], [vals, idxs], [src, src, out, out],
                           [PARALLEL] * rank + [REDUCTION],
                           {axis: out_shape[axis], rank: shape[axis]}, body)


# -- resize -----------------------------------------------------------------------------------


def _f64():
    return ir.F64Type.get()


def _fc(value: float):
    return const(_f64(), float(value))


def _source_coord(o, n_in: int, n_out: int, scale: float, mode: str, roi=(0.0, 1.0)):
    """The ONNX reference's ``x_original`` for output coordinate ``o`` (an index value)."""
    x = arith.sitofp(_f64(), arith.index_cast(_i64(), o))
    width = scale * n_in  # the reference uses the unrounded output width here
    if mode == "asymmetric":
        return arith.divf(x, _fc(scale))
    if mode == "align_corners":
        if width == 1:
            return _fc(0.0)
        return arith.divf(arith.mulf(x, _fc(n_in - 1)), _fc(width - 1))
    if mode == "tf_crop_and_resize":
        start, extent = roi[0] * (n_in - 1), roi[1] - roi[0]
        if width == 1:
            return _fc(extent * (n_in - 1) / 2 + start)
        scaled = arith.mulf(arith.mulf(x, _fc(extent)), _fc(n_in - 1))
        return arith.addf(arith.divf(scaled, _fc(width - 1)), _fc(start))
    if mode == "pytorch_half_pixel" and width == 1:
        return _fc(-0.5)
    half = arith.subf(arith.divf(arith.addf(x, _fc(0.5)), _fc(scale)), _fc(0.5))
    if mode == "half_pixel_symmetric":
        offset = n_in / 2 * (1 - n_out / width)
        return arith.addf(_fc(offset), half)
    return half  # half_pixel, pytorch_half_pixel


def _inside(c, n_in: int):
    """i1: the f64 coordinate ``c`` lies in ``[0, n_in - 1]``."""
    return arith.andi(s.compare("ge", c, _fc(0.0)), s.compare("le", c, _fc(n_in - 1)))


def _clamped_index(f, n_in: int):
    """Index value of the f64 integral ``f`` clamped to ``[0, n_in - 1]``."""
    i = arith.index_cast(ir.IndexType.get(), arith.fptosi(_i64(), f))
    return arith.maxsi(const_index(0), arith.minsi(i, const_index(n_in - 1)))


def _nearest(c, n_in: int, mode: str):
    if mode == "ceil":
        return _clamped_index(math.ceil(c), n_in)
    f = math.floor(c)
    if mode != "floor":
        frac = arith.subf(c, f)
        up = s.compare("gt" if mode == "round_prefer_floor" else "ge", frac, _fc(0.5))
        f = arith.select(up, arith.addf(f, _fc(1.0)), f)
    return _clamped_index(f, n_in)


def _cubic_weights(r, a: float):
    """The four ONNX cubic coefficients for taps floor-1 .. floor+2 at fraction ``r``."""
    def poly(t, coeffs):  # sum coeffs[k] * t^k, Horner
        acc = _fc(coeffs[-1])
        for c in reversed(coeffs[:-1]):
            acc = arith.addf(arith.mulf(acc, t), _fc(c))
        return acc
    far = [-4 * a, 8 * a, -5 * a, a]  # |t| in [1, 2): a t^3 - 5a t^2 + 8a t - 4a
    near = [1.0, 0.0, -(a + 3), a + 2]  # |t| < 1: (a+2) t^3 - (a+3) t^2 + 1
    one = _fc(1.0)
    rm = arith.subf(one, r)
    return [poly(arith.addf(r, one), far), poly(r, near), poly(rm, near),
            poly(arith.addf(rm, one), far)]


def _taps(c, n_in: int, mode: str, a: float, exclude_outside: bool):
    """(index, f64 weight) pairs of the interpolation along one dim."""
    f = math.floor(c)
    r = arith.subf(c, f)
    if mode == "linear":
        raw = [f, arith.addf(f, _fc(1.0))]
        weights = [arith.subf(_fc(1.0), r), r]
    else:
        raw = [arith.addf(f, _fc(t - 1)) for t in range(4)]
        weights = _cubic_weights(r, a)
    if exclude_outside:  # taps outside the input get weight 0; renormalise the others
        weights = [arith.select(_inside(i, n_in), w, _fc(0.0)) for i, w in zip(raw, weights)]
        total = weights[0]
        for w in weights[1:]:
            total = arith.addf(total, w)
        weights = [arith.divf(w, total) for w in weights]
    return [(_clamped_index(i, n_in), w) for i, w in zip(raw, weights)]


def _interpolate(op, x, idx, coords, in_shape):
    """Sum over the taps of every resized dim of weight product * ``x`` at the tap (f64)."""
    taps = [_taps(c, in_shape[d], op.mode, float(op.cubic_coeff), bool(op.exclude_outside))
            for d, c in coords.items()]
    acc = _fc(0.0)
    for combo in itertools.product(*taps):
        at, weight = list(idx), _fc(1.0)
        for d, (i, w) in zip(coords, combo):
            at[d], weight = i, arith.mulf(weight, w)
        acc = arith.addf(acc, arith.mulf(weight, s.convert(tensor.extract(x, at), _f64())))
    return s.convert(acc, elem_of(x))


def lower_resize(op):
    x, out = op.x, op.operation.results[0]
    in_shape, out_shape, elem = shape_of(x), shape_of(out), elem_of(x)
    rank, scales = len(in_shape), [float(v) for v in op.scales]
    coord = op.coordinate_mode
    if op.mode != "nearest" and not is_float(elem):
        raise PassError(f"{op.mode} resize needs a float element type, got {elem}", op)
    crop = coord == "tf_crop_and_resize"
    roi = [float(v) for v in op.roi] if crop else [0.0] * rank + [1.0] * rank
    rois = list(zip(roi[:rank], roi[rank:]))
    moved = [d for d in range(rank)
             if scales[d] != 1.0 or in_shape[d] != out_shape[d] or rois[d] != (0.0, 1.0)]

    def body(pos, _):
        idx = [pos[d] for d in range(rank)]
        coords = {d: _source_coord(idx[d], in_shape[d], out_shape[d], scales[d], coord, rois[d])
                  for d in moved}
        if op.mode == "nearest":
            for d in moved:
                idx[d] = _nearest(coords[d], in_shape[d], op.nearest_mode)
            value = tensor.extract(x, idx)
        else:
            value = _interpolate(op, x, idx, coords, in_shape)
        if crop and moved:  # samples outside the input take the extrapolation value
            inside = _inside(coords[moved[0]], in_shape[moved[0]])
            for d in moved[1:]:
                inside = arith.andi(inside, _inside(coords[d], in_shape[d]))
            value = arith.select(inside, value, const(elem, float(op.extrapolation_value)))
        return value
    return [indexed_generic([], [empty(out_shape, elem)], [ir.AffineMap.get_identity(rank)],
                            [PARALLEL] * rank, dict(enumerate(out_shape)), body)[0]]


LOWERINGS = {TopKOp: lower_topk, ResizeOp: lower_resize}
