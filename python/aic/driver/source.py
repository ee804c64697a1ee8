"""Reading MLIR source text the way mlir-opt does.

``split_chunks`` cuts a file at ``// -----`` lines; ``parse_source`` parses one chunk so that
diagnostics point at the line and column of the original file (the chunk is padded with the
newlines that precede it), and wraps several top-level ops (or a lone non-module op) in an
implicit ``builtin.module`` located at ``file:1:1``, as mlir-opt does.

Several top-level ops need a ``module {`` wrapper. It goes on a blank or comment line before
the first op, so nothing moves. Only when the very first line of the file is code is there no
such line: the wrapper is then prepended to line 1, and ``Chunk.line1_shift`` records by how
many columns line 1 moved (``fix_columns`` undoes it in diagnostics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aic.mlir_api import ir

SPLIT_MARKER = re.compile(r"^// -----\s*$", re.MULTILINE)
OUTPUT_SEPARATOR = "// -----\n"

_WRAPPER = "module {"
_COMMENT_OR_BLANK = re.compile(r"^\s*(//.*)?$")
_SEVERAL_OPS = "source must contain a single top-level operation"


@dataclass
class Chunk:
    text: str
    first_line: int  # 1-based line of the chunk's first line in the file
    line1_shift: int = 0  # columns added to file line 1 by the module wrapper


def split_chunks(text: str, split: bool) -> list[Chunk]:
    """The chunks of ``text`` (one chunk unless ``split``), each knowing its first line."""
    if not split:
        return [Chunk(text, 1)]
    chunks, start, line = [], 0, 1
    for m in SPLIT_MARKER.finditer(text):
        chunks.append(Chunk(text[start:m.start()], line))
        line += text[start:m.end()].count("\n") + 1
        start = m.end() + 1
    chunks.append(Chunk(text[start:], line))
    return chunks


def parse_source(chunk: Chunk, filename: str) -> ir.Operation:
    """Parse ``chunk`` (in the current context) into a ``builtin.module``.

    Raises ``ir.MLIRError`` on bad input; the diagnostics name ``filename`` and the line and
    column in the original file.
    """
    padded = "\n" * (chunk.first_line - 1) + chunk.text
    try:
        op = ir.Operation.parse(padded, source_name=filename).operation
    except ir.MLIRError as e:
        if _SEVERAL_OPS not in str(e):
            raise
        module = _parse_wrapped(chunk, padded, filename)
    else:
        if op.name == "builtin.module":
            return op
        module = ir.Module.create(ir.Location.unknown()).operation
        module.regions[0].blocks[0].append(op)
    module.location = ir.Location.file(filename, 1, 1)
    return module


def _parse_wrapped(chunk: Chunk, padded: str, filename: str) -> ir.Operation:
    """Several top-level ops: put ``module {`` on a blank/comment line before them."""
    lines = padded.split("\n")
    slot = None
    for i, line in enumerate(lines):
        if not _COMMENT_OR_BLANK.match(line):
            break
        slot = i
    if slot is not None:
        lines[slot] = _WRAPPER
        text = "\n".join(lines) + "\n}"
    else:  # code on line 1 of the file: its columns shift by the wrapper's width
        chunk.line1_shift = len(_WRAPPER)
        text = _WRAPPER + padded + "\n}"
    return ir.Operation.parse(text, source_name=filename).operation


def fix_columns(diags: list, chunk: Chunk, filename: str) -> None:
    """Undo the wrapper's column shift on line 1 in ``Diagnostic`` records (in place)."""
    if not chunk.line1_shift:
        return
    for d in diags:
        if d.file == filename and d.line == 1 and d.col > chunk.line1_shift:
            d.col -= chunk.line1_shift
        fix_columns(d.notes, chunk, filename)
