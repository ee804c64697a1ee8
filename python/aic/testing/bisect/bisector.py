"""``bisect``: the numbers of every ONNX node at every level, against onnxruntime.

Steps: read the model, complete the inputs, run onnxruntime once with every node output
exposed (``reference``), compile the probed model once through the stage table and evaluate
it at each level (``levels``), compare each probe (``report``). At the level of the first
divergence, the ops whose locations name the diverging ONNX node are listed (the importer
gives every op the location ``"<node>(<op_type>)"``, and lowerings keep it).
"""

from __future__ import annotations

import os

import numpy as np

from aic.diagnostics import location_names
from aic.frontend.onnx.loader import load_model
from aic.mlir_api import ir
from aic.plugins import load_plugin
from aic.testing.bisect import reference as ref
from aic.testing.bisect.levels import LevelRun, walk_levels
from aic.testing.bisect.report import (
    MISSING,
    NOT_EVALUABLE,
    BisectReport,
    LevelReport,
    ProbeResult,
    compare,
)
from aic.verify import walk


def bisect(model, inputs: dict[str, np.ndarray] | None = None, *, passes=None, plugins=(),
           target: str = "cpu", levels=None, input_shapes=None, rtol: float = 1e-4,
           atol: float = 1e-5, outputs_only: bool = False) -> BisectReport:
    """Evaluate ``model`` (an ONNX path or ``ModelProto``) at every MLIR level of ``target``
    and compare every ONNX node's output with onnxruntime's.

    ``inputs`` are keyed by graph input name; missing ones get deterministic random data
    (symbolic dims from ``input_shapes``). ``passes`` and ``plugins`` extend the compile as in
    ``aic.compile`` (``{"after:linalg": "aic-my-pass"}``); ``levels`` restricts the levels
    evaluated. Returns a ``BisectReport``; ``report.first`` is the first (level, node output)
    whose values leave ``rtol``/``atol``.

    Every node output becomes an output of the compiled model, which can change what the
    compiler fuses; ``outputs_only`` compares only the model's own outputs, so the compile is
    the ordinary one (the first level is still found; the node is the output's producer).
    """
    for plugin in plugins:
        load_plugin(plugin)
    proto, source = load_model(os.fspath(model) if isinstance(model, os.PathLike) else model)
    probes = ref.probes(proto)
    if outputs_only:
        outputs = {o.name for o in proto.graph.output}
        probes = [p for p in probes if p.output in outputs]
    feed = ref.make_inputs(proto, dict(inputs or {}), input_shapes)
    expected = ref.reference(proto, probes, feed)
    report = BisectReport(source, rtol, atol)
    for run in walk_levels(ref.probed_model(proto, probes, expected), feed, expected,
                           target=target, passes=passes, levels=levels):
        level = _level_report(run, probes, expected, rtol, atol)
        if level.first_divergence and not report.diverged:
            first = level.first_divergence
            level.ops = ops_of_node(run.module, first.node, first.op_type)
        report.levels.append(level)
    return report


def _level_report(run: LevelRun, probes, expected, rtol: float, atol: float) -> LevelReport:
    level = LevelReport(run.level, error=run.error, note=run.note)
    if run.error:
        return level
    for p in probes:
        result = ProbeResult(p.output, p.node, p.op_type, MISSING)
        if p.output in run.unevaluable:
            result.status, result.detail = NOT_EVALUABLE, run.unevaluable[p.output]
        elif p.output in run.values:
            result.status, result.max_abs, result.max_rel, result.detail = compare(
                run.values[p.output], expected[p.output], rtol, atol)
        level.probes.append(result)
    return level


def ops_of_node(module: ir.Module, node: str, op_type: str) -> list[str]:
    """Names of the ops in ``module`` whose location names ONNX node ``node`` (first
    appearance order, each once)."""
    wanted = f"{node}({op_type})"
    found: dict[str, None] = {}
    with module.context:
        for op in walk(module.operation):
            if wanted in location_names(op.location):
                found.setdefault(op.operation.name)
    return list(found)
