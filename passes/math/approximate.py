"""``aic-math-approximate``: inline polynomial f32 ``exp``, ``log``, ``tanh``, ``erf``.

Rewrites ``math.exp``, ``math.log``, ``math.tanh`` and ``math.erf`` on ``f32`` and on vectors
of ``f32`` into call-free arith code (range reduction, an fma polynomial, bit operations
for the special cases; see ``approximate_lib``). Without it, the CPU lowering turns each of
these ops into a libm call per vector lane (``convert-math-to-llvm``/``convert-math-to-libm``);
with it they vectorize like any other arith op. Every sigmoid (``1/(1 + exp(-x))``), SiLU,
GELU (erf and tanh forms) and softmax that graph -> linalg emits goes through these ops.

Accuracy: at most 1 ulp from the correctly rounded result on the whole f32 range, with
inf, -inf, NaN, +-0, denormal inputs and results, overflow and underflow handled exactly as
libm does (``test/e2e/test_fast_math.py`` measures it; ``docs/fast-math.md`` states it).

Options: ``functions`` — which of exp, log, tanh, erf to rewrite (default: all four).

Preconditions: none; other element types (f16, bf16, f64), tensors and other math ops are
left alone. In the CPU pipeline it runs right before ``convert-math-to-llvm``.
"""

from __future__ import annotations

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
    """Inline polynomial f32 exp/log/tanh/erf (scalars and vectors); see the module docstring."""

    NAME = "aic-math-approximate"
    functions: tuple[str, ...] = option(tuple(BUILDERS), "functions to rewrite: "
                                        + ", ".join(BUILDERS))

    def run(self, op):
        unknown = sorted(set(self.functions) - set(BUILDERS))
        if unknown:
            raise PassError(f"unknown function(s) {', '.join(unknown)}; "
                            f"known: {', '.join(BUILDERS)}")
        names = {f"math.{fn}": BUILDERS[fn] for fn in self.functions}
        targets = [child for child in walk(op) if child.operation.name in names
                   and _is_f32_value(child.operation.results[0].type)]
        for child in targets:
            build = names[child.operation.name]
            with ir.InsertionPoint(child), child.location:
                result = build(child.operation.operands[0])
            child.operation.results[0].replace_all_uses_with(result)
            child.operation.erase()
