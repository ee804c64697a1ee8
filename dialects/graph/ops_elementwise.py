"""Elementwise graph ops: binary arithmetic, comparisons, logic, unary functions, select."""

from aic.dsl import (NUMERIC_TYPES, AicOp, Attr, BoolAttr, ElementsAttr, EnumAttr, FloatAttr,
                     Operand, Result, Tensor)
from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import (InferredOp, ShapeError, i1, info, is_float,
                                          same_element, types_compatible)

_NUM = Tensor(NUMERIC_TYPES)
_BOOL = Tensor(("i1",))


@graph.op(pure=True)
class ConstantOp(AicOp):
    """A constant tensor.

    `value` holds the data: `dense<...>` inline or `dense_resource<...>` for large weights.
    Its type equals the result type.

    ```mlir
    %w = "graph.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
    ```
    """
    NAME = "constant"
    value = Attr(ElementsAttr())
    out = Result(Tensor())

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [attributes["value"].type]

    def verify(self):
        value_type = self.operation.attributes["value"].type
        if not types_compatible(self.out.type, value_type):
            return f"expects result type {value_type} (the value's type), got {self.out.type}"
        return None


class _Binary(InferredOp):
    lhs = Operand(_NUM)
    rhs = Operand(_NUM)
    out = Result(_NUM)

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.broadcast(ins[0].shape, ins[1].shape), same_element(*ins))]


@graph.op(pure=True)
class AddOp(_Binary):
    """Elementwise `lhs + rhs` with broadcasting.

    ```mlir
    %r = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
    """
    NAME = "add"


@graph.op(pure=True)
class SubOp(_Binary):
    """Elementwise `lhs - rhs` with broadcasting.

    ```mlir
    %r = "graph.sub"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
    ```
    """
    NAME = "sub"


@graph.op(pure=True)
class MulOp(_Binary):
    """Elementwise `lhs * rhs` with broadcasting.

    ```mlir
    %r = "graph.mul"(%a, %b) : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
    ```
    """
    NAME = "mul"


@graph.op(pure=True)
class DivOp(_Binary):
    """Elementwise `lhs / rhs` with broadcasting (integer division truncates toward zero).

    ```mlir
    %r = "graph.div"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    """
    NAME = "div"


@graph.op(pure=True)
class PowOp(_Binary):
    """Elementwise `lhs ** rhs` with broadcasting; the result has the type of `lhs`.

    ```mlir
    %r = "graph.pow"(%a, %b) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
    """
    NAME = "pow"

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.broadcast(ins[0].shape, ins[1].shape), ins[0].element)]


@graph.op(pure=True)
class MaxOp(_Binary):
    """Elementwise maximum with broadcasting (NaN propagates).

    ```mlir
    %r = "graph.max"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    """
    NAME = "max"


@graph.op(pure=True)
class MinOp(_Binary):
    """Elementwise minimum with broadcasting (NaN propagates).

    ```mlir
    %r = "graph.min"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    """
    NAME = "min"


@graph.op(pure=True)
class ModOp(_Binary):
    """Elementwise remainder with broadcasting.

    `fmod = true`: sign of the dividend (C fmod); `false`: sign of the divisor (Python %,
    integers only, as in ONNX Mod).

    ```mlir
    %r = "graph.mod"(%a, %b) {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    """
    NAME = "mod"
    fmod = Attr(BoolAttr(), default=False)

    def extra_verify(self):
        if not self.fmod and is_float(info(self.lhs).element):
            return "expects fmod = true for floating-point operands"
        return None


@graph.op(pure=True)
class CompareOp(InferredOp):
    """Elementwise comparison with broadcasting; the result is `i1`.

    ```mlir
    %r = "graph.compare"(%a, %b) {predicate = "lt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    ```
    """
    NAME = "compare"
    lhs = Operand(_NUM)
    rhs = Operand(_NUM)
    predicate = Attr(EnumAttr("eq", "ne", "lt", "le", "gt", "ge"))
    out = Result(_BOOL)

    @staticmethod
    def infer(ins, attrs):
        same_element(*ins)
        return [(shapes.broadcast(ins[0].shape, ins[1].shape), i1())]


@graph.op(pure=True)
class LogicalOp(InferredOp):
    """Elementwise boolean `and`/`or`/`xor` with broadcasting.

    ```mlir
    %r = "graph.logical"(%a, %b) {kind = "and"} : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
    ```
    """
    NAME = "logical"
    lhs = Operand(_BOOL)
    rhs = Operand(_BOOL)
    kind = Attr(EnumAttr("and", "or", "xor"))
    out = Result(_BOOL)

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.broadcast(ins[0].shape, ins[1].shape), i1())]


