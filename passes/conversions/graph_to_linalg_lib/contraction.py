"""Contractions: graph.matmul (numpy matmul) and graph.dense (Gemm).

``matmul``: 2-D x 2-D -> ``linalg.matmul``; N-D x 2-D -> batch folded into M, then
``linalg.matmul``; equal batch dims -> batch folded into one dim, ``linalg.batch_matmul``;
broadcast batch dims -> one ``linalg.generic`` contraction with broadcasting maps. Rank-1
operands are promoted by a reshape and the added dim dropped from the result.
``dense``: ``linalg.transpose`` for ``trans_a``/``trans_b``, ``linalg.matmul``, then one
elementwise ``linalg.generic`` for ``alpha * ab + beta * c`` when needed. f16 and bf16
products are accumulated in f32 (``common.wide``) and rounded once at the end.

May import: the MLIR shim, the graph op classes, ``common`` and ``scalar``.
"""

from __future__ import annotations

from aic.dialects.graph import DenseOp, MatMulOp
from aic.mlir_api import ir, linalg
from aic.passes.conversions.graph_to_linalg_lib import dims
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (PARALLEL, REDUCTION, affine_map,
                                                               const, elem_of, empty, filled,
                                                               generic, map_elementwise,
                                                               reshape, shape_of, wide)


def _zeros(shape, elem):
    return filled(shape, elem, const(elem, 0))


def matmul_2d(a: ir.Value, b: ir.Value, elem: ir.Type) -> ir.Value:
    m, n = shape_of(a)[0], shape_of(b)[1]
    return dims.remember(linalg.matmul(a, b, outs=[_zeros([m, n], elem)]), [m, n])


def _batched(a, b, elem):
    """``a`` [..., M, K] @ ``b`` [..., K, N] with numpy batch broadcasting."""
    sa, sb = shape_of(a), shape_of(b)
    batch = dims.broadcast_shapes(sa[:-2], sb[:-2])
    m, k, n = sa[-2], sa[-1], sb[-1]
    if len(sb) == 2:
        flat = reshape(a, [dims.prod(sa[:-1]), k])
        return reshape(matmul_2d(flat, b, elem), batch + [m, n])
    if sa[:-2] == batch and sb[:-2] == batch:
        nb = dims.prod(batch)
        out = linalg.batch_matmul(reshape(a, [nb, m, k]), reshape(b, [nb, k, n]),
                                  outs=[_zeros([nb, m, n], elem)])
        return reshape(out, batch + [m, n])
    return _generic_batched(a, b, batch, elem)


def _generic_batched(a, b, batch, elem):
    nb = len(batch)
    n_dims = nb + 3  # batch..., m, n, k
    m_d, n_d, k_d = nb, nb + 1, nb + 2

    def operand_map(shape, rows, cols):
        off = nb - (len(shape) - 2)
        exprs = [i + off if size != 1 or batch[i + off] == 1 else None
                 for i, size in enumerate(shape[:-2])]
        return affine_map(n_dims, exprs + [rows, cols])
    maps = [operand_map(shape_of(a), m_d, k_d), operand_map(shape_of(b), k_d, n_d),
            affine_map(n_dims, list(range(nb)) + [m_d, n_d])]
    out_shape = batch + [shape_of(a)[-2], shape_of(b)[-1]]
    iters = [PARALLEL] * (nb + 2) + [REDUCTION]
    return generic([a, b], [_zeros(out_shape, elem)], maps, iters,
                   lambda x, y, acc: s.add(acc, s.mul(s.convert(x, acc.type),
                                                      s.convert(y, acc.type))))[0]


def _rounded(x: ir.Value, elem: ir.Type) -> ir.Value:
    if elem_of(x) == elem:
        return x
    return map_elementwise(shape_of(x), elem, [x], lambda v: s.convert(v, elem))


def lower_matmul(op):
    a, b = op.a, op.b
    out_elem = elem_of(op.operation.results[0])
    elem = wide(out_elem)
    out_shape = shape_of(op.operation.results[0])
    if len(shape_of(a)) == 1:
        a = reshape(a, [1] + shape_of(a))
    if len(shape_of(b)) == 1:
        b = reshape(b, shape_of(b) + [1])
    if len(shape_of(a)) == 2 and len(shape_of(b)) == 2:
        result = matmul_2d(a, b, elem)
    else:
        result = _batched(a, b, elem)
    return [reshape(_rounded(result, out_elem), out_shape)]


def _transposed(x):
    sx = shape_of(x)
    out = empty([sx[1], sx[0]], elem_of(x))
    return linalg.transpose(x, outs=[out], permutation=[1, 0]).results[0]


def lower_dense(op):
    """f16: the product is accumulated in f32, scaled and biased in f32, rounded once."""
    out_elem = elem_of(op.operation.results[0])
    elem = wide(out_elem)
    a = _transposed(op.a) if op.trans_a else op.a
    b = _transposed(op.b) if op.trans_b else op.b
    ab = matmul_2d(a, b, elem)
    alpha, beta = float(op.alpha), float(op.beta)
    c = op.c if beta != 0.0 else None
    if alpha == 1.0 and c is None:
        return [_rounded(ab, out_elem)]
    inputs = [ab] + ([c] if c is not None else [])

    def body(x, *rest):
        if alpha != 1.0:
            x = s.mul(x, const(elem, alpha))
        if rest:
            y = s.convert(rest[0], elem)
            y = y if beta == 1.0 else s.mul(y, const(elem, beta))
            x = s.add(x, y)
        return s.convert(x, out_elem)
    return [map_elementwise(shape_of(ab), out_elem, inputs, body)]


LOWERINGS = {MatMulOp: lower_matmul, DenseOp: lower_dense}
