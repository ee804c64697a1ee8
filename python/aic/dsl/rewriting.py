"""Rule tables and a fixpoint driver for rewrite passes (dialect-independent).

* ``Rule(op_class, fn, identity)``: one row of a rule table. ``fn(op, rewriter)`` returns the
  values that replace ``op``'s results, or ``None`` when the rule does not apply. It runs with
  the insertion point just before ``op`` and ``op``'s location as the default location, so new
  ops need no ``ip``/``loc``. A rule must keep result types exactly; the driver checks.
* ``apply_rules(root, rules, max_iterations)``: sweep the ops nested in ``root`` in pre-order,
  apply the first matching rule per op, repeat until nothing changes or ``max_iterations``
  sweeps ran. Returns the number of rewrites. It is a plain walk, not the upstream greedy
  driver: the greedy driver also erases and folds upstream ops, which a graph pass must not do,
  and its visiting order is harder to keep byte-deterministic.
* ``ops_in``, ``replace``, ``has_one_use``: the small pieces rules are made of.

May import the MLIR shim only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from aic.mlir_api import ir


@dataclass(frozen=True)
class Rule:
    """One rewrite rule: ``fn(op, rewriter) -> list[Value] | None`` for ops of ``op_class``."""

    op_class: type
    fn: Callable
    identity: str = ""


@dataclass(frozen=True)
class Rewriter:
    """What a rule gets besides the op: where to insert (before the op) and the location."""

    ip: ir.InsertionPoint
    loc: ir.Location


class RuleError(RuntimeError):
    """A rule returned replacements that do not fit the op (a bug in the rule)."""


def ops_in(root: ir.Operation) -> Iterator[ir.OpView]:
    """Pre-order walk of the ops nested in ``root`` (not ``root`` itself)."""
    for region in root.regions:
        for block in region.blocks:
            for child in list(block.operations):
                yield child
                yield from ops_in(child.operation)


def replace(op: ir.OpView, values: list[ir.Value]) -> None:
    """Replace every result of ``op`` by ``values`` and erase ``op``."""
    results = list(op.operation.results)
    if len(values) != len(results):
        raise RuleError(f"{op.operation.name}: {len(values)} replacements for {len(results)} results")
    for old, new in zip(results, values):
        if old.type != new.type:
            raise RuleError(f"{op.operation.name}: replacement type {new.type} != {old.type}")
    for old, new in zip(results, values):
        old.replace_all_uses_with(new)
    op.operation.erase()


def apply_rules(root: ir.Operation, rules: list[Rule], max_iterations: int = 10) -> int:
    """Apply ``rules`` to the ops nested in ``root`` until a fixpoint; returns the rewrite count."""
    by_class: dict[type, list[Rule]] = {}
    for rule in rules:
        by_class.setdefault(rule.op_class, []).append(rule)
    total = 0
    for _ in range(max_iterations):
        changed = 0
        for op in list(ops_in(root)):
            for rule in by_class.get(type(op), ()):
                if _try_rule(op, rule):
                    changed += 1
                    break
        total += changed
        if not changed:
            break
    return total


def _try_rule(op: ir.OpView, rule: Rule) -> bool:
    with ir.InsertionPoint(op), op.location:
        values = rule.fn(op, Rewriter(ir.InsertionPoint(op), op.location))
    if values is None:
        return False
    replace(op, list(values))
    return True


def has_one_use(value: ir.Value) -> bool:
    uses = iter(value.uses)
    return next(uses, None) is not None and next(uses, None) is None
