"""Pass pipelines where aic passes and upstream MLIR passes mix.

Text follows MLIR's pipeline syntax: ``builtin.module(aic-graph-simplify,func.func(canonicalize),
cse)``, options in braces (``aic-graph-simplify{max-iterations=3}``). ``parse_pipeline`` gives a
tree of ``Element``; ``build_pass_manager`` turns it into one ``PassManager``: runs of upstream
passes are added as text, each aic pass as a Python pass (so ``--print-ir-after-all`` and
timing see it by name). An aic pass inside an op-anchored nested pipeline
(``func.func(aic-x)``) runs on each directly nested op of that name.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from aic import timing
from aic.errors import PipelineError
from aic.mlir_api import ir, passmanager, tool_path
from aic.pass_base import PASSES, builtin_passes, run_pass_on


@dataclass
class Element:
    name: str
    options: str = ""
    children: list["Element"] | None = None  # set for op-anchored nested pipelines

    def text(self) -> str:
        out = self.name + (f"{{{self.options}}}" if self.options else "")
        if self.children is not None:
            out += "(" + ",".join(c.text() for c in self.children) + ")"
        return out

    def has_aic(self) -> bool:
        if self.children is None:
            return self.name in PASSES
        return any(c.has_aic() for c in self.children)


@dataclass
class _Cursor:
    text: str
    pos: int = 0
    stack: list[str] = field(default_factory=list)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def error(self, msg: str) -> PipelineError:
        return PipelineError(f"invalid pass pipeline '{self.text}' at column {self.pos + 1}: {msg}")


def parse_pipeline(text: str) -> list[Element]:
    """Parse a comma-separated pipeline into elements."""
    cur = _Cursor(text.strip())
    elements = _parse_list(cur)
    if cur.pos != len(cur.text):
        raise cur.error(f"unexpected '{cur.peek()}'")
    return elements


def _parse_list(cur: _Cursor) -> list[Element]:
    elements = []
    while True:
        _skip_ws(cur)
        if cur.peek() in ("", ")"):
            break
        elements.append(_parse_element(cur))
        _skip_ws(cur)
        if cur.peek() == ",":
            cur.pos += 1
            continue
        break
    return elements


def _skip_ws(cur: _Cursor) -> None:
    while cur.peek().isspace():
        cur.pos += 1


def _parse_element(cur: _Cursor) -> Element:
    start = cur.pos
    while cur.peek() and (cur.peek().isalnum() or cur.peek() in "-_."):
        cur.pos += 1
    name = cur.text[start:cur.pos]
    if not name:
        raise cur.error("expected a pass or operation name")
    el = Element(name)
    if cur.peek() == "{":
        depth, begin = 0, cur.pos
        while True:
            ch = cur.peek()
            if not ch:
                raise cur.error("unterminated '{'")
            depth += {"{": 1, "}": -1}.get(ch, 0)
            cur.pos += 1
            if depth == 0:
                break
        el.options = cur.text[begin + 1:cur.pos - 1].strip()
    if cur.peek() == "(":
        cur.pos += 1
        el.children = _parse_list(cur)
        if cur.peek() != ")":
            raise cur.error("expected ')'")
        cur.pos += 1
    return el


def split_anchor(elements: list[Element]) -> tuple[str, list[Element]]:
    """``builtin.module(a,b)`` -> ("builtin.module", [a, b]); a bare list anchors on module."""
    if len(elements) == 1 and elements[0].children is not None:
        return elements[0].name, elements[0].children
    return "builtin.module", elements


@functools.cache
def upstream_pass_names() -> tuple[str, ...]:
    """Pass names the MLIR wheel registers (for suggestions only)."""
    try:
        out = subprocess.run([tool_path("mlir-opt"), "--list-passes"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    names = []
    for line in out.splitlines():
        if line.startswith("  --") and not line.startswith("    "):
            names.append(line.split()[0][2:].split("=")[0])
    return tuple(names)


def unknown_pass_error(name: str) -> PipelineError:
    candidates = list(PASSES) + list(PIPELINES) + list(upstream_pass_names())
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return PipelineError(f"unknown pass '{name}'{hint}")


def make_python_pass(element: Element):
    """The aic pass named by ``element`` with its options parsed."""
    cls = PASSES.get(element.name)
    if cls is None:
        raise unknown_pass_error(element.name)
    return cls.from_options(element.options)


PIPELINES: dict[str, tuple[str, str]] = {}
"""Named pipelines (``name -> (pipeline text, summary)``), usable wherever a pass name is."""


def register_pipeline(name: str, text: str, summary: str) -> None:
    """Make ``name`` stand for the pipeline ``text`` (a bare comma list) in any pipeline."""
    if name in PASSES or (name in PIPELINES and PIPELINES[name][0] != text):
        raise ValueError(f"pipeline name '{name}' is already taken")
    PIPELINES[name] = (text, summary)


def expand_pipelines(elements: list[Element], depth: int = 0) -> list[Element]:
    """Replace named pipelines by their elements (recursively)."""
    if depth > 16:
        raise PipelineError("named pipelines nest too deeply (a cycle?)")
    out: list[Element] = []
    for el in elements:
        if el.children is None and el.name in PIPELINES:
            if el.options:
                raise PipelineError(f"named pipeline '{el.name}' takes no options")
            out += expand_pipelines(parse_pipeline(PIPELINES[el.name][0]), depth + 1)
        elif el.children is not None:
            out.append(Element(el.name, el.options, expand_pipelines(el.children, depth + 1)))
        else:
            out.append(el)
    return out


def build_pass_manager(text: str, ctx: ir.Context) -> passmanager.PassManager:
    """A PassManager for ``text`` (full ``op(...)`` form or a bare comma list)."""
    builtin_passes()
    anchor, elements = split_anchor(parse_pipeline(text))
    elements = expand_pipelines(elements)
    pm = passmanager.PassManager(anchor, context=ctx)
    _add_elements(pm, elements, ctx)
    return pm


def run_pipeline_on(text: str, op: ir.Operation, ctx: ir.Context, configure=None) -> None:
    """Build the pass manager for ``text`` (``configure(pm)`` may adjust it) and run it on
    ``op``; raises ``ir.MLIRError`` on failure. Under a recorder with ``passes=True``
    (``aic.timing``) MLIR's pass timing is on and its per-pass report joins the recorder's
    tree (the report is printed when the pass manager is destroyed: it is captured then)."""
    pm = build_pass_manager(text, ctx)
    if configure is not None:
        configure(pm)
    rec = timing.active()
    if rec is None or not rec.passes:
        pm.run(op)
        return
    pm.enable_timing()
    error = None
    try:
        pm.run(op)
    except ir.MLIRError as e:
        error = e
    with _captured_stderr() as report:
        pm = None  # destroying it prints the report
    rec.graft(timing.parse_mlir_report("\n".join(report)))
    if error is not None:
        raise error


def _add_elements(pm, elements: list[Element], ctx, nested_in: str | None = None) -> None:
    upstream: list[Element] = []

    def flush():
        if not upstream:
            return
        body = ",".join(e.text() for e in upstream)
        _add_upstream(pm, f"{nested_in}({body})" if nested_in else body, upstream, ctx)
        upstream.clear()

    for el in elements:
        if not el.has_aic():
            upstream.append(el)
            continue
        flush()
        if el.children is None:
            _add_aic(pm, make_python_pass(el), nested_in)
        elif nested_in is None:
            _add_elements(pm, el.children, ctx, nested_in=el.name)
        else:
            raise PipelineError(
                f"aic passes may be nested one operation level deep, not inside "
                f"'{nested_in}({el.name}(...))'")
    flush()


def _add_upstream(pm, text: str, elements: list[Element], ctx) -> None:
    with _captured_stderr() as native:  # MLIR prints some option errors straight to stderr
        try:
            pm.add(text)
            return
        except ValueError as e:
            reason = str(e)
    known = set(upstream_pass_names())
    for name in leaf_names(elements):
        if known and name not in known:
            raise unknown_pass_error(name) from None
    raise PipelineError(f"invalid pass pipeline '{text}': {_option_error(reason, native)}")


def _option_error(reason: str, native: list[str]) -> str:
    """One line out of MLIR's multi-line complaint about pass options."""
    lines = [ln.strip(" :!") for ln in (native + reason.splitlines()) if ln.strip()]
    lines = [ln.replace("<Pass-Options-Parser>: ", "") for ln in lines]
    causes = [ln for ln in lines if not ln.startswith("failed to add")]
    return "; ".join(dict.fromkeys(causes or lines[:1])) or "check the pass options"


