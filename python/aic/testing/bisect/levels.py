"""The level walk of ``aic-bisect``: one import, the stage table run level by level, and the
probes' values at every level.

The probed model is imported and lowered once, stage by stage, with the researcher's pass
hooks (``passes``) in the table. After each MLIR stage the module *at that level* is
evaluated: the graph level with the graph dialect's numpy semantics (``graph_level``), every
later level by lowering a copy of it to LLVM with the **stock** stages (no hooks) and running
it through the JIT. So a level's numbers differ from the level before only through what its
own stage (with its hooks) did. When the stock lowering of a copy fails (a plugin dialect
that only the plugin's later passes lower), the copy is lowered again with the hooks, and the
level says so.

May import the compiler, the runtime and the Python API (``aic.api.compile``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from aic.api import compile as aic_compile
from aic.compiler.driver import CompileOptions, compile_module, run_pipeline
from aic.compiler.stages import stage_table
from aic.errors import AicError
from aic.mlir_api import ir
from aic.testing.bisect.graph_level import evaluate_main


@dataclass
class LevelRun:
    """The probes' values at one level. ``module`` is the module at this level; it is lowered
    further when the walk goes on."""

    level: str
    module: ir.Module
    values: dict[str, np.ndarray] = field(default_factory=dict)
    unevaluable: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    note: str | None = None


def walk_levels(model, feed: dict[str, np.ndarray], stand_in: dict[str, np.ndarray], *,
                target: str = "cpu", passes=None, levels=None) -> Iterator[LevelRun]:
    """Yield a ``LevelRun`` for each MLIR level of ``target``'s table in order (only those in
    ``levels`` when given), lowering one shared import of ``model``."""
    table = stage_table(target).extended(passes)
    wanted = list(levels) if levels else table.mlir_levels
    unknown = [lv for lv in wanted if lv not in table.mlir_levels]
    if unknown:
        raise AicError(f"unknown level(s) {', '.join(unknown)} (levels: "
                       f"{', '.join(table.mlir_levels)})")
    shapes = {name: list(np.shape(value)) for name, value in feed.items()}
    options = CompileOptions(target=target, input_shapes=shapes, emit=table.mlir_levels[0],
                             passes=passes)
    module = compile_module(model, options).module
    last = max(table.mlir_levels.index(lv) for lv in wanted)
    for index, level in enumerate(table.mlir_levels[: last + 1]):
        if index:
            run_pipeline(module, table.stage(level).pipeline, f"stage '{level}'")
        if level not in wanted:
            continue
        if index == 0:
            values, unevaluable = evaluate_main(module, feed, stand_in)
            yield LevelRun(level, module, values, unevaluable)
        else:
            yield _execute(module, level, feed, target, passes)


def _execute(module: ir.Module, level: str, feed, target: str, passes) -> LevelRun:
    """Lower a copy of ``module`` (at ``level``) to LLVM and run it through the JIT."""
    run = LevelRun(level, module)
    try:
        try:
            compiled = aic_compile(clone_module(module), target, from_level=level)
        except AicError as stock:
            if not _hooks_after(passes, level, target):
                raise
            compiled = aic_compile(clone_module(module), target, from_level=level, passes=passes)
            run.note = (f"lowered with the --passes hooks after this level (the stock lowering "
                        f"failed: {stock})")
        outputs = compiled(**{name: feed[name] for name in compiled.input_names})
    except AicError as e:
        run.error = str(e)
        return run
    run.values = dict(zip(compiled.output_names, outputs))
    return run


def _hooks_after(passes, level: str, target: str) -> bool:
    """Whether ``passes`` hooks a stage after ``level``."""
    levels = stage_table(target).mlir_levels
    later = levels[levels.index(level) + 1:]
    return any(key.partition(":")[2] in later for key in (passes or {}))


def clone_module(module: ir.Module) -> ir.Module:
    """A copy of ``module`` (its attributes and top-level ops) in the same context."""
    with module.context, ir.Location.unknown():
        copy = ir.Module.create()
        attributes = module.operation.attributes
        for name in attributes:
            copy.operation.attributes[name] = attributes[name]
        with ir.InsertionPoint(copy.body):
            for op in module.body.operations:
                op.operation.clone()
    return copy
