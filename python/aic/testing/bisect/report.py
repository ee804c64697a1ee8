"""What ``aic-bisect`` found: per level, per probe, the error against onnxruntime.

A probe *diverges* when some element fails ``|aic - ort| <= atol + rtol * |ort|`` (NaN equal
to NaN; booleans and integers must be equal), or its shape differs. The first divergence is
the first level, then the first probe in the ONNX graph's node order, that diverges: the
level whose stage broke the numbers, and the node where they broke.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

OK, DIVERGED, NOT_EVALUABLE, MISSING = "ok", "diverged", "not evaluable", "missing"


@dataclass
class ProbeResult:
    """One node output at one level."""

    output: str
    node: str
    op_type: str
    status: str  # ok | diverged | not evaluable | missing
    max_abs: float = 0.0
    max_rel: float = 0.0
    detail: str = ""

    def describe(self) -> str:
        return f"node '{self.node}' ({self.op_type}), output '{self.output}'"


@dataclass
class LevelReport:
    level: str
    probes: list[ProbeResult] = field(default_factory=list)
    error: str | None = None  # the level could not run
    note: str | None = None
    ops: list[str] = field(default_factory=list)  # ops of the first diverging node here

    def count(self, status: str) -> int:
        return sum(1 for p in self.probes if p.status == status)

    @property
    def first_divergence(self) -> ProbeResult | None:
        return next((p for p in self.probes if p.status == DIVERGED), None)

    def summary(self) -> str:
        if self.error:
            return f"{self.level:<7} could not run: {self.error}"
        compared = self.count(OK) + self.count(DIVERGED)
        text = f"{self.level:<7} {compared} compared, {self.count(DIVERGED)} diverged"
        if self.count(NOT_EVALUABLE):
            text += f", {self.count(NOT_EVALUABLE)} not evaluable"
        worst = max((p.max_abs for p in self.probes if p.status in (OK, DIVERGED)), default=0.0)
        text += f"; max abs error {worst:.3g}"
        first = self.first_divergence
        if first:
            text += f"; first: '{first.node}' ({first.op_type})"
        return text


@dataclass
class BisectReport:
    """``aic.bisect``'s answer. ``first`` is the first (level, probe) that diverges, or None."""

    model: str
    rtol: float
    atol: float
    levels: list[LevelReport] = field(default_factory=list)

    @property
    def first(self) -> tuple[LevelReport, ProbeResult] | None:
        for level in self.levels:
            if level.first_divergence:
                return level, level.first_divergence
        return None

    @property
    def diverged(self) -> bool:
        return self.first is not None

    @property
    def failed_levels(self) -> list[str]:
        """Levels that could not run (their numbers are unknown)."""
        return [level.level for level in self.levels if level.error]

    def verdict(self) -> str:
        found = self.first
        tolerance = f"(rtol {self.rtol:g}, atol {self.atol:g})"
        if found is None and self.failed_levels:
            return (f"no divergence where the model ran {tolerance}; could not run at "
                    f"{', '.join(self.failed_levels)}")
        if found is None:
            return ("no divergence: every node output matches onnxruntime at every level "
                    f"{tolerance}")
        level, probe = found
        text = (f"first divergence: level {level.level}, {probe.describe()}: max abs error "
                f"{probe.max_abs:.3g}, max rel error {probe.max_rel:.3g} {tolerance}")
        if probe.detail:
            text += f"; {probe.detail}"
        return text

    def format(self, verbose: bool = False) -> str:
        probes = max((len(level.probes) for level in self.levels), default=0)
        header = (f"aic-bisect: {self.model}: {probes} node outputs against onnxruntime at "
                  f"{len(self.levels)} levels")
        lines = [header]
        for level in self.levels:
            lines.append("  " + level.summary())
            if level.note:
                lines.append(f"    note: {level.note}")
            if level.ops:
                lines.append(f"    ops from that node at this level: {', '.join(level.ops)}")
            if verbose:
                lines.extend(_probe_line(p) for p in level.probes)
        lines.append(self.verdict())
        return "\n".join(lines)


def _probe_line(p: ProbeResult) -> str:
    text = f"    {p.status:<13} {p.node} ({p.op_type}) -> {p.output}"
    if p.status in (OK, DIVERGED):
        text += f": max abs {p.max_abs:.3g}, max rel {p.max_rel:.3g}"
    return text + (f"; {p.detail}" if p.detail else "")


def compare(value: np.ndarray, ref: np.ndarray, rtol: float, atol: float) -> tuple[str, float,
                                                                                    float, str]:
    """(status, max abs error, max rel error, detail) of ``value`` against ``ref``."""
    value, ref = np.asarray(value), np.asarray(ref)
    if value.shape != ref.shape:
        return DIVERGED, float("inf"), float("inf"), f"shape {value.shape} vs {ref.shape}"
    if value.size == 0:
        return OK, 0.0, 0.0, ""
    exact = not (np.issubdtype(ref.dtype, np.floating) or np.issubdtype(value.dtype, np.floating))
    a, b = value.astype(np.float64), ref.astype(np.float64)
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        err = np.where(both_nan, 0.0, np.abs(a - b))
        err = np.where(np.isnan(err), np.inf, err)
        rel = err / np.maximum(np.abs(np.nan_to_num(b)), 1e-12)
        bad = err > (0.0 if exact else atol + rtol * np.abs(np.nan_to_num(b)))
    count = int(np.count_nonzero(bad))
    status = DIVERGED if count else OK
    detail = f"{count} of {value.size} elements out of tolerance" if count else ""
    return status, float(err.max()), float(rel.max()), detail
