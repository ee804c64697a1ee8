"""Test plugin that imports a sibling plugin: loading both (either order) declares ``tbase``
once."""

import base_dialect_plugin  # noqa: F401  (the sibling plugin file)
from aic.pass_base import Pass, register_pass
from aic.verify import walk


@register_pass
class EraseIds(Pass):
    """Replace every tbase.id by its operand (test only)."""

    NAME = "aic-test-erase-ids"

    def run(self, op):
        for o in list(walk(op)):
            if isinstance(o, base_dialect_plugin.IdOp):
                o.y.replace_all_uses_with(o.x)
                o.operation.erase()
