"""numpy semantics of graph ops: ``evaluate(op, inputs) -> list[np.ndarray] | None``.

``inputs`` are numpy arrays, one per operand present on ``op`` in operand order (absent
optional operands are skipped). The result arrays have the dtypes and shapes of ``op``'s result
types. ``None`` means "cannot evaluate": the op kind or element type is not supported here, a
result type is not static, or the inputs make the op undefined (integer division by zero,
out-of-range indices). Semantics follow the op docstrings (ONNX normalised); floating-point
results are computed in the operands' precision, so they match onnxruntime closely, not
bit-exactly. Used by constant folding, and by tests as a reference.

Unsupported today: conv_transpose, pool, resize, lrn, fused.

May import numpy, the graph dialect's op classes and ``aic.rewriting`` (dtype helpers).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from aic.dialects import graph as g
from aic.mlir_api import ir
from aic.rewriting import numpy_dtype, static_shape

_HANDLERS: dict[type, Callable] = {}


class Unevaluable(Exception):
    """Raised inside a handler when the inputs make the op undefined."""


def _handles(*classes):
    def deco(fn):
        for cls in classes:
            _HANDLERS[cls] = fn
        return fn
    return deco


def supported(op) -> bool:
    """Whether ``evaluate`` knows ``op``'s kind (it may still return None for given inputs)."""
    return type(op) in _HANDLERS


def evaluate(op, inputs: list[np.ndarray]) -> list[np.ndarray] | None:
    """The results of ``op`` on ``inputs``, or None when it cannot be evaluated."""
    handler = _HANDLERS.get(type(op))
    if handler is None:
        return None
    results = list(op.operation.results)
    shapes = [static_shape(r.type) for r in results]
    dtypes = [numpy_dtype(ir.ShapedType(r.type).element_type) for r in results]
    if any(s is None for s in shapes) or any(d is None for d in dtypes):
        return None
    try:
        with np.errstate(all="ignore"):
            outs = handler(op, [np.asarray(x) for x in inputs], shapes)
    except Unevaluable:
        return None
    if outs is None or len(outs) != len(results):
        return None
    fixed = []
    for out, shape, dtype in zip(outs, shapes, dtypes):
        out = np.asarray(out)
        if list(out.shape) != shape:
            return None
        fixed.append(np.require(out.astype(dtype, copy=False), requirements="C"))  # keeps 0-d
    return fixed


# -- elementwise --------------------------------------------------------------------------------

def _int_div(a, b):
    if np.any(b == 0):
        raise Unevaluable("integer division by zero")
    q = np.floor_divide(a, b)
    return np.where((q < 0) & (q * b != a), q + 1, q)  # truncate toward zero


def _div(a, b):
    return _int_div(a, b) if np.issubdtype(np.result_type(a, b), np.integer) else a / b


def _mod(op, a, b):
    if np.issubdtype(np.result_type(a, b), np.integer) and np.any(b == 0):
        raise Unevaluable("integer modulo by zero")
    return np.fmod(a, b) if op.fmod else np.mod(a, b)


_BINARY = {g.AddOp: np.add, g.SubOp: np.subtract, g.MulOp: np.multiply, g.DivOp: _div,
           g.MaxOp: np.maximum, g.MinOp: np.minimum}


@_handles(*_BINARY)
def _binary(op, xs, shapes):
    return [_BINARY[type(op)](xs[0], xs[1])]


@_handles(g.PowOp)
def _pow(op, xs, shapes):
    a, b = xs
    if np.issubdtype(a.dtype, np.integer) and np.any(b < 0):
        raise Unevaluable("negative integer exponent")
    return [np.power(a, b.astype(a.dtype))]


@_handles(g.ModOp)
def _mod_op(op, xs, shapes):
    return [_mod(op, xs[0], xs[1])]


_COMPARE = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
            "gt": np.greater, "ge": np.greater_equal}
_LOGICAL = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}


@_handles(g.CompareOp)
def _compare(op, xs, shapes):
    return [_COMPARE[op.predicate](xs[0], xs[1])]


@_handles(g.LogicalOp)
def _logical(op, xs, shapes):
    return [_LOGICAL[op.kind](xs[0], xs[1])]


_erf = np.vectorize(math.erf, otypes=[np.float64])


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(np.zeros_like(x), x)


