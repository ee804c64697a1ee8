"""``aic-memref-results-to-out-params``: caller-allocated results where their shape is static.

Recipe: a public function whose memref results all have static shapes gets them as trailing
out-params, allocated by the caller (upstream ``buffer-results-to-out-params{hoist-static-
allocs=true}``: today's ABI of every static model, byte for byte). A public function with a
result of dynamic shape (issue 10: a ``tensor<?x4xf32>`` output) is left alone: the caller
cannot know the size before the call, so every result of it stays a returned memref,
allocated by the callee. ``buffer-deallocation-pipeline`` (run after this pass) then gives
ownership of each returned buffer to the caller, cloning a result that aliases an argument
or a constant, and the caller frees it (the JIT in ``aic.runtime.jit``, the C entry in
``aic.compiler.c_results``). So ``@main`` returns its results exactly when one of its outputs
has a dynamic dim -- the rule the runtimes follow.

Upstream's pass has no per-function filter in its options: it converts the private
functions (``modify-public-functions=false``), so the static public functions are made
private for its run and public again after it. Private functions are converted as upstream
does (a call of one with a dynamic result is an error there).

No options. Preconditions: bufferized IR with identity-layout function boundaries
(one-shot-bufferize ``function-boundary-type-conversion=identity-layout-map``), before
deallocation.
"""

from __future__ import annotations

from aic.mlir_api import ir
from aic.pass_base import Pass, register_pass, run_upstream

UPSTREAM = "buffer-results-to-out-params{hoist-static-allocs=true}"
VISIBILITY = "sym_visibility"


@register_pass
class MemrefResultsToOutParams(Pass):
    """Memref results as caller-allocated out-params, except in functions with a dynamic one.

    No options. Preconditions: bufferized IR (memref function boundaries with identity
    layouts), before buffer-deallocation-pipeline.
    """

    NAME = "aic-memref-results-to-out-params"

    def run(self, op):
        hidden = []
        for f in _functions(op):
            visibility = f.attributes[VISIBILITY] if VISIBILITY in f.attributes else None
            if (visibility is None or ir.StringAttr(visibility).value == "public") \
                    and not has_dynamic_results(f):
                hidden.append((f, visibility))
                f.attributes[VISIBILITY] = ir.StringAttr.get("private")
        try:
            run_upstream(op, UPSTREAM, "buffer-results-to-out-params")
        finally:
            for f, visibility in hidden:
                if visibility is None:
                    del f.attributes[VISIBILITY]
                else:
                    f.attributes[VISIBILITY] = visibility


def _functions(module: ir.Operation) -> list:
    return [op for op in module.regions[0].blocks[0].operations
            if op.operation.name == "func.func" and op.regions[0].blocks]


def has_dynamic_results(func) -> bool:
    """Whether ``func`` returns a memref of dynamic shape."""
    ftype = ir.FunctionType(ir.TypeAttr(func.attributes["function_type"]).value)
    for t in ftype.results:
        t = t.maybe_downcast()
        if isinstance(t, ir.MemRefType) and not t.has_static_shape:
            return True
    return False
