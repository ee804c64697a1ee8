"""``f32`` <-> float8 / float4 conversions built from integer arith ops.

LLVM has no float8 or float4 types: MLIR 22's LLVM type converter turns ``f8E4M3FN``,
``f8E4M3FNUZ``, ``f8E5M2``, ``f8E5M2FNUZ`` into ``i8`` and ``f4E2M1FN`` into ``i4``, but
``convert-arith-to-llvm`` cannot lower ``arith.extf``/``arith.truncf`` to or from them.
``build_extf(x)`` and ``build_truncf(x, to)`` emit, at the current insertion point and
location, the conversion of a scalar as bit operations on the encodings, bit-exact with
``ml_dtypes`` (the tests compare all codes and the f32 edge values):

- ``extf`` (exact): a normal code moves its exponent (rebias) and mantissa into the f32
  fields; a subnormal is ``mantissa * 2^(1 - bias - m)`` (exact in f32); NaN codes give a
  quiet NaN with the code's sign (``fnuz``: ``0x80``, the only NaN, gives ``-NaN``); e5m2's
  infinities stay infinite.
- ``truncf``: round to nearest, ties to even. Normal results round the f32 bits at the
  target's mantissa width; results below the smallest normal are rounded by adding a power of
  two whose ulp is the target's smallest subnormal (the FPU's own round-to-nearest-even).
  Overflow (after rounding) and infinities give infinity (e5m2), NaN (e4m3fn, the ``fnuz``
  types) or the largest value (float4, which has neither). NaN gives the type's NaN with the
  input's sign (``fnuz``: ``0x80``; float4: ``ml_dtypes``' choice, zero with the sign flipped).
  ``fnuz`` types have no negative zero. ONNX's saturating casts clamp before ``truncf``.

May import: the MLIR shim.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from aic.mlir_api import arith, ir


@dataclass(frozen=True)
class Format:
    """A small float format: ``width`` bits, ``exp`` exponent bits, ``man`` mantissa bits."""

    width: int
    exp: int
    man: int
    bias: int
    kind: str  # "ieee" (inf and NaN), "fn" (NaN = all ones), "fnuz" (NaN = -0), "none"

    @property
    def max_code(self) -> int:
        """The magnitude code of the largest finite value."""
        top = (1 << (self.width - 1)) - 1
        return {"ieee": top - (1 << self.man), "fn": top - 1}.get(self.kind, top)

    @property
    def overflow_code(self) -> int:
        """What an overflow gives (``fnuz`` types: their NaN, handled apart)."""
        return {"ieee": self.max_code + 1, "fn": self.nan_code}.get(self.kind, self.max_code)

    @property
    def nan_code(self) -> int:
        return {"ieee": (1 << (self.width - 1)) - 2, "fn": (1 << (self.width - 1)) - 1}.get(
            self.kind, 0)


FORMATS = {
    "f8E4M3FN": Format(8, 4, 3, 7, "fn"),
    "f8E4M3FNUZ": Format(8, 4, 3, 8, "fnuz"),
    "f8E5M2": Format(8, 5, 2, 15, "ieee"),
    "f8E5M2FNUZ": Format(8, 5, 2, 16, "fnuz"),
    "f4E2M1FN": Format(4, 2, 1, 1, "none"),
}


def format_of(t: ir.Type) -> Format | None:
    return FORMATS.get(str(t))


def _i32(v: int) -> ir.Value:
    return arith.ConstantOp(ir.IntegerType.get_signless(32), v).result


def _f32(v: float) -> ir.Value:
    return arith.ConstantOp(ir.F32Type.get(), v).result


def _cmp(pred: int, a, b) -> ir.Value:
    return arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), pred), a, b)


_EQ, _SLT, _SGT, _UGT = 0, 2, 4, 8  # arith.cmpi predicates


def build_extf(x: ir.Value) -> ir.Value:
    """``x`` (a scalar of a ``FORMATS`` type) as an exact ``f32``."""
    f = format_of(x.type)
    i32, f32 = ir.IntegerType.get_signless(32), ir.F32Type.get()
    code = arith.extui(i32, arith.bitcast(ir.IntegerType.get_signless(f.width), x))
    mag = arith.andi(code, _i32((1 << (f.width - 1)) - 1))
    sign = arith.shli(arith.shrui(code, _i32(f.width - 1)), _i32(31))
    exp, man = arith.shrui(mag, _i32(f.man)), arith.andi(mag, _i32((1 << f.man) - 1))
    normal = arith.ori(arith.shli(arith.addi(exp, _i32(127 - f.bias)), _i32(23)),
                       arith.shli(man, _i32(23 - f.man)))
    sub = arith.mulf(arith.uitofp(f32, man), _f32(2.0 ** (1 - f.bias - f.man)))
    bits = arith.select(_cmp(_EQ, exp, _i32(0)), arith.bitcast(i32, sub), normal)
    if f.kind == "ieee":
        top = _cmp(_EQ, exp, _i32((1 << f.exp) - 1))
        special = arith.select(_cmp(_EQ, man, _i32(0)), _i32(0x7F800000), _i32(0x7FC00000))
        bits = arith.select(top, special, bits)
    elif f.kind == "fn":
        bits = arith.select(_cmp(_EQ, mag, _i32(f.nan_code)), _i32(0x7FC00000), bits)
    elif f.kind == "fnuz":  # code 0x80 (sign set, magnitude 0) is NaN
        nan = _cmp(_EQ, code, _i32(1 << (f.width - 1)))
        bits = arith.select(nan, _i32(0x7FC00000), bits)
    return arith.bitcast(f32, arith.ori(bits, sign))


def _round_magnitude(f: Format, a: ir.Value) -> ir.Value:
    """The rounded magnitude code of ``|x|`` (``a``: its f32 bits without the sign), before
    the overflow check."""
    i32, f32 = ir.IntegerType.get_signless(32), ir.F32Type.get()
    shift = 23 - f.man
    odd = arith.andi(arith.shrui(a, _i32(shift)), _i32(1))
    rounded = arith.addi(arith.addi(a, _i32((1 << (shift - 1)) - 1)), odd)
    normal = arith.subi(arith.shrui(rounded, _i32(shift)), _i32((127 - f.bias) << f.man))
    magic = 2.0 ** (24 - f.bias - f.man)  # its ulp is the smallest subnormal
    total = arith.addf(arith.bitcast(f32, a), _f32(magic))
    sub = arith.subi(arith.bitcast(i32, total), _i32(_bits(magic)))
    min_normal = _i32((127 + 1 - f.bias) << 23)
    return arith.select(_cmp(_SLT, a, min_normal), sub, normal)


def _bits(v: float) -> int:
    return struct.unpack("<I", struct.pack("<f", v))[0]


def build_truncf(x: ir.Value, to: ir.Type) -> ir.Value:
    """``f32`` scalar ``x`` rounded to ``to`` (a ``FORMATS`` type); see the module."""
    f = format_of(to)
    i32 = ir.IntegerType.get_signless(32)
    u = arith.bitcast(i32, x)
    a = arith.andi(u, _i32(0x7FFFFFFF))
    sign = arith.shli(arith.shrui(u, _i32(31)), _i32(f.width - 1))
    mag = _round_magnitude(f, a)
    over = _cmp(_SGT, mag, _i32(f.max_code))
    nan = _cmp(_UGT, a, _i32(0x7F800000))
    if f.kind == "fnuz":  # one NaN code, 0x80 (overflow lands there too); no negative zero
        signed = arith.select(_cmp(_EQ, mag, _i32(0)), mag, arith.ori(sign, mag))
        code = arith.select(arith.ori(over, nan), _i32(1 << (f.width - 1)), signed)
    else:
        mag = arith.select(over, _i32(f.overflow_code), mag)
        if f.kind == "none":  # ml_dtypes: NaN -> zero with the sign flipped
            sign = arith.select(nan, arith.xori(sign, _i32(1 << (f.width - 1))), sign)
        code = arith.ori(sign, arith.select(nan, _i32(f.nan_code), mag))
    return arith.bitcast(to, arith.trunci(ir.IntegerType.get_signless(f.width), code))
