"""Semantic verification of aic ops: what IRDL cannot state.

IRDL checks op structure when IR is parsed or built; ``verify_semantics(op)`` walks ``op`` and
runs every aic op's ``verify_semantics()`` (element types, ranks, shape rules, attribute
ranges), emitting one MLIR error per problem at the op's location. ``aic-opt`` runs it on its
input; the ``aic-verify`` pass runs it inside pipelines.
"""

from __future__ import annotations

from typing import Iterator

from aic.dsl.opdef import AicOp
from aic.mlir_api import ir


def walk(op: ir.Operation) -> Iterator[ir.OpView]:
    """Pre-order walk of the ops nested in ``op`` (not ``op`` itself), as OpViews."""
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                yield child
                yield from walk(child.operation)


def verify_semantics(op: ir.Operation) -> bool:
    """Emit an error per semantic problem inside ``op``; True if there were none."""
    ok = True
    for child in walk(op):
        if isinstance(child, AicOp):
            with child.location:  # verifiers may build types: give them a default location
                messages = list(child.verify_semantics())
            for message in messages:
                child.location.emit_error(f"'{child.OPERATION_NAME}' op {message}")
                ok = False
    return ok
