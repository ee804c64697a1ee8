"""``aic-memref-results-to-out-params``: caller-allocated results where their shape is static.

Recipe: when every memref result of every function with a body has a static shape, run
upstream ``buffer-results-to-out-params{hoist-static-allocs=true modify-public-functions=true}``
(results become trailing out-params, the caller allocates them: today's ABI of every static
model, byte for byte). When any result has a dynamic shape (issue 10: ``tensor<?x4xf32>``
outputs), the caller cannot know its size before the call, so nothing changes: every result
stays a returned memref, allocated by the callee. ``buffer-deallocation-pipeline`` (run after
this pass) then gives ownership of each returned buffer to the caller, cloning a result that
aliases an argument or a constant, and the caller frees it (the JIT in ``aic.runtime.jit``,
the C entry in ``aic.compiler.c_entry``).

The choice is made for the whole module, not per function: a call to a function with a
dynamic result keeps its returned memref, and so the caller's own results stay returned too.

Preconditions: bufferized IR with identity-layout function boundaries (one-shot-bufferize
``function-boundary-type-conversion=identity-layout-map``), before deallocation.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import ir, passmanager
from aic.pass_base import Pass, register_pass

UPSTREAM = "buffer-results-to-out-params{hoist-static-allocs=true modify-public-functions=true}"


@register_pass
class MemrefResultsToOutParams(Pass):
    """Memref results as caller-allocated out-params unless one has a dynamic shape.

    No options. Preconditions: bufferized IR (memref function boundaries with identity
    layouts), before buffer-deallocation-pipeline.
    """

    NAME = "aic-memref-results-to-out-params"

    def run(self, op):
        if has_dynamic_results(op):
            return
        pm = passmanager.PassManager(op.name, context=op.context)
        pm.add(UPSTREAM)
        try:
            pm.run(op)
        except ir.MLIRError as e:
            raise PassError(f"buffer-results-to-out-params failed: {e}", op) from None


def has_dynamic_results(module: ir.Operation) -> bool:
    """Whether a function with a body in ``module`` returns a memref of dynamic shape."""
    for op in module.regions[0].blocks[0].operations:
        if op.operation.name != "func.func" or not op.regions[0].blocks:
            continue
        ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
        for t in ftype.results:
            t = t.maybe_downcast()
            if isinstance(t, ir.MemRefType) and not t.has_static_shape:
                return True
    return False
