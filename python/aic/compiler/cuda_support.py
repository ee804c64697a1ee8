"""What the CUDA target cannot compile, found after the `graph` stage (constants folded)
and reported as ``UnsupportedError`` naming the node and the target (instead of a pass
failing deep in the `gpu` stage).

Today: the graph ops whose result length depends on the data (``graph.non_max_suppression``,
``graph.unique``, ``graph.nonzero``: ONNX NonMaxSuppression, Unique, NonZero) left after
constant folding with a result of unknown length. Their lowering counts in a sequential loop
and sizes its result by that count at run time; the CUDA host
code keeps every buffer on the GPU, made once at a static size (``aic-gpu-host-buffers``),
and the CUDA library has no entry for results of a run-time size. On the CPU they run.

May import: the graph dialect, diagnostics, errors, the MLIR shim and ``aic.verify``.
"""

from __future__ import annotations

from aic import diagnostics
from aic.dialects.graph.ops_selection import DATA_SIZED
from aic.errors import UnsupportedError
from aic.mlir_api import ir
from aic.verify import walk

_NAMES = {cls.OPERATION_NAME for cls in DATA_SIZED}


def check_graph(module: ir.Module, target: str) -> None:
    """Raise ``UnsupportedError`` for the first op of ``module`` (at the graph level) that
    ``target`` (a CUDA target) cannot compile."""
    for op in walk(module.operation):
        if op.operation.name in _NAMES and any(
                not ir.ShapedType(r.type).has_static_shape for r in op.operation.results):
            raise UnsupportedError(
                f"{_node(op)}: '{op.operation.name}' (a result whose length depends on "
                f"the data) has no mapping for target '{target}' yet: CUDA buffers have "
                f"static sizes; compile it for the CPU")


def _node(op) -> str:
    """``node 'n' (Op)`` from the op's ONNX location (``n(Op)``), else the op's location."""
    for name in diagnostics.location_names(op.location):
        parts = diagnostics.onnx_node(name)
        if parts is not None:
            return f"node '{parts[0]}' ({parts[1]})"
    return str(op.location)
