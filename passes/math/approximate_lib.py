"""Polynomial f32 ``exp``, ``expm1``, ``log``, ``log1p``, ``tanh``, ``erf`` from arith and fma.

Each ``build_<fn>(x, ldexp=False)`` emits, at the current insertion point and location, code
computing ``fn(x)`` for an ``f32`` or ``vector<...xf32>`` value ``x`` and returns the result
value. ``ldexp``: apply exp's ``2^k`` with one ``llvm.ldexp`` intrinsic (AVX-512: one
``vscalefps``, correctly rounded into the denormals) instead of two multiplications by
powers of two built from exponent bits (9 instructions; any target).
The code has no calls: range reduction, a polynomial evaluated with ``math.fma`` (one
instruction on FMA hardware; LLVM lowers it to ``llvm.intr.fma``), bit operations on the
IEEE encoding and ``arith.select`` for the special cases, so it vectorizes lane for lane.

Methods (max error measured against a float64 reference rounded to f32, over every f32
exponent, both signs, denormals and the special values: see ``docs/fast-math.md``):

- exp: Cody-Waite reduction ``x = k*ln2 + r`` (``ln2`` split in two so ``k*ln2_hi`` is
  exact), ``|r| <= ln2/2``, a degree-7 polynomial for ``exp(r)``, the scale ``2^k`` applied
  as two exact powers of two so results in the denormal range are rounded once (or by one
  ``ldexp``, which rounds once as well). Inputs are
  clamped to [-104, 100] (below: 0, above: inf); NaN propagates through the arithmetic
  (``k`` is read from the bits of the rounded value, never converted from a NaN).
- expm1: the same reduction, ``2^k * (exp(r) - 1) + (2^k - 1)`` (no cancellation near 0);
  inputs clamped to [-20, 89] (-1 below, inf above); ``|x| < 2^-25`` gives ``x``.
- log: ``x = m * 2^e`` with ``m`` in [sqrt(1/2), sqrt(2)) read from the bits (denormals are
  scaled by 2^23 first); ``log(m)`` by Cephes' degree-9 polynomial in ``f = m - 1``, ``e*ln2``
  added in two parts. ``log(0) = -inf``, ``log(x<0) = NaN``, ``log(inf) = inf``.
- log1p: ``log(u) + (x - (u - 1)) / u`` with ``u = 1 + x`` rounded (the quotient restores
  what the rounding lost); ``log1p(-1) = -inf``, ``|x| < 2^-25`` gives ``x``.
- tanh: odd polynomial (Cephes) for ``|x| < 0.625``, else ``1 - 2/(exp(2|x|) + 1)`` with the
  exp above; the sign is copied from ``x`` (``tanh(-0) = -0``).
- erf: ``x + x*P(x^2)`` for ``|x| < 0.921875``, else ``1 - exp(Q(|x|))`` with ``Q`` a
  degree-7 fit of ``log(erfc)`` on [0.921875, 4] (``|x|`` clamped to 4, where erf rounds to
  1); sign copied from ``x``. ``P`` and ``Q`` are Lawson (iteratively reweighted least
  squares) minimax fits in float64, rounded to f32.

May import: the MLIR shim.
"""

from __future__ import annotations

from aic.mlir_api import arith, ir, math

_EXP_P = (1.98527617612853646278381e-4, 1.39304355252534151077271e-3,
          8.33336077630519866943359e-3, 4.16664853692054748535156e-2,
          1.66666671633720397949219e-1, 0.5)  # exp(r) ~ 1 + r + r^2 * P(r), highest first
_LN2_HI, _LN2_LO = 0.693145751953125, 1.428606765330187045e-06  # ln2_hi has 15 bits
_LOG2E = 1.44269504088896341
_ROUND = 12582912.0  # 1.5 * 2^23: (t + _ROUND) - _ROUND rounds t to an integer (|t| < 2^22)
_ROUND_BITS = 0x4B400000  # its f32 encoding: bits(k + _ROUND) - _ROUND_BITS = k
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
          3.3333331174e-1)  # Cephes logf: log(1+f) ~ f - f^2/2 + f^3 * P(f)
_LOG_LN2_HI, _LOG_LN2_LO = 0.693359375, -2.12194440e-4
_TANH_P = (-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1,
           -3.33332819422e-1)  # Cephes tanhf: tanh(x) ~ x + x * z * P(z), z = x^2
