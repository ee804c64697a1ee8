"""``aic-bisect`` as a library: numeric bisection of a compile, level by level.

``bisect(model, inputs=..., passes=..., plugins=...) -> BisectReport`` evaluates an ONNX model
at every MLIR level -- graph with the graph dialect's numpy semantics, the later levels
through the JIT -- and compares each ONNX node's output with onnxruntime's; the report names
the first level and node where the numbers diverge (docs/aic-bisect.md).

Modules: ``reference`` (probes, inputs, onnxruntime), ``graph_level`` (numpy evaluation of
``@main``), ``levels`` (the level walk), ``report`` (comparison, report), ``bisector``.
"""

from aic.testing.bisect.bisector import bisect  # noqa: F401
from aic.testing.bisect.report import BisectReport, LevelReport, ProbeResult  # noqa: F401
