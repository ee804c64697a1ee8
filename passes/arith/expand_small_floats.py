"""``aic-arith-expand-small-floats``: float8/float4 ``extf``/``truncf`` as integer code.

LLVM has no float8/float4 types; MLIR 22 stores them as ``i8``/``i4`` but
``convert-arith-to-llvm`` has no lowering for conversions to or from them. This pass
rewrites every scalar ``arith.extf``/``truncf``/``sitofp``/``uitofp``/``fptosi``/``fptoui``
to or from ``f8E4M3FN``, ``f8E4M3FNUZ``, ``f8E5M2``, ``f8E5M2FNUZ`` or ``f4E2M1FN`` into
bit operations on the encodings (``expand_small_floats_lib``: round to nearest even,
bit-exact with ``ml_dtypes``), going through ``f32``: ``f8 -> f16`` is ``f8 -> f32 -> f16``
(exact), ``f64 -> f8`` is ``f64 -> f32 -> f8``, ``i32 -> f8`` is ``i32 -> f32 -> f8``
(canonicalization folds graph -> linalg's ``sitofp`` + ``truncf`` into one ``sitofp``).

Options: none.

Preconditions: the conversions are scalars (bodies of loops; aic's vectorizer leaves these
types scalar); a vector conversion is an error. Other ops on these types must already compute
in a wider type (graph -> linalg does all arithmetic on them in ``f32``). In the CPU pipeline
it runs before ``convert-arith-to-llvm``.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import arith, ir
from aic.pass_base import Pass, register_pass
from aic.passes.arith.expand_small_floats_lib import build_extf, build_truncf, format_of
from aic.verify import walk

_INT_TO_FLOAT = {"arith.sitofp": arith.sitofp, "arith.uitofp": arith.uitofp}
_FLOAT_TO_INT = {"arith.fptosi": arith.fptosi, "arith.fptoui": arith.fptoui}
_CONVERSIONS = ("arith.extf", "arith.truncf", *_INT_TO_FLOAT, *_FLOAT_TO_INT)


def _to(value: ir.Value, t: ir.Type) -> ir.Value:
    """``value`` (a float) converted to float type ``t`` with arith.extf/truncf."""
    if value.type == t:
        return value
    if ir.FloatType(value.type).width < ir.FloatType(t).width:
        return arith.extf(t, value)
    return arith.truncf(t, value)


def _expand(op: ir.OpView) -> ir.Value | None:
    name, x = op.operation.name, op.operation.operands[0]
    to = op.operation.results[0].type
    f32 = ir.F32Type.get()
    if name == "arith.extf" and format_of(x.type) is not None:
        return _to(build_extf(x), to) if format_of(to) is None else \
            build_truncf(build_extf(x), to)
    if name == "arith.truncf" and format_of(to) is not None:
        wide = build_extf(x) if format_of(x.type) is not None else _to(x, f32)
        return build_truncf(wide, to)
    if name in _INT_TO_FLOAT and format_of(to) is not None:
        return build_truncf(_INT_TO_FLOAT[name](f32, x), to)
    if name in _FLOAT_TO_INT and format_of(x.type) is not None:
        return _FLOAT_TO_INT[name](to, build_extf(x))
    return None


def _is_vector(op: ir.OpView) -> bool:
    return isinstance(op.operation.results[0].type.maybe_downcast(), ir.VectorType)


def _touches_small_float(op: ir.OpView) -> bool:
    types = [op.operation.operands[0].type, op.operation.results[0].type]
    if _is_vector(op):
        types = [ir.VectorType(t).element_type for t in types]
    return any(format_of(t) is not None for t in types)


@register_pass
class ArithExpandSmallFloats(Pass):
    """float8/float4 extf/truncf -> integer bit operations (see the module docstring)."""

    NAME = "aic-arith-expand-small-floats"

    def run(self, op):
        targets = [c for c in walk(op) if c.operation.name in _CONVERSIONS
                   and _touches_small_float(c)]
        for child in targets:
            if _is_vector(child):
                raise PassError("vector conversions of float8/float4 are not supported "
                                "(scalars only)", child)
            with ir.InsertionPoint(child), child.location:
                result = _expand(child)
            child.operation.results[0].replace_all_uses_with(result)
            child.operation.erase()
