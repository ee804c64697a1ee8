"""NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, decomposed into graph ops.

NLL: ``loss[n, d...] = -x[n, target[n, d...], d...] * w`` with ``w = weight[target]`` (1
without weights) and ``w = 0`` where ``target == ignore_index`` (those targets read class 0
instead, so no index is out of range); a ``graph.gather_elements`` along the class axis picks
the entries (run-time targets, checked at run time). ``reduction``: ``none``, ``sum``, or
``mean`` = ``sum(loss) / sum(w)``. SoftmaxCrossEntropyLoss is NLL of ``log_softmax(scores)``
along the class axis (the optional second output), which is moved last for the row kernel.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import GatherElementsOp, GatherOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, shape_of, tensor_type

_ATTRS = {"ignore_index", "reduction"}


def _gather_weights(n, weight, target, elem):
    return n.op(GatherOp, tensor_type(shape_of(target), elem), x=weight, indices=target, axis=0)


def _weights(n, target, ignore, elem, weight_input: int):
    """(the target made safe to gather with, the per-element weights or None)."""
    weight = n.value(weight_input) if n.has(weight_input) else None
    if ignore is None:
        return target, (None if weight is None else _gather_weights(n, weight, target, elem))
    keep = c.compare(n, "ne", target, n.scalar(int(ignore), elem_of(target)))
    safe = c.where(n, keep, target, n.scalar(0, elem_of(target)))
    w = n.scalar(1, elem) if weight is None else _gather_weights(n, weight, safe, elem)
    return safe, c.where(n, keep, w, n.scalar(0, elem))


def nll(n, x, target, weight_input: int):
    """The NLL loss of log-probabilities ``x`` ``[N, C, d...]`` (see the module docstring)."""
    shape, elem = shape_of(x), elem_of(x)
    if len(shape) < 2:
        raise n.unsupported(f"input of rank {len(shape)} (>= 2 expected)")
    ignore = n.attr("ignore_index", None)
    safe, w = _weights(n, target, ignore, elem, weight_input)
    lanes = [shape[0], 1, *shape[2:]]
    picked = n.op(GatherElementsOp, tensor_type(lanes, elem), x=x,
                  indices=c.reshape(n, safe, lanes), axis=1)
    loss = c.unary(n, c.reshape(n, picked, shape_of(target)), "neg")
    if w is not None:
        loss = c.mul(n, loss, w)
    reduction = n.attr("reduction", "mean")
    if reduction == "none":
        return loss
    axes = list(range(len(shape_of(loss))))
    if reduction == "sum":
        return c.reduce(n, loss, "sum", axes, keepdims=False)
    if reduction != "mean":
        raise n.unsupported(f"reduction '{reduction}'")
    if w is None:
        return c.reduce(n, loss, "mean", axes, keepdims=False)
    total = c.reduce(n, c.expand(n, w, shape_of(loss)), "sum", axes, keepdims=False)
    return c.div(n, c.reduce(n, loss, "sum", axes, keepdims=False), total)


@handler("NegativeLogLikelihoodLoss", 12, attrs=_ATTRS)
def negative_log_likelihood_loss(n):
    return nll(n, n.value(0), n.value(1), 2)


@handler("SoftmaxCrossEntropyLoss", 12, attrs=_ATTRS)
def softmax_cross_entropy_loss(n):
    scores = n.value(0)
    rank = n.rank(0)
    perm = [0, *range(2, rank), 1]  # classes last for the softmax row kernel
    moved = c.softmax(n, c.transpose(n, scores, perm), log=True)
    log_prob = c.transpose(n, moved, list(np.argsort(perm)))
    loss = nll(n, log_prob, n.value(1), 2)
    return [loss, log_prob] if n.has_output(1) else loss
