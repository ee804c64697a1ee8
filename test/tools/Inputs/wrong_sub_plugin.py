"""Deliberately wrong passes for aic-bisect's tests (loaded with --plugin): each swaps the
operands of a subtraction, so ``a - b`` computes ``b - a`` from its level on.

* ``aic-test-swap-linalg-subf``: every ``arith.subf`` inside a ``linalg.generic`` (run it
  ``after:linalg``);
* ``aic-test-swap-graph-sub``: every ``graph.sub`` (run it ``after:graph``);
* ``aic-test-swap-subf``: every ``arith.subf``, scalar or vector, wherever it is (for the
  levels after linalg; in the test model only the Sub node subtracts).
"""

from aic.dialects.graph import SubOp
from aic.mlir_api import arith, linalg
from aic.pass_base import Pass, register_pass
from aic.verify import walk


def swap_operands(op) -> None:
    first, second = op.operation.operands[0], op.operation.operands[1]
    op.operation.operands[0] = second
    op.operation.operands[1] = first


@register_pass
class SwapLinalgSubf(Pass):
    """Swap the operands of every arith.subf in a linalg.generic body (a wrong pass)."""

    NAME = "aic-test-swap-linalg-subf"

    def run(self, op):
        for child in walk(op):
            if isinstance(child, arith.SubFOp) and isinstance(child.operation.parent.opview,
                                                              linalg.GenericOp):
                swap_operands(child)


@register_pass
class SwapGraphSub(Pass):
    """Swap the operands of every graph.sub (a wrong pass)."""

    NAME = "aic-test-swap-graph-sub"

    def run(self, op):
        for child in walk(op):
            if isinstance(child, SubOp):
                swap_operands(child)


@register_pass
class SwapSubf(Pass):
    """Swap the operands of every arith.subf (a wrong pass)."""

    NAME = "aic-test-swap-subf"

    def run(self, op):
        for child in walk(op):
            if isinstance(child, arith.SubFOp):
                swap_operands(child)
