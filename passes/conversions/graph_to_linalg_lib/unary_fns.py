"""The scalar body of each ``graph.unary`` function (one row per function).

``unary_body(fn, x, alpha, beta)`` builds the scalar computation of ``fn`` at the current
insertion point. ``x`` is a float (f32 or wider) except for the integer-capable functions
(neg, abs, relu, sign, floor, ceil, round, not). Parameters follow ``graph.unary``'s
documentation; formulas are the ONNX definitions, written in numerically stable form where
it matters (softplus, sigmoid).

May import: the MLIR shim, ``common`` and ``scalar``.
"""

from __future__ import annotations

import math as pymath

from aic.mlir_api import arith, math
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import const, is_float


def _c(x, v):
    return const(x.type, v)


def _sigmoid(x):  # 1/(1+e) for x >= 0, e/(1+e) for x < 0, e = exp(-|x|): exp never overflows
    one = _c(x, 1.0)
    e = math.exp(arith.negf(math.absf(x)))
    numerator = s.select(s.compare("lt", x, _c(x, 0.0)), e, one)
    return arith.divf(numerator, arith.addf(one, e))


def _softplus(x):  # max(x, 0) + log1p(exp(-|x|))
    zero = _c(x, 0.0)
    return arith.addf(arith.maximumf(x, zero), math.log1p(math.exp(arith.negf(math.absf(x)))))


def _neg(x):
    return arith.negf(x) if is_float(x.type) else arith.subi(_c(x, 0), x)


def _abs(x):
    if is_float(x.type):
        return math.absf(x)
    return x if s.is_unsigned(x.type) else math.absi(x)  # unsigned (and i1): already >= 0


def _relu(x):
    return s.maximum(x, _c(x, 0))


def _sign(x):  # 1, -1, or x itself (0 and NaN stay)
    zero = _c(x, 0)
    pos = s.select(s.compare("gt", x, zero), _c(x, 1), x)
    return s.select(s.compare("lt", x, zero), _c(x, -1), pos)


def _leaky_relu(x, a, b):  # x < 0 ? a*x : x
    return s.select(s.compare("lt", x, _c(x, 0.0)), arith.mulf(_c(x, a), x), x)


def _elu(x, a, b):  # x < 0 ? a*(exp(x)-1) : x
    return s.select(s.compare("lt", x, _c(x, 0.0)),
                    arith.mulf(_c(x, a), math.expm1(x)), x)


def _selu(x, a, g):  # x <= 0 ? g*(a*exp(x) - a) : g*x
    neg = arith.mulf(_c(x, g), arith.mulf(_c(x, a), math.expm1(x)))
    return s.select(s.compare("le", x, _c(x, 0.0)), neg, arith.mulf(_c(x, g), x))


def _celu(x, a, b):  # max(0, x) + min(0, a*(exp(x/a)-1))
    zero = _c(x, 0.0)
    inner = arith.mulf(_c(x, a), math.expm1(arith.divf(x, _c(x, a))))
    return arith.addf(arith.maximumf(zero, x), arith.minimumf(zero, inner))


def _gelu(x):  # 0.5*x*(1+erf(x/sqrt(2)))
    e = math.erf(arith.mulf(x, _c(x, 1.0 / pymath.sqrt(2.0))))
    return arith.mulf(arith.mulf(_c(x, 0.5), x), arith.addf(_c(x, 1.0), e))


def _gelu_tanh(x):  # 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3)))
    cube = arith.mulf(x, arith.mulf(x, x))
    inner = arith.addf(x, arith.mulf(_c(x, 0.044715), cube))
    t = math.tanh(arith.mulf(_c(x, pymath.sqrt(2.0 / pymath.pi)), inner))
    return arith.mulf(arith.mulf(_c(x, 0.5), x), arith.addf(_c(x, 1.0), t))


def _hard_sigmoid(x, a, b):  # max(0, min(1, a*x+b))
    y = arith.addf(arith.mulf(_c(x, a), x), _c(x, b))
    return arith.maximumf(_c(x, 0.0), arith.minimumf(_c(x, 1.0), y))


def _is_inf(x, sign):
    if sign == 0:
        return s.compare("eq", math.absf(x), _c(x, float("inf")))
    return s.compare("eq", x, _c(x, sign * float("inf")))


_PLAIN = {  # functions without parameters: fn(x)
    "neg": _neg,
    "abs": _abs,
    "sqrt": math.sqrt,
    "rsqrt": math.rsqrt,
    "reciprocal": lambda x: s.div(_c(x, 1), x),
    "exp": math.exp,
    "log": math.log,
    "floor": lambda x: math.floor(x) if is_float(x.type) else x,
    "ceil": lambda x: math.ceil(x) if is_float(x.type) else x,
    "round": lambda x: math.roundeven(x) if is_float(x.type) else x,  # half to even
    "sign": _sign,
    "erf": math.erf,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "asin": math.asin, "acos": math.acos, "atan": math.atan,
    "sinh": math.sinh, "cosh": math.cosh,
    "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
    "relu": _relu,
    "gelu": _gelu,
    "gelu_tanh": _gelu_tanh,
    "softplus": _softplus,
    "softsign": lambda x: arith.divf(x, arith.addf(_c(x, 1.0), math.absf(x))),  # x/(1+|x|)
    "hard_swish": lambda x: arith.mulf(x, _hard_sigmoid(x, 1.0 / 6.0, 0.5)),  # x*hsig(x)
    "mish": lambda x: arith.mulf(x, math.tanh(_softplus(x))),  # x*tanh(softplus(x))
    "silu": lambda x: arith.mulf(x, _sigmoid(x)),  # x*sigmoid(x)
    "not": lambda x: arith.xori(x, _c(x, 1)),
    "isnan": lambda x: s.compare("uno", x, x),
    "isinf": lambda x: _is_inf(x, 0),
    "isposinf": lambda x: _is_inf(x, 1),
    "isneginf": lambda x: _is_inf(x, -1),
}

_PARAM = {  # functions of (x, alpha, beta)
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "selu": _selu,
    "celu": _celu,
    "hard_sigmoid": _hard_sigmoid,
    "thresholded_relu": lambda x, a, b: s.select(s.compare("gt", x, _c(x, a)), x, _c(x, 0.0)),
}


def unary_body(fn: str, x, alpha: float, beta: float):
    if fn in _PLAIN:
        return _PLAIN[fn](x)
    return _PARAM[fn](x, alpha, beta)
