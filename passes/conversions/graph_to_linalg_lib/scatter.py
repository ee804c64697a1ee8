"""gather_nd, scatter_nd, scatter_elements -> ``linalg.generic``.

gather_nd: one parallel generic over the result; column ``j`` of the indices (an
``extract_slice``, read along the index dims) gives coordinate ``batch_dims + j`` of ``x``,
which is read with ``tensor.extract``.

scatter_elements / scatter_nd: a generic over the result with one reduction loop over the
updates (scatter_elements: the positions along ``axis`` of ``indices``; scatter_nd: the
index rows). The accumulator starts as ``x``'s element (selected on the first reduction
step; the init is a ``tensor.empty``, so ``x``'s buffer -- perhaps a caller's input -- is
never written); the update at step ``q`` is combined into result position ``p`` when its
target is ``p``. Updates are visited in order, so with ``reduction = none`` the last duplicate
wins (ONNX's reference). No loops, no writes at computed addresses: O(|x| x indices.shape[axis])
for scatter_elements (indices and updates read with ``tensor.extract``; positions past the
indices never hit) and O(|x| x number of index rows) for scatter_nd.

Every index goes through ``clamped_index`` (wrap once, clamp) and a run-time check
(``index_checks``), per coordinate.

May import: the MLIR shim, the graph op classes, ``common``, ``scalar``, ``shape.extract``
and ``index_checks``.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import GatherNDOp, ScatterElementsOp, ScatterNDOp
from aic.mlir_api import arith, ir, tensor
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (
    PARALLEL, REDUCTION, affine_map, const_index, elem_of, empty, indexed_generic, reshape,
    shape_of)
from aic.passes.conversions.graph_to_linalg_lib.index_checks import check_indices, clamped_index
from aic.passes.conversions.graph_to_linalg_lib.shape import extract

_COMBINE = {"add": s.add, "mul": s.mul, "max": s.maximum, "min": s.minimum}


def _columns(op, idx: ir.Value, sizes) -> list[ir.Value]:
    """Column ``j`` of ``idx`` (its last dim dropped), each checked against ``sizes[j]``."""
    shape = shape_of(idx)
    cols = []
    for j, size in enumerate(sizes):
        col = extract(idx, [0] * (len(shape) - 1) + [j], shape[:-1] + [1], [1] * len(shape))
        col = reshape(col, shape[:-1])
        check_indices(op, col, size)
        cols.append(col)
    return cols


def lower_gather_nd(op):
    x, idx, b = op.x, op.indices, op.batch_dims
    out = op.operation.results[0]
    shape, sx = shape_of(out), shape_of(x)
    ni, k = len(shape_of(idx)) - 1, shape_of(idx)[-1]
    cols = _columns(op, idx, sx[b:b + k])
    rank = len(shape)
    maps = [affine_map(rank, list(range(ni)))] * k + [ir.AffineMap.get_identity(rank)]
    loops = {d: shape[d] for d in [*range(b), *range(ni, rank)]}

    def body(pos, *args):
        coords = [pos[d] for d in range(b)]
        coords += [clamped_index(c, sx[b + j]) for j, c in enumerate(args[:k])]
        coords += [pos[d] for d in range(ni, rank)]
        return tensor.extract(x, coords)
    return [indexed_generic(cols, [empty(shape, elem_of(out))], maps, [PARALLEL] * rank,
                            loops, body)[0]]


def _combine(reduction: str, hit: ir.Value, acc: ir.Value, update: ir.Value) -> ir.Value:
    new = update if reduction == "none" else _COMBINE[reduction](acc, update)
    return arith.select(hit, new, acc)


def _eq(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 0), a, b)


def _lt(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 2), a, b)


def _start(pos: dict, r: int, x_value: ir.Value, acc: ir.Value) -> ir.Value:
    """The accumulator entering reduction step ``pos[r]``: ``x``'s element on the first step
    (the init is a ``tensor.empty``, so ``x``'s buffer -- perhaps a caller's input -- is never
    written), the running value after."""
    return arith.select(_eq(pos[r], const_index(0)), x_value, acc)


def lower_scatter_elements(op):
    x, idx, upd, axis = op.x, op.indices, op.updates, op.axis
    sx, si = shape_of(x), shape_of(idx)
    if 0 in si:
        return [x]
    rank, n = len(sx), sx[axis]
    check_indices(op, idx, n)
    ident = affine_map(rank + 1, list(range(rank)))
    loops = {d: sx[d] for d in range(rank)} | {rank: si[axis]}

    def body(pos, xv, acc):
        at = [pos[rank] if d == axis else arith.minsi(pos[d], const_index(si[d] - 1))
              for d in range(rank)]
        hit = _eq(clamped_index(tensor.extract(idx, at), n), pos[axis])
        for d in range(rank):
            if d != axis and si[d] < sx[d]:  # x extends past the indices along d
                hit = arith.andi(hit, _lt(pos[d], const_index(si[d])))
        return _combine(op.reduction, hit, _start(pos, rank, xv, acc), tensor.extract(upd, at))
    return indexed_generic([x], [empty(sx, elem_of(x))], [ident, ident],
                           [PARALLEL] * rank + [REDUCTION], loops, body)


def lower_scatter_nd(op):
    x, idx, upd = op.x, op.indices, op.updates
    sx, si = shape_of(x), shape_of(idx)
    q, k, rank = int(np.prod(si[:-1], dtype=np.int64)), si[-1], len(sx)
    if q == 0:
        return [x]
    cols = _columns(op, reshape(idx, [q, k]), sx[:k])
    rows = reshape(upd, [q, *sx[k:]])
    maps = [affine_map(rank + 1, [rank])] * k
    maps += [affine_map(rank + 1, [rank, *range(k, rank)])]
    maps += [affine_map(rank + 1, range(rank))] * 2

    def body(pos, *args):
        *coords, u, xv, acc = args
        hit = None
        for j, c in enumerate(coords):
            eq = _eq(clamped_index(c, sx[j]), pos[j])
            hit = eq if hit is None else arith.andi(hit, eq)
        return _combine(op.reduction, hit, _start(pos, rank, xv, acc), u)
    return indexed_generic([*cols, rows, x], [empty(sx, elem_of(x))], maps,
                           [PARALLEL] * rank + [REDUCTION],
                           {j: sx[j] for j in range(k)} | {rank: q}, body)


LOWERINGS = {GatherNDOp: lower_gather_nd, ScatterElementsOp: lower_scatter_elements,
             ScatterNDOp: lower_scatter_nd}
