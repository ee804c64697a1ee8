"""Semantic verification of aic ops: what IRDL cannot state.

IRDL checks op structure when IR is parsed or built; ``verify_semantics(op)`` walks ``op`` and
runs every aic op's ``verify_semantics()`` (element types, ranks, shape rules, attribute
ranges), emitting one MLIR error per problem at the op's location. ``aic-opt`` runs it on its
input; the ``aic-verify`` pass runs it inside pipelines. ``require_valid(op)`` is a pass's
check of its "verified input" precondition (``aic-opt --no-verify-aic`` hands passes IR that
was never verified): a ``PassError`` at the op instead of a crash or an abort in MLIR.
"""

from __future__ import annotations

from typing import Iterator

from aic.dsl.opdef import AicOp
from aic.errors import PassError
from aic.mlir_api import ir


def walk(op: ir.Operation) -> Iterator[ir.OpView]:
    """Pre-order walk of the ops nested in ``op`` (not ``op`` itself), as OpViews."""
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                yield child
                yield from walk(child.operation)


def defining_op(value: ir.Value) -> ir.Operation | None:
    """The operation whose result ``value`` is (None for a block argument)."""
    owner = value.owner
    if isinstance(owner, ir.Block):
        return None
    return owner.operation if isinstance(owner, ir.OpView) else owner


def scalar_fill(value: ir.Value) -> ir.Operation | None:
    """The ``linalg.fill`` of a scalar whose result ``value`` is, else None."""
    op = defining_op(value)
    if op is None or op.name != "linalg.fill" or isinstance(op.operands[0].type, ir.ShapedType):
        return None
    return op


def float_constant(value: ir.Value) -> float | None:
    """The value of the float scalar ``arith.constant`` that ``value`` is, else None."""
    op = defining_op(value)
    if op is None or op.name != "arith.constant":
        return None
    attr = op.attributes["value"]
    return ir.FloatAttr(attr).value if isinstance(attr, ir.FloatAttr) else None


def user_op(use) -> ir.Operation:
    """The operation of an ``OpOperand`` (``value.uses``)."""
    return use.owner.operation if isinstance(use.owner, ir.OpView) else use.owner


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


def require_valid(op: AicOp) -> None:
    """Raise ``PassError`` at ``op`` naming its first semantic problem, if it has one."""
    with op.location:
        messages = list(op.verify_semantics())
    if messages:
        raise PassError(f"'{op.OPERATION_NAME}' op {messages[0]} (this pass needs verified "
                        "input)", op)