# Each entry: fn(x, alpha, beta). Results are cast to the result type by ``evaluate``.
_UNARY: dict[str, Callable] = {
    "neg": lambda x, a, b: -x,
    "abs": lambda x, a, b: np.abs(x),
    "sqrt": lambda x, a, b: np.sqrt(x),
    "rsqrt": lambda x, a, b: 1 / np.sqrt(x),
    "reciprocal": lambda x, a, b: 1 / x,
    "exp": lambda x, a, b: np.exp(x),
    "log": lambda x, a, b: np.log(x),
    "floor": lambda x, a, b: np.floor(x),
    "ceil": lambda x, a, b: np.ceil(x),
    "round": lambda x, a, b: np.round(x),  # half to even
    "sign": lambda x, a, b: np.sign(x),
    "erf": lambda x, a, b: _erf(x).astype(x.dtype),
    "tanh": lambda x, a, b: np.tanh(x),
    "sigmoid": lambda x, a, b: _sigmoid(x),
    "sin": lambda x, a, b: np.sin(x), "cos": lambda x, a, b: np.cos(x),
    "tan": lambda x, a, b: np.tan(x), "asin": lambda x, a, b: np.arcsin(x),
    "acos": lambda x, a, b: np.arccos(x), "atan": lambda x, a, b: np.arctan(x),
    "sinh": lambda x, a, b: np.sinh(x), "cosh": lambda x, a, b: np.cosh(x),
    "asinh": lambda x, a, b: np.arcsinh(x), "acosh": lambda x, a, b: np.arccosh(x),
    "atanh": lambda x, a, b: np.arctanh(x),
    "relu": lambda x, a, b: np.maximum(x, 0),
    "leaky_relu": lambda x, a, b: np.where(x >= 0, x, a * x),
    "elu": lambda x, a, b: np.where(x > 0, x, a * (np.exp(x) - 1)),
    "selu": lambda x, a, b: b * np.where(x > 0, x, a * (np.exp(x) - 1)),
    "celu": lambda x, a, b: np.maximum(x, 0) + np.minimum(0, a * (np.exp(x / a) - 1)),
    "gelu": lambda x, a, b: 0.5 * x * (1 + _erf(x / math.sqrt(2)).astype(x.dtype)),
    "gelu_tanh": lambda x, a, b: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                        * (x + 0.044715 * x ** 3))),
    "softplus": lambda x, a, b: _softplus(x),
    "softsign": lambda x, a, b: x / (1 + np.abs(x)),
    "hard_sigmoid": lambda x, a, b: np.clip(a * x + b, 0, 1),
    "hard_swish": lambda x, a, b: x * np.clip(x / 6 + 0.5, 0, 1),
    "mish": lambda x, a, b: x * np.tanh(_softplus(x)),
    "thresholded_relu": lambda x, a, b: np.where(x > a, x, 0),
    "silu": lambda x, a, b: x * _sigmoid(x),
    "not": lambda x, a, b: np.logical_not(x),
    "isnan": lambda x, a, b: np.isnan(x),
    "isinf": lambda x, a, b: np.isinf(x),
    "isposinf": lambda x, a, b: np.isposinf(x),
    "isneginf": lambda x, a, b: np.isneginf(x),
}


@_handles(g.UnaryOp)
def _unary(op, xs, shapes):
    fn = _UNARY.get(op.fn)
    if fn is None:
        return None
    x = xs[0]
    alpha, beta = op.alpha, op.beta
    if np.issubdtype(x.dtype, np.floating):
        alpha, beta = x.dtype.type(alpha), x.dtype.type(beta)
    return [fn(x, alpha, beta)]


@_handles(g.ClipOp)
def _clip(op, xs, shapes):
    x, rest = xs[0], list(xs[1:])
    lo = rest.pop(0) if op.min is not None else None
    hi = rest.pop(0) if op.max is not None else None
    if lo is not None:
        x = np.maximum(x, lo.astype(x.dtype))
    if hi is not None:
        x = np.minimum(x, hi.astype(x.dtype))
    return [x]


@_handles(g.WhereOp)
def _where(op, xs, shapes):
    return [np.where(xs[0], xs[1], xs[2])]


@_handles(g.CastOp)
def _cast(op, xs, shapes):
    target = numpy_dtype(ir.ShapedType(op.out.type).element_type)
    x = xs[0]
    if target == np.bool_:
        return [x != 0]
    if np.issubdtype(target, np.integer) and np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)):
            raise Unevaluable("non-finite value cast to an integer")
        return [np.trunc(x).astype(target)]
    return [x.astype(target)]


@_handles(g.ConstantOp)
def _constant(op, xs, shapes):
    from aic.rewriting import constant_value
    value = constant_value(op.result)
    return None if value is None else [value]


from aic import graph_eval_nn  # noqa: E402,F401  (registers the remaining handlers)
