"""``--verify-diagnostics``: match emitted diagnostics against ``expected-*`` annotations.

Annotations follow mlir-opt: ``// expected-error @+1 {{substring}}`` (also ``warning``,
``remark``, ``note``; ``@+N``, ``@-N``, ``@above``, ``@below``, ``@unknown`` for a diagnostic
without a file location, or none for the same line).
Every emitted diagnostic must match an annotation (same file line, severity, and containing
the text) and every annotation must be matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aic.diagnostics import Diagnostic

_ANNOTATION = re.compile(
    r"expected-(error|warning|remark|note)\s*(?:@([+-]\d+|above|below|unknown))?\s*\{\{(.*?)\}\}")


@dataclass
class Expected:
    severity: str
    line: int
    text: str
    source_line: int
    col: int
    matched: bool = False


def expectations(text: str, first_line: int = 1) -> list[Expected]:
    out = []
    for i, line in enumerate(text.split("\n")):
        for m in _ANNOTATION.finditer(line):
            here = first_line + i
            offset = m.group(2)
            target = here
            if offset == "above":
                target = here - 1
            elif offset == "below":
                target = here + 1
            elif offset == "unknown":
                target = 0
            elif offset:
                target = here + int(offset)
            out.append(Expected(m.group(1), target, m.group(3), here, m.start() + 1))
    return out


def check(diags: list[Diagnostic], expected: list[Expected], filename: str) -> list[str]:
    """Error lines for every mismatch (empty: everything matched)."""
    errors = []
    flat = []
    for d in diags:
        flat.append(d)
        flat.extend(d.notes)
    for d in flat:
        for e in expected:
            if (not e.matched and e.severity == d.severity and e.line == d.line
                    and e.text in d.message):
                e.matched = True
                break
        else:
            if d.severity == "note":
                continue  # unannotated notes are tolerated, as in mlir-opt
            errors.append(f"{d.where()}: error: unexpected {d.severity}: {d.message}")
    for e in expected:
        if not e.matched:
            errors.append(f'{filename}:{e.source_line}:{e.col}: error: expected {e.severity} '
                          f'"{e.text}" was not produced')
    return errors
