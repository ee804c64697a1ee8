"""MLIR diagnostics as plain records, and their one-line rendering.

``collect(ctx)`` is a context manager that captures every diagnostic MLIR emits (parser,
verifier, passes) as ``Diagnostic`` records instead of letting them reach stderr. ``render``
prints ``file:line:col: error: message``; for ops imported from ONNX the location also names
the node and op type (``model.onnx: error: node 'conv1' (Conv): message``). IRDL verifier
errors, which name neither the op nor the field, get both (``aic.dsl.irdl_errors``):
``'toy.scale' op attribute 'factor': expected base attribute 'builtin.float' but got ...``.

``emit(where, severity, message)`` lets Python code (passes) report at an op or location with
any severity. Errors go through MLIR (so a pass manager sees them like any other); warnings and
remarks, which the bindings cannot emit, go straight to the innermost active ``collect`` list,
or to stderr when none is active.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass, field

from aic.dsl.irdl_errors import explain as explain_irdl_error
from aic.mlir_api import ir

_SEVERITY = {"ERROR": "error", "WARNING": "warning", "REMARK": "remark", "NOTE": "note"}


@dataclass
class Diagnostic:
    severity: str
    message: str
    file: str | None = None
    line: int = 0
    col: int = 0
    names: list[str] = field(default_factory=list)
    notes: list["Diagnostic"] = field(default_factory=list)

    @classmethod
    def from_mlir(cls, d) -> "Diagnostic":
        severity = _SEVERITY.get(str(d.severity).rsplit(".", 1)[-1], "error")
        notes = [cls.from_mlir(n) for n in d.notes]
        message = d.message
        if severity == "error":  # IRDL verifier errors: name the op and the field
            message = explain_irdl_error(message, [n.message for n in notes]) or message
        out = cls(severity, message)
        out.file, out.line, out.col, out.names = location_parts(d.location)
        out.notes = notes
        return out

    def where(self) -> str:
        if self.file is None:
            return "<unknown>"
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"

    def render(self, default_file: str | None = None) -> str:
        where = self.where() if self.file is not None or default_file is None else default_file
        prefix = "".join(f"{n}: " for n in self.names)
        return f"{where}: {self.severity}: {prefix}{self.message}"


def location_parts(loc: ir.Location) -> tuple[str | None, int, int, list[str]]:
    """(file, line, col, names) of the first file location and all names inside ``loc``."""
    names: list[str] = []
    todo = [loc]
    while todo:
        cur = todo.pop(0)
        if cur.is_a_file():
            return cur.filename, cur.start_line, cur.start_col, names
        if cur.is_a_name():
            names.append(cur.name_str)
            todo.append(cur.child_loc)
        elif cur.is_a_fused():
            todo.extend(cur.locations)
        elif cur.is_a_callsite():
            todo.append(cur.callee)
    return None, 0, 0, names


def onnx_node(location_name: str) -> tuple[str, str] | None:
    """``(node, op type)`` of an ONNX node's location name (``embed(Gather)``, as the importer
    writes it), or None for another name."""
    node, paren, op_type = location_name.rpartition("(")
    if not paren or not location_name.endswith(")") or not op_type[:-1].isidentifier():
        return None
    return node, op_type[:-1]


def location_names(loc: ir.Location) -> list[str]:
    """Every name inside ``loc`` (through name, fused and call-site locations), in order of
    appearance, each once: the ONNX nodes an op stands for."""
    names: dict[str, None] = {}
    todo = [loc]
    while todo:
        cur = todo.pop(0)
        if cur.is_a_name():
            names.setdefault(cur.name_str)
            todo.append(cur.child_loc)
        elif cur.is_a_fused():
            todo.extend(cur.locations)
        elif cur.is_a_callsite():
            todo.extend([cur.callee, cur.caller])
    return list(names)


_SINKS: list[list[Diagnostic]] = []


@contextlib.contextmanager
def collect(ctx: ir.Context):
    """Capture diagnostics emitted in ``ctx`` (and by ``emit``) into the yielded list."""
    diags: list[Diagnostic] = []

    def handler(d):
        diags.append(Diagnostic.from_mlir(d))
        return True

    handle = ctx.attach_diagnostic_handler(handler)
    _SINKS.append(diags)
    try:
        yield diags
    finally:
        _SINKS.pop()
        handle.detach()


def emit(where, severity: str, message: str) -> None:
    """Report ``message`` at ``where`` (an op, OpView or Location) with ``severity``."""
    if severity not in _SEVERITY.values():
        raise ValueError(f"unknown severity '{severity}'")
    loc = where if isinstance(where, ir.Location) else where.location
    if severity == "error":
        loc.emit_error(message)
        return
    d = Diagnostic(severity, message)
    d.file, d.line, d.col, d.names = location_parts(loc)
    if _SINKS:
        _SINKS[-1].append(d)
    else:
        print(d.render(), file=sys.stderr)


def from_mlir_error(err: ir.MLIRError) -> list[Diagnostic]:
    """The diagnostics carried by an ``MLIRError`` (those no handler consumed)."""
    return [Diagnostic.from_mlir(d) for d in err.error_diagnostics]
