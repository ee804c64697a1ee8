"""Data movement -> tensor ops and linalg.transpose/broadcast/generic.

reshape: ``tensor.collapse_shape``/``expand_shape`` (through 1-D when no reassociation
exists). transpose: ``linalg.transpose``. concat: ``tensor.insert_slice`` of each input into
a ``tensor.empty``. split: ``tensor.extract_slice`` per piece. slice: ``extract_slice`` for
positive steps, a copying ``linalg.generic`` with ``start + i*step`` maps otherwise.
expand / tile: ``linalg.broadcast`` (after dropping the broadcast size-1 dims; tile then
collapses the repeat dims). gather / gather_elements: a ``linalg.generic`` reading ``x``
with ``tensor.extract`` at computed indices (negative indices wrap once, then clamp; a
run-time check flags bad ones: ``index_checks``). pad: ``tensor.pad``
(constant) or an extract-based generic (edge, reflect, wrap).

May import: the MLIR shim, the graph op classes, ``common``, ``scalar``, ``conv_pool.pad``,
``index_checks``.
"""

from __future__ import annotations

from aic.dialects.graph import (ConcatOp, ExpandOp, GatherElementsOp, GatherOp, PadOp,
                                ReshapeOp, SliceOp, TileOp, TransposeOp)
from aic.mlir_api import arith, ir, linalg, tensor
from aic.passes.conversions.graph_to_linalg_lib import dims
from aic.passes.conversions.graph_to_linalg_lib.common import (
    PARALLEL, affine_map, const, const_index, dim, elem_of, empty, generic, indexed_generic,
    reshape, shape_of, tensor_type)
from aic.passes.conversions.graph_to_linalg_lib.conv_pool import pad
from aic.passes.conversions.graph_to_linalg_lib.index_checks import check_indices, clamped_index


def _out(op, i=0):
    return op.operation.results[i]


def lower_reshape(op):
    return [reshape(op.x, shape_of(_out(op)))]


def lower_transpose(op):
    out = _out(op)
    return [linalg.transpose(op.x, outs=[empty(shape_of(out), elem_of(out))],
                             permutation=list(op.perm)).results[0]]


def lower_concat(op):
    out = _out(op)
    shape, axis = shape_of(out), op.axis
    acc, offset = empty(shape, elem_of(out)), 0
    for x in (op.lhs, op.rhs):
        sx = shape_of(x)
        if 0 in sx:  # nothing to insert (and its offset may lie past the end)
            continue
        offsets = [offset if d == axis else 0 for d in range(len(shape))]
        (dyn_off, off), (dyn_sizes, sizes) = dims.split(offsets), dims.split(sx)
        acc = tensor.insert_slice(x, acc, dyn_off, dyn_sizes, [], off, sizes, [1] * len(shape))
        offset += sx[axis]
    return [acc]


def extract(x, offsets, sizes, strides):
    (dyn_off, offsets), (dyn_sizes, static) = dims.split(offsets), dims.split(sizes)
    return tensor.extract_slice(tensor_type(sizes, elem_of(x)), x, dyn_off, dyn_sizes, [],
                                offsets, static, strides)


def lower_slice(op):
    out = _out(op)
    sizes, starts, steps = shape_of(out), list(op.starts), list(op.steps)
    if 0 in sizes:  # an empty piece: its start may lie past the end
        return [empty(sizes, elem_of(out))]
    if all(st > 0 for st in steps):
        return [extract(op.x, starts, sizes, steps)]
    rank = len(sizes)
    x_map = affine_map(rank, [dim(d) * st + b for d, (b, st) in enumerate(zip(starts, steps))])
    return [generic([op.x], [empty(sizes, elem_of(out))],
                    [x_map, ir.AffineMap.get_identity(rank)], [PARALLEL] * rank,
                    lambda v, _: v)[0]]


