"""``aic-graph-fold-constants``: evaluate graph ops whose operands are all constants.

Walks the IR once in pre-order, so chains of constant ops fold in one run. An op folds when
every operand comes from a ``graph.constant``, ``aic.dialects.graph.eval`` can evaluate it, every result
type is static and no result has more than ``max-elements`` elements. Its results become new
``graph.constant`` ops (``dense_resource`` above 64 elements); operand constants left without
users are erased.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import ConstantOp, FusedOp
from aic.dialects.graph.eval import evaluate, supported
from aic.mlir_api import ir
from aic.pass_base import Pass, option, register_pass
from aic.rewriting import constant_value, erase_if_unused, make_constant, ops_in, replace, static_shape


def _foldable_size(op, max_elements: int) -> bool:
    for result in op.operation.results:
        shape = static_shape(result.type)
        if shape is None or int(np.prod(shape)) > max_elements:
            return False
    return True


def fold(op, max_elements: int) -> bool:
    """Fold ``op`` if its operands are constants and it evaluates; True when it did."""
    if isinstance(op, (ConstantOp, FusedOp)) or not supported(op):
        return False
    operands = list(op.operation.operands)
    if not all(isinstance(v.owner, ConstantOp) for v in operands):
        return False
    if not _foldable_size(op, max_elements):
        return False
    inputs = [constant_value(v) for v in operands]
    if any(x is None for x in inputs):
        return False
    outputs = evaluate(op, inputs)
    if outputs is None:
        return False
    with ir.InsertionPoint(op), op.location:
        values = [make_constant(a, r.type) for a, r in zip(outputs, op.operation.results)]
    replace(op, values)
    for v in dict.fromkeys(operands):
        erase_if_unused(v)
    return True


@register_pass
class GraphFoldConstants(Pass):
    """Replace graph ops whose operands are all `graph.constant` by their computed value.

    Options: `max-elements` (do not fold an op with a result of more elements, default 1<<20).
    Ops `aic.dialects.graph.eval` cannot evaluate (unsupported kind, bf16, undefined inputs such as an
    integer division by zero) are left as they are.
    """

    NAME = "aic-graph-fold-constants"
    max_elements: int = option(1 << 20, "largest result (in elements) to fold")

    def run(self, op):
        # Folding erases only the folded op and constants before it: the snapshot stays valid.
        for child in list(ops_in(op)):
            fold(child, self.max_elements)