_TANH_SMALL = 0.625
_ERF_P = (-5.990884965285659e-4, 4.993187729269266e-3, -2.6766622439026833e-2,
          1.128181666135788e-1, -3.7612494826316833e-1,
          1.2837915122509003e-1)  # erf(x) ~ x + x * P(x^2) on [0, 0.921875]
_ERF_Q = (-2.118417432939168e-05, 4.354770644567907e-4, -4.175897687673569e-3,
          2.5131938979029655e-2, -1.0829909145832062e-1, -6.333299875259399e-1,
          -1.1295231580734253, 1.7636068514548242e-4)  # log(erfc(t)) on [0.921875, 4]
_ERF_SMALL, _ERF_CLAMP = 0.921875, 4.0

_SIGN, _ABS = -0x80000000, 0x7FFFFFFF  # the f32 sign bit (as i32) and the rest
_MIN_NORMAL = 1.1754943508222875e-38  # 2^-126


def _ldexp_attrs() -> dict:
    return {"intrin": ir.StringAttr.get("llvm.ldexp"),
            "fastmathFlags": ir.Attribute.parse("#llvm.fastmath<none>"),
            "op_bundle_sizes": ir.DenseI32ArrayAttr.get([]),
            "operandSegmentSizes": ir.DenseI32ArrayAttr.get([2, 0])}


class _F32:
    """Constants, compares and bit views at the type of one f32 scalar or vector value."""

    def __init__(self, t: ir.Type, ldexp: bool = False):
        t = t.maybe_downcast()
        self.ldexp = ldexp and (not isinstance(t, ir.VectorType) or t.rank == 1)  # LLVM types
        self.f = t
        self.shaped = isinstance(t, ir.VectorType)
        i32 = ir.IntegerType.get_signless(32)
        self.i = ir.VectorType.get(t.shape, i32) if self.shaped else i32
        self._consts: dict[tuple[str, str], ir.Value] = {}  # straight-line code: reuse

    def c(self, value: float) -> ir.Value:
        return self._const("f", value)

    def ci(self, value: int) -> ir.Value:
        return self._const("i", value)

    def _const(self, kind: str, value: float) -> ir.Value:
        key = (kind, repr(value))  # repr: -0.0 and 0.0 stay apart
        if key not in self._consts:
            if kind == "f":
                t, scalar = self.f, ir.FloatAttr.get(ir.F32Type.get(), value)
            else:
                t, scalar = self.i, ir.IntegerAttr.get(ir.IntegerType.get_signless(32), value)
            attr = ir.DenseElementsAttr.get_splat(t, scalar) if self.shaped else scalar
            self._consts[key] = arith.ConstantOp(t, attr).result
        return self._consts[key]

    def cmp(self, predicate: arith.CmpFPredicate, a: ir.Value, b: ir.Value) -> ir.Value:
        return arith.cmpf(predicate, a, b)

    def bits(self, x: ir.Value) -> ir.Value:
        return arith.bitcast(self.i, x)

    def float(self, bits: ir.Value) -> ir.Value:
        return arith.bitcast(self.f, bits)

    def horner(self, coeffs: tuple[float, ...], x: ir.Value) -> ir.Value:
        """``coeffs[0]*x^n + ... + coeffs[n]`` with one fma per coefficient."""
        acc = self.c(coeffs[0])
        for c in coeffs[1:]:
            acc = math.fma(acc, x, self.c(c))
        return acc

    def abs(self, x: ir.Value) -> ir.Value:
        return self.float(arith.andi(self.bits(x), self.ci(_ABS)))

    def with_sign_of(self, magnitude: ir.Value, x: ir.Value) -> ir.Value:
        """``magnitude`` (>= 0) with the sign bit of ``x``."""
        sign = arith.andi(self.bits(x), self.ci(_SIGN))
        return self.float(arith.ori(self.bits(magnitude), sign))

    def nan_passes(self, x: ir.Value, result: ir.Value) -> ir.Value:
        """``x`` where ``x`` is NaN, else ``result``."""
        return arith.select(self.cmp(arith.CmpFPredicate.UNO, x, x), x, result)

    def tiny_passes(self, x: ir.Value, result: ir.Value) -> ir.Value:
        """``x`` where ``|x| < 2^-25`` (``f(x)`` rounds to ``x``; keeps -0), else ``result``."""
        tiny = self.cmp(arith.CmpFPredicate.OLT, self.abs(x), self.c(2.0**-25))
        return arith.select(tiny, x, result)

    def pow2(self, k: ir.Value) -> ir.Value:
        """``2^k`` for an i32 ``k`` in [-126, 127], built from its exponent bits."""
        return self.float(arith.shli(arith.addi(k, self.ci(127)), self.ci(23)))

    def scale(self, y: ir.Value, k: ir.Value) -> ir.Value:
        """``y * 2^k`` rounded once, for an i32 ``k`` in [-150, 145] and ``y`` near 1."""
        if self.ldexp:  # (llvm.intr.ldexp takes a scalar exponent only)
            return ir.Operation.create("llvm.call_intrinsic", results=[self.f], operands=[y, k],
                                       attributes=_ldexp_attrs()).results[0]
        half = arith.shrsi(k, self.ci(1))  # each half a normal power of 2
        return arith.mulf(arith.mulf(y, self.pow2(half)), self.pow2(arith.subi(k, half)))


