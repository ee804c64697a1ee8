"""Reductions and scans: reduce, arg_reduce, cumsum, topk."""

from aic.dsl import (NUMERIC_TYPES, Attr, BoolAttr, EnumAttr, IntArrayAttr, IntAttr,
                     Operand, Result, Tensor)
from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, i64

_NUM = Tensor(NUMERIC_TYPES)


@graph.op(pure=True)
class ReduceOp(InferredOp):
    """Reduce `x` over `axes` (empty: all dims) with `kind`; `keepdims` keeps them as size 1.

    Kinds: `sum`, `mean`, `max`, `min`, `prod`, `l1` (sum |x|), `l2` (sqrt sum x^2),
    `sum_square`, `log_sum` (log sum x), `log_sum_exp`.

    ```mlir
    %r = "graph.reduce"(%x) {axes = array<i64: 1>, keepdims = true, kind = "sum"} : (tensor<2x8xf32>) -> tensor<2x1xf32>
    ```
    """
    NAME = "reduce"
    x = Operand(_NUM)
    kind = Attr(EnumAttr("sum", "mean", "max", "min", "prod", "l1", "l2", "sum_square",
                         "log_sum", "log_sum_exp"))
    axes = Attr(IntArrayAttr())
    keepdims = Attr(BoolAttr(), default=True)
    out = Result(_NUM)

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.reduce(ins[0].shape, attrs["axes"], attrs["keepdims"]), ins[0].element)]


@graph.op(pure=True)
class ArgReduceOp(InferredOp):
    """Index (i64) of the max or min along `axis`; ties resolve to the first index unless
    `select_last_index`.

    ```mlir
    %r = "graph.arg_reduce"(%x) {axis = 1 : i64, keepdims = false, kind = "max", select_last_index = false} : (tensor<2x8xf32>) -> tensor<2xi64>
    ```
    """
    NAME = "arg_reduce"
    x = Operand(_NUM)
    kind = Attr(EnumAttr("max", "min"))
    axis = Attr(IntAttr())
    keepdims = Attr(BoolAttr(), default=True)
    select_last_index = Attr(BoolAttr(), default=False)
    out = Result(Tensor(("i64",)))

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.arg_reduce(ins[0].shape, attrs["axis"], attrs["keepdims"]), i64())]


@graph.op(pure=True)
class CumSumOp(InferredOp):
    """Cumulative sum along `axis` (`exclusive` shifts by one, `reverse` scans backwards).

    ```mlir
    %r = "graph.cumsum"(%x) {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<5xf32>) -> tensor<5xf32>
    ```
    """
    NAME = "cumsum"
    x = Operand(_NUM)
    axis = Attr(IntAttr())
    exclusive = Attr(BoolAttr(), default=False)
    reverse = Attr(BoolAttr(), default=False)
    out = Result(_NUM)

    @staticmethod
    def infer(ins, attrs):
        shapes.normalize_axis(attrs["axis"], len(ins[0].shape))
        return [(ins[0].shape, ins[0].element)]


@graph.op(pure=True)
class TopKOp(InferredOp):
    """The `k` largest (or smallest) elements along `axis` and their i64 indices, sorted;
    equal values keep the lower index first.

    ```mlir
    %v, %i = "graph.topk"(%x) {axis = -1 : i64, k = 2 : i64, largest = true} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
    ```
    """
    NAME = "topk"
    x = Operand(_NUM)
    k = Attr(IntAttr(min=0))
    axis = Attr(IntAttr(), default=-1)
    largest = Attr(BoolAttr(), default=True)
    values = Result(_NUM)
    indices = Result(Tensor(("i64",)))

    @staticmethod
    def infer(ins, attrs):
        shape = shapes.topk(ins[0].shape, attrs["k"], attrs["axis"])
        return [(shape, ins[0].element), (shape, i64())]
