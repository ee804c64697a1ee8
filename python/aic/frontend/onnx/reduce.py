"""ONNX reductions and scans: ReduceX, ArgMax/ArgMin, CumSum, CumProd, TopK.

Reduction axes come from the ``axes`` attribute before the op's input migration (ReduceSum 13,
the other ReduceX 18) and from the optional ``axes`` input after (must be a constant). No axes
means all dims, or the identity when ``noop_with_empty_axes``.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import ArgReduceOp, CumSumOp, ReduceOp, TopKOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import norm_axes, norm_axis
from aic.frontend.onnx.registry import handler
from aic.mlir_api import ir

_KINDS = {"ReduceSum": "sum", "ReduceMean": "mean", "ReduceMax": "max", "ReduceMin": "min",
          "ReduceProd": "prod", "ReduceL1": "l1", "ReduceL2": "l2",
          "ReduceSumSquare": "sum_square", "ReduceLogSum": "log_sum",
          "ReduceLogSumExp": "log_sum_exp"}


def _reduce(n, kind: str):
    rank = n.rank(0)
    if n.has_attr("axes"):
        axes = n.attr("axes")
    elif n.has(1):
        axes = n.need_const(1, "axes").reshape(-1).tolist()
    else:
        axes = []
    if not axes:
        if int(n.attr("noop_with_empty_axes", 0)):
            return n.value(0)
        axes = list(range(rank))
    keepdims = bool(n.attr("keepdims", 1))
    return n.op(ReduceOp, n.out_type(), x=n.value(0), kind=kind,
                axes=sorted(norm_axes(n, axes, rank)), keepdims=keepdims)


for _op, _kind in _KINDS.items():
    handler(_op, 1, attrs={"axes", "keepdims", "noop_with_empty_axes"})(
        lambda n, k=_kind: _reduce(n, k))


def _arg(n, kind: str):
    return n.op(ArgReduceOp, n.out_type(), x=n.value(0), kind=kind,
                axis=norm_axis(n, int(n.attr("axis", 0)), n.rank(0)),
                keepdims=bool(n.attr("keepdims", 1)),
                select_last_index=bool(n.attr("select_last_index", 0)))


handler("ArgMax", 1, attrs={"axis", "keepdims", "select_last_index"})(lambda n: _arg(n, "max"))
handler("ArgMin", 1, attrs={"axis", "keepdims", "select_last_index"})(lambda n: _arg(n, "min"))


@handler("CumSum", 11, attrs={"exclusive", "reverse"})
def cumsum(n):
    axis = int(n.need_const(1, "axis").reshape(-1)[0])
    return n.op(CumSumOp, n.out_type(), x=n.value(0), axis=norm_axis(n, axis, n.rank(0)),
                exclusive=bool(n.attr("exclusive", 0)), reverse=bool(n.attr("reverse", 0)))


@handler("CumProd", 26, attrs={"exclusive", "reverse"})
def cumprod(n):
    """``y[i] = prod(x[j] for j <= i)`` (``<``, ``>=``, ``>`` for exclusive / reverse): ``x``
    along the axis broadcast against itself, the other factors replaced by 1, a product
    reduction -- the same masked reduction as CumSum's lowering."""
    x, shape = n.value(0), n.shape(0)
    axis = norm_axis(n, int(n.need_const(1, "axis").reshape(-1)[0]), len(shape))
    perm = [d for d in range(len(shape)) if d != axis] + [axis]
    rows = c.transpose(n, x, perm)
    size, lead = shape[axis], [shape[d] for d in perm[:-1]]
    i, j = np.arange(size)[:, None], np.arange(size)[None, :]
    exclusive, reverse = bool(n.attr("exclusive", 0)), bool(n.attr("reverse", 0))
    take = {(False, False): j <= i, (True, False): j < i, (False, True): j >= i,
            (True, True): j > i}[(exclusive, reverse)]
    spread = c.expand(n, c.reshape(n, rows, [*lead, 1, size]), [*lead, size, size])
    factors = c.where(n, n.constant(take), spread, c.scalar_like(n, 1, x))
    y = c.reduce(n, factors, "prod", [len(shape)], keepdims=False)
    return c.transpose(n, y, list(np.argsort(perm)))


@handler("TopK", 1, attrs={"axis", "k", "largest", "sorted"})
def topk(n):
    k = int(n.attr("k")) if n.version < 10 else int(n.need_const(1, "K").reshape(-1)[0])
    axis = norm_axis(n, int(n.attr("axis", -1)), n.rank(0))
    values = n.out_type(0)
    indices = n.ttype(values.shape, ir.IntegerType.get_signless(64))
    op = n.build(TopKOp, [values, indices], x=n.value(0), k=k, axis=axis,
                 largest=bool(n.attr("largest", 1)))
    return list(op.results)
