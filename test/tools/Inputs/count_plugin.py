"""Test plugin: ``aic-test-count-graph-ops`` records how many graph ops the module holds as the module
attribute ``test.graph_ops`` (it changes no numbers, so the compiled model still matches)."""

from aic.mlir_api import ir
from aic.pass_base import Pass, register_pass
from aic.verify import walk


@register_pass
class CountGraphOps(Pass):
    """Record the number of graph ops in the module attribute test.graph_ops."""

    NAME = "aic-test-count-graph-ops"

    def run(self, op):
        count = sum(1 for o in walk(op) if o.operation.name.startswith("graph."))
        op.attributes["test.graph_ops"] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64),
                                                             count)
