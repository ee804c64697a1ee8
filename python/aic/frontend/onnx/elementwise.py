"""ONNX elementwise ops: arithmetic, comparison, logic, math functions, Where, Cast, Clip.

Binary ops broadcast (ONNX multidirectional broadcasting, opset >= 7). Variadic Sum/Mean/Max/
Min become chains of binary ops (Mean divides by the input count). Clip takes its bounds from
attributes before opset 11 and from optional scalar inputs after.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from aic.dialects.graph import (AddOp, CastOp, ClipOp, CompareOp, DivOp, LogicalOp, MaxOp, MinOp,
                                ModOp, MulOp, PowOp, SubOp, WhereOp)
from aic.frontend.onnx.common import binary, unary
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, is_float_dtype, np_dtype, shape_of, tensor_type
from aic.mlir_api import ir

for _op, _cls in (("Add", AddOp), ("Sub", SubOp), ("Mul", MulOp), ("Div", DivOp)):
    handler(_op, 7)(lambda n, cls=_cls: n.op(cls, n.out_type(), lhs=n.value(0), rhs=n.value(1)))


@handler("Pow", 7)
def pow_(n):
    return n.op(PowOp, n.out_type(), lhs=n.value(0), rhs=n.value(1))


@handler("Mod", 10, attrs={"fmod"})
def mod(n):
    fmod = bool(n.attr("fmod", 0))
    if not fmod and np.issubdtype(n.dtype(0), np.floating):
        return _float_floor_mod(n)
    return n.op(ModOp, n.out_type(), lhs=n.value(0), rhs=n.value(1), fmod=fmod)


def _float_floor_mod(n):
    """numpy's ``mod`` on floats (what ONNX's reference computes for fmod=0):
    ``r = fmod(a, b)``, plus ``b`` where ``r`` is nonzero and its sign differs from ``b``'s.
    Exact, unlike ``a - floor(a / b) * b``, and right for infinite ``b`` (``-3 mod inf = inf``,
    ``3 mod inf = 3``)."""
    t = n.out_type()
    r = n.op(ModOp, t, lhs=n.value(0), rhs=n.value(1), fmod=True)
    zero, bool_t = n.scalar(0, t.element_type), n.ttype(t.shape, _i1())
    r_neg = binary(n, CompareOp, r, zero, predicate="lt", out_type=bool_t)
    b_neg = binary(n, CompareOp, n.value(1), zero, predicate="lt",
                   out_type=n.ttype(shape_of(n.value(1)), _i1()))
    fix = binary(n, LogicalOp, binary(n, CompareOp, r, zero, predicate="ne", out_type=bool_t),
                 binary(n, LogicalOp, r_neg, b_neg, kind="xor", out_type=bool_t),
                 kind="and", out_type=bool_t)
    return n.op(WhereOp, t, cond=fix, x=binary(n, AddOp, r, n.value(1), out_type=t), y=r)


def _i1():
    from aic.mlir_api import ir
    return ir.IntegerType.get_signless(1)


_PREDICATES = {"Equal": "eq", "Less": "lt", "LessOrEqual": "le", "Greater": "gt",
               "GreaterOrEqual": "ge"}
for _op, _pred in _PREDICATES.items():
    handler(_op, 12 if "OrEqual" in _op else 7)(
        lambda n, p=_pred: n.op(CompareOp, n.out_type(), lhs=n.value(0), rhs=n.value(1),
                                predicate=p))

for _op in ("And", "Or", "Xor"):
    handler(_op, 7)(lambda n, k=_op.lower(): n.op(LogicalOp, n.out_type(), lhs=n.value(0),
                                                  rhs=n.value(1), kind=k))


@handler("Not", 1)
def not_(n):
    return unary(n, n.value(0), "not", out_type=n.out_type())


def _chain(n, cls, final_type):
    """Fold the inputs left to right with ``cls``; the last op gets ``final_type``."""
    values = [n.value(i) for i in range(n.n_inputs) if n.has(i)]
    acc = values[0]
    for i, v in enumerate(values[1:], start=2):
        acc = binary(n, cls, acc, v, out_type=final_type if i == len(values) else None)
    return acc, len(values)


for _op, _cls in (("Max", MaxOp), ("Min", MinOp), ("Sum", AddOp)):
    handler(_op, 6)(lambda n, cls=_cls: _chain(n, cls, n.out_type())[0])


@handler("Mean", 6)
def mean(n):
    acc, count = _chain(n, AddOp, None)
    if count == 1:
        return acc
    return binary(n, DivOp, acc, n.scalar(count, elem_of(acc)), out_type=n.out_type())


@handler("Where", 9)
def where(n):
    return n.op(WhereOp, n.out_type(), cond=n.value(0), x=n.value(1), y=n.value(2))


@handler("Cast", 6, attrs={"to", "saturate"})
def cast(n):
    return _cast(n)


@handler("CastLike", 15, attrs={"saturate"})
def cast_like(n):
    return _cast(n)


_FLOAT8 = frozenset(np.dtype(t) for t in (ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e4m3fnuz,
                                          ml_dtypes.float8_e5m2, ml_dtypes.float8_e5m2fnuz))


def _cast(n):
    """``graph.cast``; a constant input (CastLike of a constant to a runtime value's type)
    is converted at import time where numpy's conversion is exact: not float -> integer.

    A cast to a float8 type with ``saturate=1`` (the default) first clamps to the type's
    finite range, so infinities and values beyond it give the largest finite value (NaN stays
    NaN); ``saturate=0`` lets them become infinity (e5m2) or NaN, as the rounding gives."""
    t, known = n.out_type(), n.const(0)
    target = np_dtype(t.element_type)
    bounds = None
    if target in _FLOAT8 and n.attr("saturate", 1):
        finfo = ml_dtypes.finfo(target)
        bounds = float(finfo.min), float(finfo.max)
    if known is not None and not (is_float_dtype(known.dtype) and target.kind in "iub"):
        return (np.clip(known, *bounds) if bounds else known).astype(target)
    x = n.value(0)
    if bounds and is_float_dtype(n.dtype(0)):
        if n.dtype(0).itemsize < 2:  # a float8 source: clamp in f32
            x = n.op(CastOp, tensor_type(shape_of(x), ir.F32Type.get()), x=x)
        x = n.op(ClipOp, x.type, x=x, min=n.scalar(bounds[0], elem_of(x)),
                 max=n.scalar(bounds[1], elem_of(x)))
    return x if x.type == t else n.op(CastOp, t, x=x)


_UNARY = {"Neg": ("neg", 6), "Abs": ("abs", 6), "Sqrt": ("sqrt", 6), "Exp": ("exp", 6),
          "Reciprocal": ("reciprocal", 6), "Log": ("log", 6), "Floor": ("floor", 6),
          "Ceil": ("ceil", 6), "Round": ("round", 11), "Sign": ("sign", 9), "Erf": ("erf", 9),
          "Tanh": ("tanh", 6), "Sigmoid": ("sigmoid", 6), "Sin": ("sin", 7), "Cos": ("cos", 7),
          "Tan": ("tan", 7), "Asin": ("asin", 7), "Acos": ("acos", 7), "Atan": ("atan", 7),
          "Sinh": ("sinh", 9), "Cosh": ("cosh", 9), "Asinh": ("asinh", 9),
          "Acosh": ("acosh", 9), "Atanh": ("atanh", 9), "IsNaN": ("isnan", 9)}
for _op, (_fn, _since) in _UNARY.items():
    handler(_op, _since)(lambda n, fn=_fn: unary(
        n, n.value(0), fn, out_type=n.out_type(like=None if fn == "isnan" else 0)))


@handler("IsInf", 10, attrs={"detect_negative", "detect_positive"})
def is_inf(n):
    neg, pos = int(n.attr("detect_negative", 1)), int(n.attr("detect_positive", 1))
    if not (neg or pos):
        return np.zeros(n.out_shape(), np.bool_)
    fn = "isinf" if neg and pos else "isneginf" if neg else "isposinf"
    return unary(n, n.value(0), fn, out_type=n.out_type())


_FLT_MAX = float(np.finfo(np.float32).max)


@handler("Clip", 6, attrs={"min", "max"})
def clip_6(n):
    elem = elem_of(n.value(0))
    lo, hi = n.attr("min", -_FLT_MAX), n.attr("max", _FLT_MAX)
    lo = None if lo <= -_FLT_MAX else n.scalar(lo, elem)
    hi = None if hi >= _FLT_MAX else n.scalar(hi, elem)
    return n.op(ClipOp, n.out_type(like=0), x=n.value(0), min=lo, max=hi)


@handler("Clip", 11)
def clip_11(n):
    bounds = []
    for i in (1, 2):
        if not n.has(i):
            bounds.append(None)
        elif n.rank(i) != 0:
            raise n.unsupported(f"Clip bound {i} must be a scalar")
        else:
            bounds.append(n.value(i))
    return n.op(ClipOp, n.out_type(like=0), x=n.value(0), min=bounds[0], max=bounds[1])
