"""numpy semantics of the contraction, reduction and normalisation graph ops (part of
``aic.dialects.graph.eval``).

Registers handlers for matmul, dense, conv (im2col), global_pool, batch_norm, layer_norm,
group_norm, softmax, reduce, arg_reduce, cumsum and topk. Imported by ``aic.dialects.graph.eval``; use
that module.
"""

from __future__ import annotations

import numpy as np

from aic.dialects import graph as g
from aic.dialects.graph.eval.registry import handles


@handles(g.MatMulOp)
def _matmul(op, xs, shapes):
    return [np.matmul(xs[0], xs[1])]


@handles(g.DenseOp)
def _dense(op, xs, shapes):
    a, b = xs[0], xs[1]
    a = a.T if op.trans_a else a
    b = b.T if op.trans_b else b
    out = a.dtype.type(op.alpha) * (a @ b)
    if len(xs) > 2:
        out = out + a.dtype.type(op.beta) * xs[2]
    return [out]


def _im2col(x, kernel, strides, dilations, out_spatial):
    """Patches of N x C x D1..Dn as N x C x K1..Kn x O1..On (x already padded)."""
    n, c = x.shape[:2]
    cols = np.empty((n, c, *kernel, *out_spatial), dtype=x.dtype)
    for k in np.ndindex(*kernel):
        index = [slice(None), slice(None)]
        for d, kd in enumerate(k):
            start = kd * dilations[d]
            index.append(slice(start, start + strides[d] * (out_spatial[d] - 1) + 1, strides[d]))
        cols[(slice(None), slice(None), *k)] = x[tuple(index)]
    return cols


@handles(g.ConvOp)
def _conv(op, xs, shapes):
    x, w = xs[0], xs[1]
    rank = x.ndim - 2
    pads = op.pads
    x = np.pad(x, [(0, 0), (0, 0)] + [(pads[d], pads[d + rank]) for d in range(rank)])
    out_spatial = shapes[0][2:]
    m, cg, kernel = w.shape[0], w.shape[1], w.shape[2:]
    cols = _im2col(x, kernel, op.strides, op.dilations, out_spatial)
    n, groups = x.shape[0], op.group
    cols = cols.reshape(n, groups, cg * int(np.prod(kernel)), -1)
    wg = w.reshape(groups, m // groups, -1)
    out = np.einsum("gmk,ngkp->ngmp", wg, cols).reshape(n, m, *out_spatial)
    if len(xs) > 2:
        out = out + xs[2].reshape([m] + [1] * rank)
    return [out]


@handles(g.GlobalPoolOp)
def _global_pool(op, xs, shapes):
    axes = tuple(range(2, xs[0].ndim))
    fn = np.max if op.kind == "max" else np.mean
    return [fn(xs[0], axis=axes, keepdims=True)]


def _per_channel(p, rank):
    return p.reshape([1, -1] + [1] * (rank - 2))


@handles(g.BatchNormOp)
def _batch_norm(op, xs, shapes):
    x, scale, bias, mean, var = xs
    eps = x.dtype.type(op.epsilon)
    r = x.ndim
    norm = (x - _per_channel(mean, r)) / np.sqrt(_per_channel(var, r) + eps)
    return [norm * _per_channel(scale, r) + _per_channel(bias, r)]


@handles(g.LayerNormOp)
def _layer_norm(op, xs, shapes):
    x = xs[0]
    axis = op.axis % x.ndim
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    out = (x - mean) / np.sqrt(var + x.dtype.type(op.epsilon)) * xs[1]
    return [out + xs[2] if len(xs) > 2 else out]


@handles(g.GroupNormOp)
def _group_norm(op, xs, shapes):
    x, scale, bias = xs
    n, c = x.shape[:2]
    grouped = x.reshape(n, op.num_groups, -1)
    mean = grouped.mean(axis=2, keepdims=True)
    var = ((grouped - mean) ** 2).mean(axis=2, keepdims=True)
    norm = ((grouped - mean) / np.sqrt(var + x.dtype.type(op.epsilon))).reshape(x.shape)
    return [norm * _per_channel(scale, x.ndim) + _per_channel(bias, x.ndim)]


@handles(g.SoftmaxOp)
def _softmax(op, xs, shapes):
    x = xs[0]
    shifted = x - np.max(x, axis=op.axis, keepdims=True)
    if op.log:
        return [shifted - np.log(np.sum(np.exp(shifted), axis=op.axis, keepdims=True))]
    e = np.exp(shifted)
    return [e / np.sum(e, axis=op.axis, keepdims=True)]


_REDUCE = {
    "sum": lambda x, ax, kd: np.sum(x, axis=ax, keepdims=kd),
    "mean": lambda x, ax, kd: np.mean(x, axis=ax, keepdims=kd),
    "max": lambda x, ax, kd: np.max(x, axis=ax, keepdims=kd),
    "min": lambda x, ax, kd: np.min(x, axis=ax, keepdims=kd),
    "prod": lambda x, ax, kd: np.prod(x, axis=ax, keepdims=kd),
    "l1": lambda x, ax, kd: np.sum(np.abs(x), axis=ax, keepdims=kd),
    "l2": lambda x, ax, kd: np.sqrt(np.sum(x * x, axis=ax, keepdims=kd)),
    "sum_square": lambda x, ax, kd: np.sum(x * x, axis=ax, keepdims=kd),
    "log_sum": lambda x, ax, kd: np.log(np.sum(x, axis=ax, keepdims=kd)),
    "log_sum_exp": lambda x, ax, kd: _log_sum_exp(x, ax, kd),
}


def _log_sum_exp(x, axes, keepdims):
    m = np.max(x, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axes)


@handles(g.ReduceOp)
def _reduce(op, xs, shapes):
    x = xs[0]
    axes = tuple(a % x.ndim for a in op.axes) if op.axes else tuple(range(x.ndim))
    return [_REDUCE[op.kind](x, axes, op.keepdims)]


@handles(g.ArgReduceOp)
def _arg_reduce(op, xs, shapes):
    x, axis = xs[0], op.axis % xs[0].ndim
    fn = np.argmax if op.kind == "max" else np.argmin
    if op.select_last_index:
        out = x.shape[axis] - 1 - fn(np.flip(x, axis=axis), axis=axis)
    else:
        out = fn(x, axis=axis)
    return [np.expand_dims(out, axis) if op.keepdims else out]


@handles(g.CumSumOp)
def _cumsum(op, xs, shapes):
    x, axis = xs[0], op.axis % xs[0].ndim
    if op.reverse:
        x = np.flip(x, axis=axis)
    out = np.cumsum(x, axis=axis, dtype=x.dtype)
    if op.exclusive:  # shift by one: out[i] = sum(x[:i])
        zero = np.zeros_like(np.take(x, [0], axis=axis))
        out = np.concatenate([zero, np.take(out, np.arange(x.shape[axis] - 1), axis=axis)], axis)
    return [np.flip(out, axis=axis) if op.reverse else out]


@handles(g.TopKOp)
def _topk(op, xs, shapes):
    x, axis, k = xs[0], op.axis % xs[0].ndim, op.k
    keys = x.astype(np.float64) if x.dtype.kind in "biu" else x
    keys = -keys if op.largest else keys
    order = np.argsort(keys, axis=axis, kind="stable")
    index = np.take(order, np.arange(k), axis=axis)
    return [np.take_along_axis(x, index, axis=axis), index.astype(np.int64)]