@contextlib.contextmanager
def _captured_stderr():
    """Collect what native code writes to file descriptor 2 into the yielded list."""
    sys.stderr.flush()
    saved = os.dup(2)
    out: list[str] = []
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield out
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            out.extend(tmp.read().decode(errors="replace").splitlines())


def leaf_names(elements: list[Element]) -> list[str]:
    """The pass names of ``elements``, nested pipelines flattened, in order."""
    out = []
    for el in elements:
        out.extend(leaf_names(el.children) if el.children is not None else [el.name])
    return out


def _add_aic(pm, pass_, nested_in: str | None) -> None:
    name = pass_.NAME
    if nested_in is None:
        def run(op, external):
            timing.note(name)
            run_pass_on(pass_, op, external)
    else:
        def run(op, external):
            timing.note(name)
            for region in op.regions:
                for block in region.blocks:
                    for child in block.operations:
                        if child.operation.name == nested_in:
                            run_pass_on(pass_, child.operation, external)
    pm.add(run, name=name, argument=name, description=type(pass_).summary())


def pipeline_anchor(text: str) -> str:
    """The op name a pipeline runs on (``builtin.module`` for a bare pass list)."""
    return split_anchor(parse_pipeline(text))[0]


def compose_pipeline(pipeline: str, short: str, flags: list[str]) -> str:
    """One pipeline from ``--pass-pipeline``, ``-p`` and ``--<pass>`` flags, in that order.

    ``-p`` also accepts an explicit ``builtin.module(...)``; its passes join the main list.
    """
    parts: list[Element] = []
    anchor = "builtin.module"
    if pipeline:
        anchor, elements = split_anchor(parse_pipeline(pipeline))
        parts += elements
    for text in [short] + flags:
        if text:
            elements = parse_pipeline(text)
            if len(elements) == 1 and elements[0].name == anchor and elements[0].children:
                elements = elements[0].children
            parts += elements
    if not parts:
        return ""
    return f"{anchor}(" + ",".join(p.text() for p in parts) + ")"
