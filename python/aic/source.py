"""Reading MLIR source text the way mlir-opt does.

``split_chunks`` cuts a file at ``// -----`` lines; ``parse_source`` parses one chunk so that
diagnostics point at the line and column of the original file, and wraps several top-level
ops (or a lone non-module op) in an implicit ``builtin.module`` as mlir-opt does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aic.mlir_api import ir

SPLIT_MARKER = re.compile(r"^// -----\s*$", re.MULTILINE)


@dataclass
class Chunk:
    text: str
    first_line: int  # 1-based line of the chunk's first line in the file


def split_chunks(text: str, split: bool) -> list[Chunk]:
    if not split:
        return [Chunk(text, 1)]
    chunks, start, line = [], 0, 1
    for m in SPLIT_MARKER.finditer(text):
        chunks.append(Chunk(text[start:m.start()], line))
        line += text[start:m.end()].count("\n") + 1
        start = m.end() + 1
    chunks.append(Chunk(text[start:], line))
    return chunks


_COMMENT_OR_BLANK = re.compile(r"^\s*(//.*)?$")


def parse_source(chunk: Chunk, filename: str) -> ir.Operation:
    """Parse ``chunk`` (in the current context); raises ``ir.MLIRError`` on bad input."""
    padded = "\n" * (chunk.first_line - 1) + chunk.text
    try:
        op = ir.Operation.parse(padded, source_name=filename)
    except ir.MLIRError as e:
        if "source must contain a single top-level operation" not in str(e):
            raise
        return _parse_wrapped(padded, filename)
    op = op.operation
    if op.name == "builtin.module":
        return op
    module = ir.Module.create(ir.Location.unknown())
    module.body.append(op)
    return module.operation


def _parse_wrapped(padded: str, filename: str) -> ir.Operation:
    """Several top-level ops: put ``module {`` on a blank/comment line before them."""
    lines = padded.split("\n")
    slot = None
    for i, line in enumerate(lines):
        if not _COMMENT_OR_BLANK.match(line):
            break
        slot = i
    if slot is not None:
        lines[slot] = "module {"
        text = "\n".join(lines) + "\n}"
    else:  # code on the first line: its columns shift by the wrapper's width
        text = "module {" + padded + "\n}"
    return ir.Operation.parse(text, source_name=filename).operation
