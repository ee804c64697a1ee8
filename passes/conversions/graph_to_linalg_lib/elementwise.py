"""Elementwise graph ops -> ``linalg.generic`` with numpy-broadcasting indexing maps.

Covers add/sub/mul/div/pow/max/min/mod, compare, logical, unary (every ``UNARY_FUNCTIONS``
entry), clip, where and cast. Unary functions of ``f16`` are computed in ``f32`` and
truncated back (libm-style math has no ``f16`` entry points). Integer ``pow`` goes through
``f64`` (exact while results stay below 2^53).

May import: the MLIR shim, the graph op classes, ``common``, ``scalar``, ``unary_fns``.
"""

from __future__ import annotations

from aic.dialects.graph import (AddOp, CastOp, ClipOp, CompareOp, DivOp, LogicalOp, MaxOp,
                                MinOp, ModOp, MulOp, PowOp, SubOp, UnaryOp, WhereOp)
from aic.errors import PassError
from aic.mlir_api import arith, ir, math
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (elem_of, is_float,
                                                               map_elementwise, shape_of)
from aic.passes.conversions.graph_to_linalg_lib.unary_fns import unary_body


def _pow(a, b):
    lhs_t = a.type
    if is_float(lhs_t):
        return math.powf(a, s.convert(b, lhs_t))
    f64 = ir.F64Type.get()
    return s.convert(math.powf(s.convert(a, f64), s.convert(b, f64)), lhs_t)


_BINARY = {
    AddOp: s.add,
    SubOp: s.sub,
    MulOp: s.mul,
    DivOp: s.div,
    PowOp: _pow,
    MaxOp: s.maximum,
    MinOp: s.minimum,
}


def _result(op):
    out = op.operation.results[0]
    return shape_of(out), elem_of(out)


def lower_binary(op):
    shape, elem = _result(op)
    fn = _BINARY[type(op)]

    def body(a, b):
        return fn(a, b) if type(op) is PowOp else fn(a, s.convert(b, a.type))
    return [map_elementwise(shape, elem, [op.lhs, op.rhs], body)]


def lower_mod(op):
    shape, elem = _result(op)
    fmod = bool(op.fmod)
    return [map_elementwise(shape, elem, [op.lhs, op.rhs],
                            lambda a, b: s.rem(a, b, fmod=fmod))]


def lower_compare(op):
    shape, elem = _result(op)
    pred = op.predicate
    return [map_elementwise(shape, elem, [op.lhs, op.rhs],
                            lambda a, b: s.compare(pred, a, s.convert(b, a.type)))]


_LOGICAL = {"and": arith.andi, "or": arith.ori, "xor": arith.xori}


def lower_logical(op):
    shape, elem = _result(op)
    fn = _LOGICAL[op.kind]
    return [map_elementwise(shape, elem, [op.lhs, op.rhs], fn)]


def lower_unary(op):
    shape, elem = _result(op)
    fn, alpha, beta = op.fn, float(op.alpha or 0.0), float(op.beta or 0.0)
    in_elem = elem_of(op.x)
    if not is_float(in_elem) and fn not in ("neg", "abs", "relu", "sign", "floor", "ceil",
                                            "round", "not"):
        raise PassError(f"unary '{fn}' on {in_elem} is not supported", op)

    def body(x):
        wide = is_float(in_elem) and ir.FloatType(in_elem).width < 32
        if wide:
            x = s.convert(x, ir.F32Type.get())
        y = unary_body(fn, x, alpha, beta)
        return s.convert(y, elem) if y.type != elem else y
    return [map_elementwise(shape, elem, [op.x], body)]


def lower_clip(op):
    shape, elem = _result(op)
    inputs = [op.x] + [b for b in (op.min, op.max) if b is not None]
    has_min, has_max = op.min is not None, op.max is not None

    def body(x, *bounds):
        bounds = list(bounds)
        if has_min:
            x = s.maximum(x, s.convert(bounds.pop(0), x.type))
        if has_max:
            x = s.minimum(x, s.convert(bounds.pop(0), x.type))
        return x
    return [map_elementwise(shape, elem, inputs, body)]


def lower_where(op):
    shape, elem = _result(op)
    return [map_elementwise(shape, elem, [op.cond, op.x, op.y],
                            lambda c, x, y: s.select(c, x, s.convert(y, x.type)))]


def lower_cast(op):
    shape, elem = _result(op)
    return [map_elementwise(shape, elem, [op.x], lambda x: s.convert(x, elem))]


LOWERINGS = {
    **{cls: lower_binary for cls in _BINARY},
    ModOp: lower_mod,
    CompareOp: lower_compare,
    LogicalOp: lower_logical,
    UnaryOp: lower_unary,
    ClipOp: lower_clip,
    WhereOp: lower_where,
    CastOp: lower_cast,
}
