"""Constants and index-driven ops.

constant: ``arith.constant`` with the same (dense or dense_resource) attribute.
trilu: an elementwise generic selecting ``x`` or 0 by comparing the positions (iota inputs) of
the last two dims (``j - i >= k`` keeps the upper triangle, ``j - i <= k`` the lower).
one_hot: a generic over the result comparing the (wrapped) index with the position along
``axis``.

May import: the MLIR shim, the graph op classes, ``common`` and ``scalar``.
"""

from __future__ import annotations

from aic.dialects.graph import ConstantOp, OneHotOp, TriluOp
from aic.mlir_api import arith, ir
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (PARALLEL, affine_map, const,
                                                               elem_of, empty,
                                                               indexed_generic, is_float,
                                                               shape_of)

_SLE, _SGE, _EQ = 3, 5, 0


def _cmp_index(pred, a, b):
    return arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), pred), a, b)


def lower_constant(op):
    return [arith.ConstantOp(op.operation.results[0].type,
                             op.operation.attributes["value"]).result]


def lower_trilu(op):
    x = op.x
    shape, elem = shape_of(x), elem_of(x)
    rank = len(shape)
    ident = ir.AffineMap.get_identity(rank)

    def body(pos, v, _):
        diff = arith.subi(pos[rank - 1], pos[rank - 2])
        k = arith.ConstantOp.create_index(int(op.k)).result
        keep = _cmp_index(_SGE if op.upper else _SLE, diff, k)
        return s.select(keep, v, const(elem, 0))
    return [indexed_generic([x], [empty(shape, elem)], [ident, ident], [PARALLEL] * rank,
                            {rank - 2: shape[rank - 2], rank - 1: shape[rank - 1]}, body)[0]]


def lower_one_hot(op):
    idx, out = op.indices, op.operation.results[0]
    shape, elem = shape_of(out), elem_of(out)
    rank, axis, depth = len(shape), op.axis, op.depth
    idx_map = affine_map(rank, [d for d in range(rank) if d != axis])
    on, off = float(op.on_value), float(op.off_value)

    def body(pos, i, _):
        if is_float(i.type):  # ONNX allows float indices: truncated toward zero
            i = arith.fptosi(ir.IntegerType.get_signless(64), i)
        v = arith.index_cast(ir.IndexType.get(), i)
        depth_c = arith.ConstantOp.create_index(depth).result
        zero = arith.ConstantOp.create_index(0).result
        v = arith.select(_cmp_index(2, v, zero), arith.addi(v, depth_c), v)  # slt: wrap
        hit = _cmp_index(_EQ, v, pos[axis])
        return s.select(hit, const(elem, on), const(elem, off))
    return [indexed_generic([idx], [empty(shape, elem)],
                            [idx_map, ir.AffineMap.get_identity(rank)], [PARALLEL] * rank,
                            {axis: depth}, body)[0]]


LOWERINGS = {ConstantOp: lower_constant, TriluOp: lower_trilu, OneHotOp: lower_one_hot}