UNARY_FUNCTIONS = (
    # arithmetic
    "neg", "abs", "sqrt", "rsqrt", "reciprocal", "exp", "log", "floor", "ceil", "round", "sign",
    # transcendental
    "erf", "tanh", "sigmoid", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "asinh", "acosh", "atanh",
    # activations (alpha/beta as documented)
    "relu", "leaky_relu", "elu", "selu", "celu", "gelu", "gelu_tanh", "softplus", "softsign",
    "hard_sigmoid", "hard_swish", "mish", "thresholded_relu", "silu",
    # boolean results / boolean input
    "not", "isnan", "isinf", "isposinf", "isneginf",
)
_INTEGER_OK = ("neg", "abs", "sign", "relu")
"""Functions defined on integers too; the others (except `not`, on i1) need floats."""
_TESTS = ("isnan", "isinf", "isposinf", "isneginf")


@graph.op(pure=True)
class UnaryOp(InferredOp):
    """Elementwise unary function `fn` of `x`.

    Parameters: `leaky_relu` (alpha = slope), `elu`/`celu` (alpha), `selu` (alpha, beta =
    gamma), `hard_sigmoid` (alpha, beta: max(0, min(1, alpha*x+beta))), `thresholded_relu`
    (alpha = threshold). `round` rounds half to even. `not` takes and gives `i1`; `isnan`,
    `isinf`, `isposinf`, `isneginf` give `i1`. Other functions keep the element type.
    `neg`, `abs`, `sign`, `relu` also accept integers; the other functions need floats.

    ```mlir
    %r = "graph.unary"(%x) {fn = "leaky_relu", alpha = 0.1 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
    ```
    """
    NAME = "unary"
    x = Operand(Tensor())
    fn = Attr(EnumAttr(*UNARY_FUNCTIONS))
    alpha = Attr(FloatAttr(), default=0.0)
    beta = Attr(FloatAttr(), default=0.0)
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        (x,), fn = ins, attrs["fn"]
        if fn == "not":
            ok, need = str(x.element) == "i1", "an i1"
        elif fn in _INTEGER_OK:
            ok, need = str(x.element) != "i1", "a non-i1"
        else:
            ok, need = is_float(x.element), "a floating-point"
        if not ok:
            raise ShapeError(f"expects {need} operand for '{fn}', got {x.element}")
        return [(x.shape, i1() if fn in _TESTS else x.element)]


@graph.op(pure=True)
class ClipOp(InferredOp):
    """Clamp `x` to `[min, max]`; a missing bound is unbounded. Bounds are scalars (rank 0).

    ```mlir
    %r = "graph.clip"(%x, %lo, %hi) : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
    ```
    """
    NAME = "clip"
    x = Operand(_NUM)
    min = Operand(Tensor(NUMERIC_TYPES, rank=0), optional=True)
    max = Operand(Tensor(NUMERIC_TYPES, rank=0), optional=True)
    out = Result(_NUM)

    @staticmethod
    def infer(ins, attrs):
        return [(ins[0].shape, same_element(*ins))]


@graph.op(pure=True)
class WhereOp(InferredOp):
    """Select `x` where `cond` is true, else `y`, with broadcasting of all three.

    ```mlir
    %r = "graph.where"(%c, %x, %y) : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
    ```
    """
    NAME = "where"
    cond = Operand(_BOOL)
    x = Operand(Tensor())
    y = Operand(Tensor())
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        cond, x, y = ins
        return [(shapes.broadcast(cond.shape, x.shape, y.shape), same_element(x, y))]


@graph.op(pure=True)
class CastOp(AicOp):
    """Convert the element type of `x` to the result's (float->int truncates toward zero,
    to `i1` means `!= 0`).

    ```mlir
    %r = "graph.cast"(%x) : (tensor<4xf32>) -> tensor<4xi64>
    ```
    """
    NAME = "cast"
    x = Operand(Tensor())
    out = Result(Tensor())

    def verify(self):
        x, out = info(self.x), info(self.out)
        if not shapes.compatible(x.shape, out.shape):
            return f"expects the result shape {shapes.fmt(out.shape)} to match the operand's " \
                   f"{shapes.fmt(x.shape)}"
        return None


