"""Compiling from MLIR text at any level: parse a file, recognise its level.

``parse_file(path)`` parses MLIR text in a context holding every declared dialect (aic's and
loaded plugins'); a syntax or verifier error is one ``AicError`` line
``file:line:col: error: message``. ``detect_level(module, table)`` names the stage table level
the module is at, from its ops: ``graph`` ops -> graph, ``tiled`` ops -> tiled, ``hw`` ops ->
hw (``vector`` when vector ops sit inside ``hw.parallel``), ``llvm.func`` and no ``func.func``
-> llvm, else (``func.func`` over linalg/tensor ops) -> linalg. A compile then runs the stages
after that level (for graph: the graph stage too, since its passes are idempotent and an
imported module has not been through them). Text whose weights were elided when printed
(``elided_constants``) is refused: it has no values to compile.
"""

from __future__ import annotations

import re

from aic import diagnostics
from aic.context import make_context
from aic.errors import AicError
from aic.mlir_api import ir
from aic.verify import walk, verify_semantics

_HANDLE = re.compile(r"dense_resource<([^>]+)>")
_BLOB = re.compile(r"^\s*([^\s:]+):\s*\"0x", re.MULTILINE)


def elided_constants(text: str) -> list[str]:
    """The ``dense_resource`` constants of MLIR ``text`` that have no data: elided elements
    (``dense_resource<__elided__>``) and handles whose blob the printer left out
    (``aic.compiler.weights.print_options``)."""
    handles = dict.fromkeys(_HANDLE.findall(text))
    if not handles:
        return []
    start = text.rfind("{-#")
    blobs = set(_BLOB.findall(text[start:])) if start >= 0 else set()
    return [f"dense_resource<{h}>" for h in handles if h not in blobs]


def parse_file(path: str, context: ir.Context | None = None) -> ir.Module:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise AicError(f"cannot read '{path}': {e}") from None
    missing = elided_constants(text)
    if missing:
        raise AicError(f"{path}: constant {missing[0]} has no data (elided when the file was "
                       f"printed): print it with --keep-weights to compile it")
    ctx = context or make_context()
    with ctx, diagnostics.collect(ctx) as diags:
        try:
            module = ir.Module.parse(text)
        except ir.MLIRError as e:
            found = diags + diagnostics.from_mlir_error(e)
            first = next((d for d in found if d.severity == "error"), None)
            raise AicError(_render(first, path) if first else f"{path}: error: {e}") from None
        ok = verify_semantics(module.operation)
        if not ok:
            first = next(d for d in diags if d.severity == "error")
            raise AicError(_render(first, path))
    return module


def _render(d: diagnostics.Diagnostic, path: str) -> str:
    if d.file in (None, "-", "<unknown>") or d.file.startswith("<"):
        d.file = path
    return d.render(path)


def detect_level(module: ir.Module, levels: list[str]) -> str:
    """The level of ``levels`` (a stage table's MLIR levels) that ``module`` is at."""
    dialects: set[str] = set()
    vector_in_hw = False
    for op in walk(module.operation):
        name = op.operation.name
        dialects.add(name.partition(".")[0])
        if name == "hw.parallel" and not vector_in_hw:
            vector_in_hw = any(c.operation.name.startswith("vector.") for c in walk(op.operation))
    if "graph" in dialects:
        level = "graph"
    elif "tiled" in dialects:
        level = "tiled"
    elif "hw" in dialects:
        level = "vector" if vector_in_hw else "hw"
    elif "llvm" in dialects and "func" not in dialects:
        level = "llvm"
    else:
        level = "linalg"
    if level not in levels:
        raise AicError(f"cannot tell the level of this module (found dialects: "
                       f"{', '.join(sorted(dialects))}); give it with --from LEVEL")
    return level
