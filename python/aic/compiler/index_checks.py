"""The run-time index checks of a compiled model, as the runtime and the C entry see them.

``aic-convert-graph-to-linalg`` gives ``@main`` one extra, last result when the model reads
memory at data-dependent indices (Gather, GatherElements): its status, ``[min_0, max_0,
min_1, max_1, ...]``, one pair per check, described by the module attribute
``aic.index_checks`` (``passes/conversions/graph_to_linalg_lib/index_checks.py``). Here:
``read_checks(module)`` returns those checks; ``first_bad(checks, status)`` finds the first
index out of range after a call, and ``message`` words the error (the C entry prints the same
words with ``C_FORMAT``).

May import: the MLIR shim, diagnostics and the passes (for the attribute's name).
"""

from __future__ import annotations

from dataclasses import dataclass

from aic.diagnostics import onnx_node
from aic.mlir_api import ir
from aic.passes.conversions.graph_to_linalg_lib.index_checks import STATUS_ATTR


@dataclass(frozen=True)
class IndexCheck:
    node: str  # how the error names the node: "Gather node 'embed'"
    size: int  # valid indices: [-size, size)

    def bad(self, low: int, high: int) -> int | None:
        """The offending index given the call's smallest and largest, or None."""
        if high >= self.size:
            return high
        return low if low < -self.size else None


PREFIX = "invalid model input: "
C_FORMAT = PREFIX + "index %lld is out of range [-%lld, %lld) for %s"
"""The C entry's ``snprintf`` format of ``message`` (index, size, size, node)."""


def message(check: IndexCheck, index: int) -> str:
    return PREFIX + f"index {index} is out of range [-{check.size}, {check.size}) for {check.node}"


def _display(location_name: str) -> str:
    """``embed(Gather)`` (an ONNX node's location) -> ``Gather node 'embed'``."""
    parts = onnx_node(location_name)
    return f"{parts[1]} node '{parts[0]}'" if parts else f"node '{location_name}'"


def read_checks(module: ir.Module, func: str = "main") -> list[IndexCheck]:
    """The checks of ``func``'s status result, in slot order (none: no status result)."""
    attrs = module.operation.attributes
    if STATUS_ATTR not in attrs:
        return []
    record = ir.DictAttr(attrs[STATUS_ATTR])
    if func not in record:
        return []
    checks = []
    for entry in ir.ArrayAttr(record[func]):
        entry = ir.DictAttr(entry)
        checks.append(IndexCheck(_display(ir.StringAttr(entry["node"]).value),
                                 ir.IntegerAttr(entry["size"]).value))
    return checks


def first_bad(checks: list[IndexCheck], status: list[int]) -> tuple[IndexCheck, int] | None:
    """The first check whose (min, max) pair in ``status`` holds an index out of range."""
    for k, check in enumerate(checks):
        index = check.bad(status[2 * k], status[2 * k + 1])
        if index is not None:
            return check, index
    return None
