"""``aic-math-approximate``: inline polynomial f32 exp, expm1, log, log1p, tanh, erf.

Rewrites ``math.exp``, ``math.expm1``, ``math.log``, ``math.log1p``, ``math.tanh`` and
``math.erf`` on ``f32`` and on vectors of ``f32`` into call-free arith code (range reduction,
an fma polynomial, bit operations for the special cases; see ``approximate_lib``). Without
it, the CPU lowering turns exp/log/tanh/erf into a libm call per vector lane
(``convert-math-to-llvm``/``convert-math-to-libm``) and expm1/log1p into ``exp(x) - 1`` and
``log(1 + x)``, which lose all precision near 0; with it they vectorize like any other arith
op. Sigmoid, SiLU, GELU (erf and tanh forms), softmax, ELU/SELU/CELU, softplus and mish as
graph -> linalg emits them go through these ops.

Accuracy: at most 1 ulp from the correctly rounded result on the whole f32 range, with
inf, -inf, NaN, +-0, denormal inputs and results, overflow and underflow handled exactly as
libm does (``test/e2e/cpu/test_fast_math.py`` measures it; ``docs/fast-math.md`` states it).

Options: ``functions`` — which of exp, expm1, log, log1p, tanh, erf to rewrite (default: all).

Target: when the module's ``hw.target`` has AVX-512 (``isa = "avx512"``), exp (and tanh and
erf through it) apply ``2^k`` with the ``llvm.ldexp`` intrinsic (``llvm.call_intrinsic``) on f32 and 1-D vectors: LLVM makes it
one ``vscalefps``, where the portable form takes 9 integer and float instructions.

Preconditions: none; other element types (f16, bf16, f64), tensors and other math ops are
left alone. In the CPU pipeline it runs right before ``convert-math-to-llvm``.
"""

from __future__ import annotations

from aic.dialects.hw import enclosing_target
from aic.errors import PassError
from aic.mlir_api import ir
from aic.pass_base import Pass, option, register_pass
from aic.passes.math.approximate_lib import BUILDERS
from aic.verify import walk


def _is_f32_value(t: ir.Type) -> bool:
    t = t.maybe_downcast()
    if isinstance(t, ir.VectorType) and not any(t.scalable_dims):
        t = t.element_type
    return isinstance(t, ir.F32Type)


@register_pass
class MathApproximate(Pass):
    """Inline polynomial f32 exp/expm1/log/log1p/tanh/erf (scalars, vectors); see the module."""

    NAME = "aic-math-approximate"
    functions: tuple[str, ...] = option(tuple(BUILDERS), "functions to rewrite: "
                                        + ", ".join(BUILDERS))

    def run(self, op):
        unknown = sorted(set(self.functions) - set(BUILDERS))
        if unknown:
            raise PassError(f"unknown function(s) {', '.join(unknown)}; "
                            f"known: {', '.join(BUILDERS)}")
        names = {f"math.{fn}": BUILDERS[fn] for fn in self.functions}
        target = enclosing_target(op)
        ldexp = getattr(target, "isa", None) == "avx512"
        targets = [child for child in walk(op) if child.operation.name in names
                   and _is_f32_value(child.operation.results[0].type)]
        for child in targets:
            build = names[child.operation.name]
            with ir.InsertionPoint(child), child.location:
                result = build(child.operation.operands[0], ldexp)
            child.operation.results[0].replace_all_uses_with(result)
            child.operation.erase()