def _exp_reduce(b: _F32, x: ir.Value, lo: float, hi: float):
    """``(t, kf, r, p)`` for ``x`` clamped to [lo, hi] (NaN stays NaN): ``x = k*ln2 + r``
    with ``k`` an integer, ``kf`` = k as f32, ``t = x/ln2 + 1.5*2^23`` (k in its low mantissa
    bits: ``_k_bits``), ``|r| <= ln2/2``, and ``exp(r) ~ 1 + r + r^2 * p``."""
    pred = arith.CmpFPredicate
    x = arith.select(b.cmp(pred.OGT, x, b.c(hi)), b.c(hi), x)
    x = arith.select(b.cmp(pred.OLT, x, b.c(lo)), b.c(lo), x)
    t = math.fma(x, b.c(_LOG2E), b.c(_ROUND))
    kf = arith.subf(t, b.c(_ROUND))  # round(x/ln2)
    r = math.fma(kf, b.c(-_LN2_HI), x)
    r = math.fma(kf, b.c(-_LN2_LO), r)
    return t, kf, r, b.horner(_EXP_P, r)


def _k_bits(b: _F32, t: ir.Value) -> ir.Value:
    """k as i32 from ``t = k + 1.5*2^23`` (one integer subtraction on the bits; for a NaN t,
    a number, where ``fptosi`` would give LLVM poison)."""
    return arith.subi(b.bits(t), b.ci(_ROUND_BITS))


def _exp_core(b: _F32, x: ir.Value) -> ir.Value:
    """``exp(x)``; NaN propagates (through the polynomial and the scale)."""
    t, _, r, p = _exp_reduce(b, x, -104.0, 100.0)
    er = math.fma(arith.mulf(r, r), p, arith.addf(r, b.c(1.0)))
    return b.scale(er, _k_bits(b, t))  # k in [-150, 145]


def build_exp(x: ir.Value, ldexp: bool = False) -> ir.Value:
    return _exp_core(_F32(x.type, ldexp), x)


def build_expm1(x: ir.Value, ldexp: bool = False) -> ir.Value:
    """``2^k (exp(r) - 1) + (2^k - 1)``, computed as twice the same at 2^(k-1) so that k = 128
    (x up to 89, where the result overflows) needs no special case; -1 below x = -20."""
    b = _F32(x.type)
    t, _, r, p = _exp_reduce(b, x, -20.0, 89.0)
    em1 = math.fma(arith.mulf(r, r), p, r)
    half = b.pow2(arith.subi(_k_bits(b, t), b.ci(1)))
    y = arith.mulf(b.c(2.0), math.fma(half, em1, arith.subf(half, b.c(0.5))))
    return b.nan_passes(x, b.tiny_passes(x, y))


