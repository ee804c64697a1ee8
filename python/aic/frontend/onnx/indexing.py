"""ONNX indexing ops with data-dependent positions: GatherND, ScatterND, ScatterElements
(and its old name Scatter), Compress, GridSample (opset 22), TensorScatter (opset 24: a
scatter_elements with indices from write_indices).

GatherND / ScatterND / ScatterElements map onto ``graph.gather_nd`` / ``graph.scatter_nd`` /
``graph.scatter_elements`` (indices are run-time values, checked at run time). Compress's
result length is the number of true entries of its condition, so the condition must be known
at compile time; it becomes a ``graph.gather`` with constant indices.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import (GatherNDOp, GatherOp, GridSampleOp, ScatterElementsOp,
                                ScatterNDOp)
from aic.frontend.onnx.common import norm_axis, reshape
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, tensor_type


@handler("GatherND", 11, attrs={"batch_dims"})
def gather_nd(n):
    return n.op(GatherNDOp, n.out_type(), x=n.value(0), indices=n.value(1),
                batch_dims=int(n.attr("batch_dims", 0)))


def _reduction(n) -> str:
    reduction = n.attr("reduction", "none")
    if reduction not in ("none", "add", "mul", "max", "min"):
        raise n.unsupported(f"reduction '{reduction}'")
    return reduction


@handler("ScatterND", 11, attrs={"reduction"})
def scatter_nd(n):
    return n.op(ScatterNDOp, n.out_type(like=0), x=n.value(0), indices=n.value(1),
                updates=n.value(2), reduction=_reduction(n))


@handler("ScatterElements", 11, attrs={"axis", "reduction"})
def scatter_elements(n):
    axis = norm_axis(n, int(n.attr("axis", 0)), n.rank(0))
    return n.op(ScatterElementsOp, n.out_type(like=0), x=n.value(0), indices=n.value(1),
                updates=n.value(2), axis=axis, reduction=_reduction(n))


handler("Scatter", 9, attrs={"axis"})(scatter_elements)


@handler("Compress", 9, attrs={"axis"})
def compress(n):
    cond = n.need_const(1, "condition").reshape(-1).astype(bool)
    x = n.value(0)
    if not n.has_attr("axis"):
        x, axis = reshape(n, x, [int(np.prod(n.shape(0)))]), 0
    else:
        axis = norm_axis(n, int(n.attr("axis")), n.rank(0))
    shape = list(x.type.shape)
    if cond.size > shape[axis]:
        raise n.unsupported(f"condition of length {cond.size} > {shape[axis]} (dim {axis})")
    picked = np.nonzero(cond)[0].astype(np.int64)
    shape[axis] = picked.size
    return n.op(GatherOp, tensor_type(shape, elem_of(x)), x=x, indices=n.constant(picked),
                axis=axis)


@handler("GridSample", 22, attrs={"align_corners", "mode", "padding_mode"})
def grid_sample(n):
    mode = n.attr("mode", "linear")
    padding = n.attr("padding_mode", "zeros")
    if mode not in ("linear", "nearest", "cubic") or padding not in ("zeros", "border",
                                                                      "reflection"):
        raise n.unsupported(f"mode '{mode}', padding_mode '{padding}'")
    return n.op(GridSampleOp, n.out_type(like=0), x=n.value(0), grid=n.value(1), mode=mode,
                padding_mode=padding, align_corners=bool(n.attr("align_corners", 0)))


@handler("TensorScatter", 24, attrs={"axis", "mode"})
def tensor_scatter(n):
    """KV-cache update: ``update[b, .., s, ..]`` goes to position ``write_indices[b] + s``
    (``circular``: modulo the cache length) along ``axis`` -- a ``graph.scatter_elements``
    whose indices are built from ``write_indices`` (a run-time input) and a constant iota."""
    from aic.dialects.graph import ModOp
    from aic.frontend.onnx import compose as c
    cache, update = n.value(0), n.value(1)
    shape, ushape = n.shape(0), n.shape(1)
    rank = len(shape)
    axis = norm_axis(n, int(n.attr("axis", -2)), rank)
    mode = n.attr("mode", "linear")
    if axis == 0 or mode not in ("linear", "circular"):
        raise n.unsupported(f"axis {axis}, mode '{mode}' (axis > 0; linear or circular)")
    i64 = c.i64()
    if n.has(2):
        start = c.reshape(n, c.cast(n, n.value(2), i64), [ushape[0]] + [1] * (rank - 1))
    else:
        start = n.constant(np.zeros([ushape[0]] + [1] * (rank - 1), np.int64))
    steps = np.arange(ushape[axis], dtype=np.int64).reshape(
        [ushape[axis] if d == axis else 1 for d in range(rank)])
    idx = c.expand(n, c.add(n, start, n.constant(steps)), ushape)
    if mode == "circular":
        idx = n.op(ModOp, idx.type, lhs=idx, rhs=n.constant(np.array(shape[axis], np.int64)),
                   fmod=False)
    return n.op(ScatterElementsOp, n.out_type(like=0), x=cache, indices=idx, updates=update,
                axis=axis, reduction="none")
