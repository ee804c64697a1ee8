"""The `hw.target` module attribute: where a module's target description lives.

``get_target(module_op)`` reads it (None when absent; ValueError when malformed),
``set_target(module_op, target)`` writes it. The fields are defined by ``aic.targets``.
"""

from __future__ import annotations

from aic import targets
from aic.mlir_api import ir

TARGET_ATTR = "hw.target"


def get_target(op: ir.Operation) -> targets.Target | None:
    attrs = op.operation.attributes
    if TARGET_ATTR not in attrs:
        return None
    return targets.from_attr(attrs[TARGET_ATTR])


def set_target(op: ir.Operation, target: targets.Target) -> None:
    op.operation.attributes[TARGET_ATTR] = targets.to_attr(target)


def enclosing_target(op: ir.Operation) -> targets.Target | None:
    """The target of the nearest enclosing op (or ``op`` itself) that carries one."""
    current = op.operation
    while current is not None:
        if TARGET_ATTR in current.attributes:
            return get_target(current)
        parent = current.parent
        current = parent.operation if parent is not None else None
    return None
