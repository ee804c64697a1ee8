"""Per-kernel time of a compiled model: what ``aic-run --profile`` prints.

A model compiled with ``profile=True`` (``aic-hw-profile`` after the vector stage) accumulates
each kernel's seconds in a global; ``Profiler.report(calls)`` reads it (the difference since
the last ``reset``) and returns one ``KernelTime`` per kernel name -- kernels are named after
the ONNX nodes fused into them -- with its share of the total and, where the FLOPs of those
nodes are known (``flops``: node name -> FLOPs per call, from the ONNX model), GFLOP/s and
% of the target's peak. ``format_report`` renders the one-screen table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class KernelTime:
    name: str
    calls: int
    ms: float  # total over the calls
    percent: float
    gflops: float | None = None
    peak_percent: float | None = None


class Profiler:
    def __init__(self, names: list[str], read):
        self.names = names
        self._read = read  # () -> np.ndarray of accumulated seconds per slot
        self._base = np.zeros(len(names))

    def reset(self) -> None:
        self._base = self._read()[: len(self.names)].copy()

    def report(self, calls: int, flops: dict[str, int] | None = None,
               peak_gflops: float | None = None) -> list[KernelTime]:
        seconds = self._read()[: len(self.names)] - self._base
        by_name: dict[str, list] = {}
        for name, s in zip(self.names, seconds):
            entry = by_name.setdefault(name, [0, 0.0])
            entry[0] += calls
            entry[1] += float(s)
        total = sum(s for _, s in by_name.values()) or 1.0
        work = _assign_flops(by_name, flops or {})
        rows = []
        for name, (n, s) in by_name.items():
            gflops = work[name] * calls / s / 1e9 if work.get(name) and s > 0 else None
            peak = 100 * gflops / peak_gflops if gflops and peak_gflops else None
            rows.append(KernelTime(name, n, s * 1e3, 100 * s / total, gflops, peak))
        return sorted(rows, key=lambda r: -r.ms)


def _nodes(kernel: str) -> list[str]:
    """``"conv1(Conv)+bn1(BatchNormalization)"`` -> ``["conv1", "bn1"]``."""
    return [n.rsplit("(", 1)[0] if n.endswith(")") else n for n in kernel.split("+")]


def _assign_flops(by_name: dict[str, list], flops: dict[str, int]) -> dict[str, int]:
    """Each node's FLOPs go to one kernel: the slowest one that names it (a node's zero-fill
    or copy is also named after it, but does not do its arithmetic)."""
    owner: dict[str, str] = {}
    for name, (_, seconds) in by_name.items():
        for node in _nodes(name):
            if node in flops and (node not in owner or by_name[owner[node]][1] < seconds):
                owner[node] = name
    work: dict[str, int] = {}
    for node, name in owner.items():
        work[name] = work.get(name, 0) + flops[node]
    return work


def format_report(rows: list[KernelTime], calls: int) -> str:
    width = max([len("kernel")] + [len(r.name) for r in rows])
    lines = [f"profile over {calls} call(s): time per kernel (named after its ONNX nodes)",
             f"  {'kernel':<{width}}  {'calls':>6}  {'ms':>9}  {'%':>6}  {'GFLOP/s':>8}  "
             f"{'% peak':>6}"]
    for r in rows:
        g = f"{r.gflops:8.1f}" if r.gflops is not None else f"{'':>8}"
        p = f"{r.peak_percent:6.1f}" if r.peak_percent is not None else f"{'':>6}"
        lines.append(f"  {r.name:<{width}}  {r.calls:>6}  {r.ms:9.3f}  {r.percent:6.1f}  {g}  {p}")
    total = sum(r.ms for r in rows)
    lines.append(f"  {'total':<{width}}  {'':>6}  {total:9.3f}  {100.0 if rows else 0:6.1f}")
    return "\n".join(lines) + "\n"
