"""MLIR contexts with every aic dialect loaded.

``make_context()`` returns an ``ir.Context`` with the upstream dialects (registered by the
bindings) and the IRDL form of every dialect declared with ``aic.dsl`` (aic's own graph, tiled
and hw, plus any plugin loaded before the call). ``load_dialects(ctx)`` brings a context up to
date after a plugin declared a new dialect.
"""

from __future__ import annotations

from aic.dialects import builtin_dialects
from aic.dsl.opdef import DIALECTS
from aic.mlir_api import ir, irdl



def irdl_text(names: list[str] | None = None) -> str:
    """The IRDL of the named (default: all declared) dialects, as one module."""
    builtin_dialects()
    chosen = [DIALECTS[n] for n in (names or list(DIALECTS))]
    return "".join(d.irdl() for d in chosen)


def load_dialects(ctx: ir.Context) -> None:
    """Load into ``ctx`` the IRDL of every declared dialect it does not have yet."""
    builtin_dialects()
    missing = [name for name, d in DIALECTS.items()
               if d.ops and not ctx.is_registered_operation(d.ops[0].OPERATION_NAME)]
    if not missing:
        return
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(irdl_text(missing))
        irdl.load_dialects(module)


def make_context(*, allow_unregistered: bool = False) -> ir.Context:
    ctx = ir.Context()
    ctx.allow_unregistered_dialects = allow_unregistered
    load_dialects(ctx)
    return ctx
