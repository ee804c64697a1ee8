"""numpy semantics of the elementwise graph ops and constants (part of ``aic.dialects.graph.eval``)."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from aic.dialects import graph as g
from aic.dialects.graph.constants import constant_value, numpy_dtype
from aic.dialects.graph.eval.registry import Unevaluable, handles
from aic.mlir_api import ir


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


@handles(*_BINARY)
def _binary(op, xs, shapes):
    return [_BINARY[type(op)](xs[0], xs[1])]


@handles(g.PowOp)
def _pow(op, xs, shapes):
    a, b = xs
    if np.issubdtype(a.dtype, np.integer) and np.any(b < 0):
        raise Unevaluable("negative integer exponent")
    return [np.power(a, b.astype(a.dtype))]


@handles(g.ModOp)
def _mod_op(op, xs, shapes):
    return [_mod(op, xs[0], xs[1])]


_COMPARE = {"eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal,
            "gt": np.greater, "ge": np.greater_equal}
_LOGICAL = {"and": np.logical_and, "or": np.logical_or, "xor": np.logical_xor}


@handles(g.CompareOp)
def _compare(op, xs, shapes):
    return [_COMPARE[op.predicate](xs[0], xs[1])]


@handles(g.LogicalOp)
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


@handles(g.UnaryOp)
def _unary(op, xs, shapes):
    fn = _UNARY.get(op.fn)
    if fn is None:
        return None
    x = xs[0]
    alpha, beta = op.alpha, op.beta
    if np.issubdtype(x.dtype, np.floating):
        alpha, beta = x.dtype.type(alpha), x.dtype.type(beta)
    return [fn(x, alpha, beta)]


@handles(g.ClipOp)
def _clip(op, xs, shapes):
    x, rest = xs[0], list(xs[1:])
    lo = rest.pop(0) if op.min is not None else None
    hi = rest.pop(0) if op.max is not None else None
    if lo is not None:
        x = np.maximum(x, lo.astype(x.dtype))
    if hi is not None:
        x = np.minimum(x, hi.astype(x.dtype))
    return [x]


@handles(g.WhereOp)
def _where(op, xs, shapes):
    return [np.where(xs[0], xs[1], xs[2])]


@handles(g.CastOp)
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


@handles(g.BitCastOp)
def _bitcast(op, xs, shapes):
    target = numpy_dtype(ir.ShapedType(op.out.type).element_type)
    x = xs[0].astype(np.uint8) if xs[0].dtype == np.bool_ else xs[0]
    y = x.view(np.uint8 if target == np.bool_ else target)
    return [y != 0 if target == np.bool_ else y]


@handles(g.ConstantOp)
def _constant(op, xs, shapes):
    value = constant_value(op.result)
    return None if value is None else [value]

