"""Where compile time goes: wall-time spans, a report like ``mlir-opt --mlir-timing``, and
the events a progress display follows.

``with timing.recording(passes=True) as rec:`` makes ``rec`` the active recorder; anything
below it records a nested span with ``with timing.span("llc"):`` (a no-op when nothing
records, so library code times itself unconditionally). With ``passes=True`` the pass
framework also turns on MLIR's own pass timing and grafts its per-pass tree (aic and upstream
passes) under the running span (``aic.pipeline.run_pass_manager``). ``rec.report()`` is the
text report; ``rec.top(n)`` the ``n`` largest leaf costs.

Progress: listeners (``rec.listeners``) get ``begin(path)`` for every span and
``note(text, sub)`` for events that are not spans (``timing.note``: a pass starting;
``timing.counted``: kernels done in the running pass); ``aic.progress`` draws them. May import nothing of aic (it sits beside the MLIR shim).
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass, field


@dataclass
class Span:
    name: str
    seconds: float = 0.0
    children: list[Span] = field(default_factory=list)

    def child(self, name: str) -> Span:
        span = Span(name)
        self.children.append(span)
        return span

    def leaves(self, path: tuple[str, ...] = ()) -> list[tuple[float, tuple[str, ...]]]:
        """``(self seconds, path)`` of every span, self time = own time minus its children's."""
        here = path + (self.name,)
        own = self.seconds - sum(c.seconds for c in self.children)
        out = [(own, here)] if own > 0 and path else []
        for c in self.children:
            out += c.leaves(here)
        return out


class Recorder:
    """A tree of wall-time spans under a root named ``Total``."""

    def __init__(self, passes: bool = False):
        self.passes = passes  # also record MLIR's per-pass timing
        self.root = Span("Total")
        self.stack = [self.root]
        self.listeners: list = []
        self.start = time.perf_counter()

    @contextlib.contextmanager
    def span(self, name: str, merge: bool = False):
        """Time the block as a child of the running span; ``merge``: add to a same-named
        sibling (a step repeated per input chunk) instead of a new row."""
        siblings = self.stack[-1].children
        same = [s for s in siblings if s.name == name] if merge else []
        span = same[0] if same else self.stack[-1].child(name)
        self.stack.append(span)
        for listener in self.listeners:
            listener.begin([s.name for s in self.stack[1:]])
        begin = time.perf_counter()
        try:
            yield span
        finally:
            span.seconds += time.perf_counter() - begin
            self.stack.pop()

    def graft(self, spans: list[Span]) -> None:
        """Add finished spans (e.g. MLIR's pass report) under the running span; rows that
        repeat the running span's children (the same pipeline again) add up with them."""
        _merge(self.stack[-1].children, spans)

    def note(self, text: str, sub: bool = False) -> None:
        for listener in self.listeners:
            listener.note(text, sub)

    def finish(self) -> Recorder:
        self.root.seconds = time.perf_counter() - self.start
        return self

    def top(self, n: int = 5) -> list[tuple[float, str]]:
        """The ``n`` largest self times, as ``(seconds, "stage llvm / ConvertVectorToLLVMPass")``."""
        leaves = sorted(self.root.leaves(), key=lambda item: -item[0])[:n]
        return [(seconds, " / ".join(path[1:])) for seconds, path in leaves]

    def report(self) -> str:
        total = self.root.seconds or time.perf_counter() - self.start
        lines = [RULE, "                         ... Execution time report ...", RULE,
                 f"  Total Execution Time: {total:.4f} seconds", "",
                 "  ----Wall Time----  ----Name----"]

        def row(seconds: float, name: str, depth: int) -> None:
            percent = 100.0 * seconds / total if total else 0.0
            lines.append(f"  {seconds:8.4f} ({percent:5.1f}%)  {'  ' * depth}{name}")

        def walk(span: Span, depth: int) -> None:
            row(span.seconds, span.name, depth)
            for c in span.children:
                walk(c, depth + 1)

        for c in self.root.children:
            walk(c, 0)
        rest = total - sum(c.seconds for c in self.root.children)
        row(max(rest, 0.0), "Rest", 0)
        row(total, "Total", 0)
        return "\n".join(lines) + "\n"


def _merge(into: list[Span], spans: list[Span]) -> None:
    if [s.name for s in into] != [s.name for s in spans]:
        into.extend(spans)
        return
    for old, new in zip(into, spans):
        old.seconds += new.seconds
        _merge(old.children, new.children)


RULE = "===" + "-" * 73 + "==="

_active: list[Recorder] = []


def active() -> Recorder | None:
    return _active[-1] if _active else None


@contextlib.contextmanager
def recording(recorder: Recorder | None = None, *, passes: bool = False):
    """Make ``recorder`` (default: a new one) the active recorder for the block. Inside a
    recording already running (a tool's ``--timing`` around ``aic.compile``) the running
    recorder is used, with ``passes`` added for the block."""
    outer = active()
    if recorder is None and outer is not None:
        saved, outer.passes = outer.passes, outer.passes or passes
        try:
            yield outer
        finally:
            outer.passes = saved
        return
    rec = recorder or Recorder(passes)
    _active.append(rec)
    try:
        yield rec
    finally:
        _active.pop()
        rec.finish()


@contextlib.contextmanager
def span(name: str, merge: bool = False):
    """Time the block as ``name`` under the running span of the active recorder, if any."""
    rec = active()
    if rec is None:
        yield None
        return
    with rec.span(name, merge) as s:
        yield s


def note(text: str, sub: bool = False) -> None:
    """Tell the progress display something: a pass starting, or (``sub``) how far the running
    pass is (``kernels 3/40``)."""
    rec = active()
    if rec is not None:
        rec.note(text, sub)


def counted(items, what: str):
    """Yield ``items``, telling the progress display ``<what> i/n`` about every tenth of
    the way (a pass lowering kernels one by one)."""
    items = list(items)
    rec, step = active(), max(1, len(items) // 10)
    for i, item in enumerate(items):
        if rec is not None and (i % step == 0 or i == len(items) - 1):
            rec.note(f"{what} {i + 1}/{len(items)}", sub=True)
        yield item


# -- MLIR's pass timing report (what PassManager.enable_timing prints) -------------------------

_TIME = r"(\d+\.\d+) \(\s*\d+\.\d+%\)"
_ROW = re.compile(rf"^\s*(?:{_TIME}\s+)?{_TIME}  ( *)(\S.*?)\s*$")  # [user time] wall time


def parse_mlir_report(text: str) -> list[Span]:
    """The top-level spans of an MLIR execution time report (its ``Rest``/``Total`` rows
    dropped), nested by indentation; the wall time (the last time column) is used."""
    roots: list[Span] = []
    stack: list[tuple[int, Span]] = []
    for line in text.splitlines():
        m = _ROW.match(line)
        if not m or m.group(4) in ("Rest", "Total"):
            continue
        depth, span = len(m.group(3)) // 2, Span(m.group(4), float(m.group(2)))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(span)
        stack.append((depth, span))
    return roots
