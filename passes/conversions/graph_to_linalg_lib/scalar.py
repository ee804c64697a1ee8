"""Scalar arithmetic used inside ``linalg.generic`` bodies, dispatched on the element type.

Semantics (the graph dialect's): integer division truncates toward zero (``divsi``), float
min/max propagate NaN (``minimumf``/``maximumf``), float comparisons are ordered except
``ne`` (unordered), ``i1`` compares and min/max are unsigned (true > false), conversions
truncate float -> int toward zero and map anything -> ``i1`` as ``!= 0``.

Unsigned element types (``ui8`` .. ``ui64``) select the unsigned arith ops: ``divui``,
``remui``, ``maxui``/``minui``, unsigned compare predicates, ``extui`` when a ``ui`` value
widens, ``uitofp``/``fptoui``; a same-width signless <-> unsigned conversion is an
``arith.bitcast``. arith ops are built on these ``ui`` values as they are; the
graph -> linalg driver rewrites every ``ui`` type to signless once the lowering is done.

May import: the MLIR shim and ``common``.
"""

from __future__ import annotations

from aic.mlir_api import arith, ir
from aic.passes.conversions.graph_to_linalg_lib.common import const, int_width, is_float

_FLOAT_PRED = {"eq": 1, "gt": 2, "ge": 3, "lt": 4, "le": 5, "ne": 13, "uno": 14}
_SIGNED_PRED = {"eq": 0, "ne": 1, "lt": 2, "le": 3, "gt": 4, "ge": 5}
_UNSIGNED_PRED = {"eq": 0, "ne": 1, "lt": 6, "le": 7, "gt": 8, "ge": 9}


def _pred(value: int) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), value)


def _is_bool(t: ir.Type) -> bool:
    return not is_float(t) and int_width(t) == 1


def is_unsigned(t: ir.Type) -> bool:
    """``i1`` or an unsigned integer type: compared, min/max'ed and widened as unsigned."""
    return not is_float(t) and (int_width(t) == 1 or ir.IntegerType(t).is_unsigned)


def add(a, b):
    if is_float(a.type):
        return arith.addf(a, b)
    return arith.xori(a, b) if _is_bool(a.type) else arith.addi(a, b)


def sub(a, b):
    return arith.subf(a, b) if is_float(a.type) else arith.subi(a, b)


def mul(a, b):
    if is_float(a.type):
        return arith.mulf(a, b)
    return arith.andi(a, b) if _is_bool(a.type) else arith.muli(a, b)


def div(a, b):
    if is_float(a.type):
        return arith.divf(a, b)
    return arith.divui(a, b) if is_unsigned(a.type) else arith.divsi(a, b)


def maximum(a, b):
    if is_float(a.type):
        return arith.maximumf(a, b)
    return arith.maxui(a, b) if is_unsigned(a.type) else arith.maxsi(a, b)


def minimum(a, b):
    if is_float(a.type):
        return arith.minimumf(a, b)
    return arith.minui(a, b) if is_unsigned(a.type) else arith.minsi(a, b)


def compare(predicate: str, a, b):
    """``predicate`` in eq/ne/lt/le/gt/ge (and ``uno`` for floats)."""
    if is_float(a.type):
        return arith.cmpf(_pred(_FLOAT_PRED[predicate]), a, b)
    table = _UNSIGNED_PRED if is_unsigned(a.type) else _SIGNED_PRED
    return arith.cmpi(_pred(table[predicate]), a, b)


def select(c, a, b):
    return arith.select(c, a, b)


def rem(a, b, *, fmod: bool):
    """Remainder: C fmod (sign of ``a``) or Python % (sign of ``b``)."""
    if is_float(a.type):
        r = arith.remf(a, b)
    else:
        r = arith.remui(a, b) if is_unsigned(a.type) else arith.remsi(a, b)
    if fmod or is_unsigned(a.type):
        return r
    zero = const(a.type, 0)
    nonzero = compare("ne", r, zero)
    differ = arith.xori(compare("lt", r, zero), compare("lt", b, zero))
    return select(arith.andi(nonzero, differ), add(r, b), r)


def convert(a, to: ir.Type):
    """Element conversion with graph.cast semantics.

    Float8/float4 values convert to and from integers through ``f32``; ``bf16 <-> f16`` too;
    a float converts to a sub-byte integer through ``i64`` (wrapping, like ``ml_dtypes``)."""
    src, f32 = a.type, ir.F32Type.get()
    if src == to:
        return a
    if not is_float(to) and int_width(to) == 1:
        return compare("ne", a, const(src, 0))
    if is_float(src) and is_float(to):
        if _fwidth(src) == _fwidth(to):
            return arith.truncf(to, arith.extf(f32, a))
        return arith.extf(to, a) if _fwidth(src) < _fwidth(to) else arith.truncf(to, a)
    if _is_small_float(src) or _is_small_float(to):
        return convert(convert(a, f32), to)
    if is_float(src):
        if int_width(to) < 8:
            return arith.trunci(to, arith.fptosi(ir.IntegerType.get_signless(64), a))
        return arith.fptoui(to, a) if is_unsigned(to) else arith.fptosi(to, a)
    if is_float(to):
        return arith.uitofp(to, a) if is_unsigned(src) else arith.sitofp(to, a)
    if int_width(src) < int_width(to):
        return arith.extui(to, a) if is_unsigned(src) else arith.extsi(to, a)
    if int_width(src) == int_width(to):  # signless <-> unsigned: the same bits
        return arith.bitcast(to, a)
    return arith.trunci(to, a)


def _is_small_float(t: ir.Type) -> bool:
    """float8 and float4 types: no LLVM arithmetic, only conversions to and from f32."""
    return is_float(t) and _fwidth(t) < 16


def _fwidth(t: ir.Type) -> int:
    return ir.FloatType(t).width
