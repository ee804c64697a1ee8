"""numpy semantics of the data-movement graph ops (part of ``aic.dialects.graph.eval``).

Registers handlers for reshape, transpose, expand, concat, split, slice, gather,
gather_elements, pad, tile, trilu and one_hot. Imported by ``aic.dialects.graph.eval``; use that module.
"""

from __future__ import annotations

import numpy as np

from aic.dialects import graph as g
from aic.dialects.graph.eval.registry import Unevaluable, handles


@handles(g.ReshapeOp)
def _reshape(op, xs, shapes):
    return [xs[0].reshape(shapes[0])]


@handles(g.TransposeOp)
def _transpose(op, xs, shapes):
    return [np.transpose(xs[0], op.perm)]


@handles(g.ExpandOp)
def _expand(op, xs, shapes):
    return [np.broadcast_to(xs[0], shapes[0]).copy()]


@handles(g.ConcatOp)
def _concat(op, xs, shapes):
    return [np.concatenate(xs, axis=op.axis)]


@handles(g.SliceOp)
def _slice(op, xs, shapes):
    x = xs[0]
    for d, (start, step, count) in enumerate(zip(op.starts, op.steps, shapes[0])):
        index = start + np.arange(count) * step
        if count and (index.min() < 0 or index.max() >= x.shape[d]):
            raise Unevaluable("slice out of range")
        x = np.take(x, index, axis=d)
    return [x]


def normalise_indices(indices, sizes):
    """``indices`` made non-negative against ``sizes`` (a size, or one per entry of the last
    axis), as int64; an index out of range cannot be evaluated."""
    sizes = np.asarray(sizes, dtype=np.int64)
    indices = np.asarray(indices).astype(np.int64)
    indices = np.where(indices < 0, indices + sizes, indices)
    if np.any(indices < 0) or np.any(indices >= sizes):
        raise Unevaluable("index out of range")
    return indices


@handles(g.GatherOp)
def _gather(op, xs, shapes):
    x, idx = xs
    return [np.take(x, normalise_indices(idx, x.shape[op.axis]), axis=op.axis)]


@handles(g.GatherElementsOp)
def _gather_elements(op, xs, shapes):
    x, idx = xs
    return [np.take_along_axis(x, normalise_indices(idx, x.shape[op.axis]), axis=op.axis)]


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}


@handles(g.PadOp)
def _pad(op, xs, shapes):
    x, pads = xs[0], op.pads
    rank = x.ndim
    widths = [(pads[d], pads[d + rank]) for d in range(rank)]
    if op.mode == "constant":
        return [np.pad(x, widths, mode="constant", constant_values=x.dtype.type(op.value))]
    return [np.pad(x, widths, mode=_PAD_MODES[op.mode])]


@handles(g.TileOp)
def _tile(op, xs, shapes):
    return [np.tile(xs[0], op.repeats)]


@handles(g.TriluOp)
def _trilu(op, xs, shapes):
    x = xs[0]
    return [np.triu(x, op.k) if op.upper else np.tril(x, op.k)]


@handles(g.OneHotOp)
def _one_hot(op, xs, shapes):
    idx, depth = xs[0].astype(np.int64), op.depth
    idx = np.where(idx < 0, idx + depth, idx)
    hot = np.expand_dims(idx, op.axis) == np.arange(depth).reshape(
        [depth if d == op.axis else 1 for d in range(idx.ndim + 1)])
    return [np.where(hot, op.on_value, op.off_value)]