def broadcast_to(x, out_shape):
    """numpy broadcast of ``x`` to ``out_shape`` as a ``linalg.broadcast``."""
    sx = shape_of(x)
    off = len(out_shape) - len(sx)
    kept = [d + off for d, n in enumerate(sx) if n == out_shape[d + off]]
    core = reshape(x, [out_shape[d] for d in kept])
    if len(kept) == len(out_shape):
        return core
    added = [d for d in range(len(out_shape)) if d not in kept]
    return linalg.broadcast(core, outs=[empty(out_shape, elem_of(x))],
                            dimensions=added).results[0]


def lower_expand(op):
    return [broadcast_to(op.x, shape_of(_out(op)))]


def lower_tile(op):
    sx, reps = shape_of(op.x), list(op.repeats)
    inter = [v for r, n in zip(reps, sx) for v in (r, n)]
    spread = broadcast_to(reshape(op.x, [v for n in sx for v in (1, n)]), inter)
    return [reshape(spread, shape_of(_out(op)))]


def lower_gather(op):
    x, idx, axis = op.x, op.indices, op.axis
    out = _out(op)
    shape = shape_of(out)
    rank, ir_ = len(shape), len(shape_of(idx))
    size = shape_of(x)[axis]
    idx_map = affine_map(rank, list(range(axis, axis + ir_)))
    kept = [d for d in range(rank) if not axis <= d < axis + ir_]
    check_indices(op, idx, size)

    def body(pos, i, _):
        coords = [pos[d] for d in range(axis)] + [clamped_index(i, size)]
        coords += [pos[d] for d in range(axis + ir_, rank)]
        return tensor.extract(x, coords)
    return [indexed_generic([idx], [empty(shape, elem_of(out))],
                            [idx_map, ir.AffineMap.get_identity(rank)], [PARALLEL] * rank,
                            {d: shape[d] for d in kept}, body)[0]]


def lower_gather_elements(op):
    x, idx, axis = op.x, op.indices, op.axis
    out = _out(op)
    shape = shape_of(out)
    rank, size = len(shape), shape_of(x)[axis]
    check_indices(op, idx, size)

    def body(pos, i, _):
        coords = [clamped_index(i, size) if d == axis else pos[d] for d in range(rank)]
        return tensor.extract(x, coords)
    ident = ir.AffineMap.get_identity(rank)
    return [indexed_generic([idx], [empty(shape, elem_of(out))], [ident, ident],
                            [PARALLEL] * rank,
                            {d: shape[d] for d in range(rank) if d != axis}, body)[0]]


def _source_index(o, low, n, mode):
    """Source coordinate along one dim for output coordinate ``o`` (index values)."""
    i = arith.subi(o, const_index(low))
    zero, last = const_index(0), const_index(n - 1)
    if mode == "edge":
        return arith.maxsi(zero, arith.minsi(i, last))
    if mode == "wrap":
        size = const_index(n)
        return arith.remsi(arith.addi(arith.remsi(i, size), size), size)
    # reflect (pads smaller than the dim): -i below, 2(n-1)-i above
    mirrored = arith.select(arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 2),
                                       i, zero), arith.subi(zero, i), i)
    over = arith.subi(arith.muli(const_index(2), last), mirrored)
    return arith.minsi(mirrored, over)


def lower_pad(op):
    x, out = op.x, _out(op)
    rank = len(shape_of(x))
    pads = list(op.pads)
    low, high = pads[:rank], pads[rank:]
    if op.mode == "constant":
        return [pad(x, low, high, const(elem_of(x), op.value))]
    sx = shape_of(x)

    out_shape = shape_of(out)

    def body(pos, _):
        coords = [_source_index(pos[d], low[d], sx[d], op.mode) for d in range(rank)]
        return tensor.extract(x, coords)
    return [indexed_generic([], [empty(out_shape, elem_of(out))],
                            [ir.AffineMap.get_identity(rank)], [PARALLEL] * rank,
                            dict(enumerate(out_shape)), body)[0]]


LOWERINGS = {ReshapeOp: lower_reshape, TransposeOp: lower_transpose, ConcatOp: lower_concat,
             SliceOp: lower_slice, ExpandOp: lower_expand,
             TileOp: lower_tile, GatherOp: lower_gather, GatherElementsOp: lower_gather_elements,
             PadOp: lower_pad}
