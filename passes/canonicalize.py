"""``aic-canonicalize``: upstream ``canonicalize``, then the same cleanup for pure aic ops.

IRDL ops have no traits, so upstream ``canonicalize`` and ``cse`` leave every aic and plugin
op alone (an op without the ``Pure`` trait may have side effects). Ops declared
``@dialect.op(pure=True)`` get here what ``Pure`` gets upstream:

1. their Python ``fold()`` / ``canonicalize()`` hooks, swept to a fixpoint (``aic.dsl``);
2. dead-code removal: a pure aic op whose results are all unused is erased (bottom-up, so a
   dead chain goes in one sweep; regions included);
3. CSE: a pure aic op without regions that repeats an earlier op of its block (or of a block
   enclosing it through aic ops) — same name, operands, attributes and result types — is
   replaced by that op, in one pre-order walk with scoped tables.

Steps 1-3 repeat until nothing changes (at most ``max-iterations`` rounds).
"""

from __future__ import annotations

from collections import ChainMap

from aic.dsl import DIALECTS, AicOp
from aic.dsl.rewriting import Rule, apply_rules
from aic.mlir_api import ir, passmanager
from aic.pass_base import Pass, option, register_pass


def is_pure(op) -> bool:
    return isinstance(op, AicOp) and op.DEF.pure


def hook_rules() -> list[Rule]:
    """One rule per pure op class that overrides ``fold`` or ``canonicalize``."""
    rules = []
    for dialect in DIALECTS.values():
        for cls in dialect.ops:
            if not cls.DEF.pure:
                continue
            if cls.fold is not AicOp.fold:
                rules.append(Rule(cls, lambda op, rw: op.fold(), f"{cls.DEF.full_name} fold"))
            if cls.canonicalize is not AicOp.canonicalize:
                rules.append(Rule(cls, lambda op, rw: op.canonicalize(),
                                  f"{cls.DEF.full_name} canonicalize"))
    return rules


def erase_dead(root: ir.Operation) -> int:
    """Erase pure aic ops with results, none used, nested in ``root``; returns how many."""
    erased = 0
    for region in root.regions:
        for block in region.blocks:
            for op in reversed(list(block.operations)):
                results = list(op.operation.results)
                if is_pure(op) and results and all(not list(r.uses) for r in results):
                    op.operation.erase()
                    erased += 1
                else:
                    erased += erase_dead(op.operation)
    return erased


def merge_duplicates(root: ir.Operation, seen: ChainMap | None = None) -> int:
    """CSE of pure aic ops without regions; returns how many ops were replaced."""
    merged = 0
    for region in root.regions:
        for block in region.blocks:
            scope = ChainMap() if seen is None else seen.new_child()
            for op in list(block.operations):
                operation = op.operation
                if is_pure(op) and not len(operation.regions):
                    key = _key(operation)
                    if key in scope:
                        for old, new in zip(operation.results, scope[key].results):
                            old.replace_all_uses_with(new)
                        operation.erase()
                        merged += 1
                        continue
                    scope[key] = operation
                # values of enclosing blocks are visible inside aic ops' regions only as far
                # as we know (other ops' regions may be isolated from above)
                merged += merge_duplicates(operation, scope if isinstance(op, AicOp) else None)
    return merged


def _key(op: ir.Operation) -> tuple:
    return (op.name, tuple(op.operands), tuple(op.attributes.items()),
            tuple(r.type for r in op.results))


@register_pass
class Canonicalize(Pass):
    """Upstream canonicalize, then fold, dead-code removal and CSE of pure aic ops.

    Options: `upstream` (run upstream `canonicalize` first, default true), `cse` (merge
    identical pure aic ops, default true), `max-iterations` (rounds of the aic steps).
    Works on any anchor op (module or function); ops not declared pure are never touched by
    the aic steps.
    """

    NAME = "aic-canonicalize"
    upstream: bool = option(True, "run upstream canonicalize first")
    cse: bool = option(True, "merge identical pure aic ops")
    max_iterations: int = option(10, "rounds of fold/dead-code/CSE before stopping")

    def run(self, op):
        if self.upstream:
            passmanager.PassManager.parse(f"{op.name}(canonicalize)", context=op.context).run(op)
        rules = hook_rules()
        for _ in range(self.max_iterations):
            changed = apply_rules(op, rules, self.max_iterations) if rules else 0
            while (erased := erase_dead(op)):
                changed += erased
            if self.cse:
                changed += merge_duplicates(op)
            if not changed:
                break
