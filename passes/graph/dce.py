"""``aic-graph-dce``: erase graph ops whose results are all unused, to a fixpoint.

Every graph op is free of side effects, so an op with results none of which is used can go,
constants and ``graph.fused`` groups included. Ops without results (the ``gpu.yield`` ending a fused body) and ops
of other dialects are kept. Blocks are swept bottom-up, so a whole dead chain goes in one sweep;
sweeps repeat until nothing changes (dead values used only inside erased regions).
"""

from __future__ import annotations

from aic.dialects.graph import DIALECT
from aic.mlir_api import ir
from aic.pass_base import Pass, register_pass

_GRAPH_OPS = frozenset(DIALECT.ops)


def is_dead(op: ir.OpView) -> bool:
    """A graph op with results, none of them used."""
    results = list(op.operation.results)
    return (type(op) in _GRAPH_OPS and bool(results)
            and all(next(iter(r.uses), None) is None for r in results))


def sweep(root: ir.Operation) -> int:
    """Erase dead graph ops nested in ``root``, bottom-up; returns how many went."""
    erased = 0
    for region in root.regions:
        for block in region.blocks:
            for op in reversed(list(block.operations)):
                if is_dead(op):
                    op.operation.erase()
                    erased += 1
                else:
                    erased += sweep(op.operation)
    return erased


@register_pass
class GraphDce(Pass):
    """Erase graph ops whose results are unused (graph ops have no side effects).

    No options. Other dialects' ops are left to upstream passes (`canonicalize`, `cse`).
    """

    NAME = "aic-graph-dce"

    def run(self, op):
        while sweep(op):
            pass
