"""Graph-op building blocks for ONNX ops that decompose into other graph ops (RMSNormalization,
RotaryEmbedding, Attention, the losses): typed arithmetic with numpy broadcasting, slices
along the last dim, concat, casts, selects, reductions. Each takes the ``NodeView`` whose
location the ops carry, and values (``ir.Value``) whose static shapes decide the results.
"""

from __future__ import annotations


from aic.dialects.graph import (AddOp, CastOp, CompareOp, ConcatOp, DivOp, ExpandOp, MatMulOp,
                                MulOp, ReduceOp, SliceOp, SoftmaxOp, SubOp, WhereOp)
from aic.dialects.graph.shapes import broadcast
from aic.frontend.onnx.common import binary, reshape, transpose, unary
from aic.frontend.onnx.tensors import elem_of, shape_of, tensor_type


def i64():
    from aic.mlir_api import ir
    return ir.IntegerType.get_signless(64)


def add(n, a, b):
    return binary(n, AddOp, a, b)


def sub(n, a, b):
    return binary(n, SubOp, a, b)


def mul(n, a, b):
    return binary(n, MulOp, a, b)


def div(n, a, b):
    return binary(n, DivOp, a, b)


def scalar_like(n, value, like):
    """A rank-0 constant in ``like``'s element type."""
    return n.scalar(value, elem_of(like))


def cast(n, x, elem):
    if elem_of(x) == elem:
        return x
    return n.op(CastOp, tensor_type(shape_of(x), elem), x=x)


def compare(n, predicate: str, a, b):
    from aic.mlir_api import ir
    shape = broadcast(tuple(shape_of(a)), tuple(shape_of(b)))
    return n.op(CompareOp, tensor_type(shape, ir.IntegerType.get_signless(1)), lhs=a, rhs=b,
                predicate=predicate)


def where(n, cond, x, y):
    shape = broadcast(*(tuple(shape_of(v)) for v in (cond, x, y)))
    return n.op(WhereOp, tensor_type(shape, elem_of(x)), cond=cond, x=x, y=y)


def last_slice(n, x, start: int, stop: int, step: int = 1):
    """``x[..., start:stop:step]``."""
    shape = shape_of(x)
    count = len(range(start, stop, step))
    if (start, count, step) == (0, shape[-1], 1):
        return x
    return n.op(SliceOp, tensor_type([*shape[:-1], count], elem_of(x)), x=x,
                starts=[0] * (len(shape) - 1) + [start], steps=[1] * (len(shape) - 1) + [step])


def concat(n, a, b, axis: int):
    sa, sb = shape_of(a), shape_of(b)
    if sb[axis] == 0:
        return a
    if sa[axis] == 0:
        return b
    shape = [x + y if d == axis else x for d, (x, y) in enumerate(zip(sa, sb))]
    return n.op(ConcatOp, tensor_type(shape, elem_of(a)), lhs=a, rhs=b, axis=axis)


def expand(n, x, shape):
    if list(shape) == shape_of(x):
        return x
    return n.op(ExpandOp, tensor_type(shape, elem_of(x)), x=x)


def reduce(n, x, kind: str, axes, keepdims: bool = True):
    shape = shape_of(x)
    out = [1 if d in axes else s for d, s in enumerate(shape)] if keepdims else \
        [s for d, s in enumerate(shape) if d not in axes]
    return n.op(ReduceOp, tensor_type(out, elem_of(x)), x=x, kind=kind, axes=list(axes),
                keepdims=keepdims)


def matmul(n, a, b):
    sa, sb = shape_of(a), shape_of(b)
    batch = broadcast(tuple(sa[:-2]), tuple(sb[:-2]))
    return n.op(MatMulOp, tensor_type([*batch, sa[-2], sb[-1]], elem_of(a)), a=a, b=b)


def softmax(n, x, log: bool = False):
    return n.op(SoftmaxOp, x.type, x=x, axis=len(shape_of(x)) - 1, log=log)


__all__ = ["i64", "add", "sub", "mul", "div", "scalar_like", "cast", "compare", "where",
           "last_slice",
           "concat", "expand", "reduce", "matmul", "softmax", "reshape", "transpose", "unary"]