def _log_mantissa(b: _F32, x: ir.Value) -> tuple[ir.Value, ir.Value]:
    """``(f, e)`` with ``x = (1 + f) * 2^e``, ``1 + f`` in [sqrt(1/2), sqrt(2)), for x > 0."""
    pred = arith.CmpFPredicate
    denormal = b.cmp(pred.OLT, x, b.c(_MIN_NORMAL))
    x = arith.select(denormal, arith.mulf(x, b.c(8388608.0)), x)  # * 2^23
    bits = b.bits(x)
    bias = arith.select(denormal, b.ci(127 + 23), b.ci(127))
    e = arith.subi(arith.shrsi(bits, b.ci(23)), bias)
    m = b.float(arith.ori(arith.andi(bits, b.ci(0x007FFFFF)), b.ci(0x3F800000)))  # [1, 2)
    big = b.cmp(pred.OGT, m, b.c(1.41421356))
    m = arith.select(big, arith.mulf(m, b.c(0.5)), m)
    e = arith.addi(e, arith.select(big, b.ci(1), b.ci(0)))
    return arith.subf(m, b.c(1.0)), arith.sitofp(b.f, e)


def build_log(x: ir.Value, ldexp: bool = False) -> ir.Value:
    b, pred = _F32(x.type), arith.CmpFPredicate
    f, e = _log_mantissa(b, x)
    z = arith.mulf(f, f)
    y = arith.mulf(arith.mulf(b.horner(_LOG_P, f), f), z)
    y = math.fma(e, b.c(_LOG_LN2_LO), y)
    y = math.fma(z, b.c(-0.5), y)
    r = math.fma(e, b.c(_LOG_LN2_HI), arith.addf(f, y))
    r = arith.select(b.cmp(pred.OEQ, x, b.c(0.0)), b.c(float("-inf")), r)
    r = arith.select(b.cmp(pred.OLT, x, b.c(0.0)), b.c(float("nan")), r)
    r = arith.select(b.cmp(pred.OEQ, x, b.c(float("inf"))), x, r)
    return b.nan_passes(x, r)


def build_log1p(x: ir.Value, ldexp: bool = False) -> ir.Value:
    """``log(u) + (x - (u - 1)) / u`` with ``u = 1 + x`` rounded: the quotient restores what
    the rounding lost. ``log1p(-1) = -inf``, ``log1p(x < -1) = NaN``."""
    b, pred = _F32(x.type), arith.CmpFPredicate
    u = arith.addf(x, b.c(1.0))
    lost = arith.subf(x, arith.subf(u, b.c(1.0)))
    r = arith.addf(build_log(u), arith.divf(lost, u))
    r = arith.select(b.cmp(pred.OEQ, x, b.c(-1.0)), b.c(float("-inf")), r)
    r = arith.select(b.cmp(pred.OEQ, x, b.c(float("inf"))), x, r)
    return b.tiny_passes(x, r)


def build_tanh(x: ir.Value, ldexp: bool = False) -> ir.Value:
    b = _F32(x.type, ldexp)
    a = b.abs(x)
    z = arith.mulf(a, a)
    small = math.fma(arith.mulf(b.horner(_TANH_P, z), z), a, a)
    e = _exp_core(b, arith.addf(a, a))
    large = arith.subf(b.c(1.0), arith.divf(b.c(2.0), arith.addf(e, b.c(1.0))))
    r = arith.select(b.cmp(arith.CmpFPredicate.OLT, a, b.c(_TANH_SMALL)), small, large)
    return b.nan_passes(x, b.with_sign_of(r, x))


def build_erf(x: ir.Value, ldexp: bool = False) -> ir.Value:
    b, pred = _F32(x.type, ldexp), arith.CmpFPredicate
    a = b.abs(x)
    small = math.fma(b.horner(_ERF_P, arith.mulf(a, a)), a, a)
    t = arith.select(b.cmp(pred.UGT, a, b.c(_ERF_CLAMP)), b.c(_ERF_CLAMP), a)
    large = arith.subf(b.c(1.0), _exp_core(b, b.horner(_ERF_Q, t)))
    r = arith.select(b.cmp(pred.OLT, a, b.c(_ERF_SMALL)), small, large)
    return b.nan_passes(x, b.with_sign_of(r, x))


BUILDERS = {"exp": build_exp, "expm1": build_expm1, "log": build_log, "log1p": build_log1p,
            "tanh": build_tanh, "erf": build_erf}
"""Function name (as in ``math.<name>``) -> builder of its f32 approximation."""
