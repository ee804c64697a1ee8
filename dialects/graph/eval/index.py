"""numpy semantics of the indexing and bitwise graph ops (part of ``aic.dialects.graph.eval``).

Registers handlers for gather_nd, scatter_nd and scatter_elements (ONNX's reference
semantics: updates applied in order, so with ``reduction = none`` the last duplicate wins)
and bitwise (see the op for shifts out of range).
Imported by ``aic.dialects.graph.eval``; use that module.
"""

from __future__ import annotations

import numpy as np

from aic.dialects import graph as g
from aic.dialects.graph.eval.registry import handles
from aic.dialects.graph.eval.shape import normalise_indices

_COMBINE = {"none": lambda a, b: b, "add": np.add, "mul": np.multiply,
            "max": np.maximum, "min": np.minimum}




@handles(g.GatherNDOp)
def _gather_nd(op, xs, shapes):
    x, idx = xs
    b = op.batch_dims
    k = idx.shape[-1]
    idx = normalise_indices(idx, x.shape[b:b + k])
    batch = int(np.prod(x.shape[:b], dtype=np.int64))
    xb = x.reshape(batch, *x.shape[b:])
    ib = idx.reshape(batch, -1, k)
    rows = [xb[n][tuple(ib[n].T)] for n in range(batch)]
    return [np.stack(rows).reshape(shapes[0])]


@handles(g.ScatterNDOp)
def _scatter_nd(op, xs, shapes):
    x, idx, upd = xs
    k = idx.shape[-1]
    idx = normalise_indices(idx, x.shape[:k]).reshape(-1, k)
    upd = upd.reshape(idx.shape[0], *x.shape[k:])
    out, combine = x.copy(), _COMBINE[op.reduction]
    for q in range(idx.shape[0]):
        at = tuple(idx[q])
        out[at] = combine(out[at], upd[q])
    return [out]


@handles(g.ScatterElementsOp)
def _scatter_elements(op, xs, shapes):
    x, idx, upd = xs
    axis = op.axis
    idx = normalise_indices(idx[..., None], [x.shape[axis]])[..., 0]
    out, combine = x.copy(), _COMBINE[op.reduction]
    for p in np.ndindex(*idx.shape):
        at = p[:axis] + (idx[p],) + p[axis + 1:]
        out[at] = combine(out[at], upd[p])
    return [out]


_BITWISE = {"and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor}


@handles(g.BitwiseOp)
def _bitwise(op, xs, shapes):
    a, b = np.broadcast_arrays(*xs)
    if op.kind in _BITWISE:
        return [_BITWISE[op.kind](a, b)]
    width = a.dtype.itemsize * 8
    unsigned = np.dtype(f"u{a.dtype.itemsize}")
    inside = b.astype(unsigned) < width  # a negative amount is huge unsigned
    shift = np.where(inside, b, 0).astype(unsigned)
    if op.kind == "shl":
        return [np.where(inside, np.left_shift(a.view(unsigned), shift).view(a.dtype), 0)]
    fill = np.where(a < 0, -1, 0) if a.dtype.kind == "i" else 0
    return [np.where(inside, np.right_shift(a, shift.astype(a.dtype)), fill).astype(a.dtype)]
