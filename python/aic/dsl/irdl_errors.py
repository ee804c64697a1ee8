"""Name the op and the field in IRDL verifier errors.

MLIR's IRDL verifier reports at the op's location but names neither the op nor the operand,
result or attribute that failed (``expected base attribute 'builtin.float' but got
'builtin.integer'``). The error comes with a ``see current operation: ...`` note that prints the
op generically; ``explain(message, note)`` reads the op name, attributes and types from it,
finds the first field of the op's declaration whose constraint rejects its value, and returns
``'toy.scale' op attribute 'factor': expected base attribute ...`` (just the op name when no
single field is to blame, e.g. a wrong operand count; ``None`` for ops not declared with
``aic.dsl``).

May import the MLIR shim and the rest of ``aic.dsl`` only.
"""

from __future__ import annotations

import re

from aic.dsl.builders import group, segments
from aic.dsl.opdef import DIALECTS, OpDef
from aic.mlir_api import ir

_CURRENT_OP = re.compile(r'^see current operation: (?:%[^=]*= )?"([\w$.]+)"\(')
_CLOSE = {"(": ")", "{": "}", "[": "]", "<": ">"}


def explain(message: str, notes: list[str]) -> str | None:
    """``message`` prefixed with the op and field it concerns, or None (not an aic op)."""
    for note in notes:
        m = _CURRENT_OP.match(note)
        if m is None:
            continue
        opdef = _opdef(m.group(1))
        if opdef is None or message.startswith(f"'{opdef.full_name}' op"):
            return None
        field = _blamed_field(opdef, note[m.end() - 1:])
        message = message[3:] if message.startswith("op ") else message  # "op expects ..."
        return f"'{opdef.full_name}' op {field + ': ' if field else ''}{message}"
    return None


def _opdef(full_name: str) -> OpDef | None:
    dialect, _, name = full_name.partition(".")
    for cls in getattr(DIALECTS.get(dialect), "ops", ()):
        if cls.DEF.name == name:
            return cls.DEF
    return None


def _blamed_field(opdef: OpDef, generic: str) -> str | None:
    """The first field whose declared constraint rejects its value in ``generic`` (op text)."""
    try:
        attrs, inputs, outputs = _parse_generic(generic)
    except (ValueError, ir.MLIRError):
        return None
    for a in opdef.attributes:
        if a.name in attrs and a.constraint.check(attrs[a.name]):
            return f"attribute '{a.name}'"
    for kind, fields, types, key in (("operand", opdef.operands, inputs, "operandSegmentSizes"),
                                     ("result", opdef.results, outputs, "resultSegmentSizes")):
        sizes = list(ir.DenseI32ArrayAttr(attrs[key])) if segments(fields) and key in attrs else None
        if sizes is None and sum(not f.single for f in fields) > 1:
            continue
        if len(types) < sum(f.single for f in fields) or (sizes and sum(sizes) != len(types)):
            continue  # a count problem: no single field to blame
        for f, value in zip(fields, group(types, fields, sizes)):
            values = value if isinstance(value, list) else [] if value is None else [value]
            if any(f.constraint.check(t) for t in values):
                return f"{kind} '{f.name}'"
    return None


_PARSE_CONTEXT: list[ir.Context] = []


def _parse_generic(text: str) -> tuple[dict, list[ir.Type], list[ir.Type]]:
    """(attributes, operand types, result types) of a generically printed op (from its ``(``)."""
    if not _PARSE_CONTEXT:  # a private context: parse errors must not reach the caller's handler
        _PARSE_CONTEXT.append(ir.Context())
        _PARSE_CONTEXT[0].allow_unregistered_dialects = True
    pos = _skip_group(text, 0)  # operands
    attr_text = ""
    for opening in ("<", "(", "{"):  # properties, regions, attributes, in generic-form order
        pos = _skip_space(text, pos)
        if text.startswith(opening, pos):
            end = _skip_group(text, pos)
            if opening == "{":
                attr_text = text[pos:end]
            pos = end
    rest = text[pos:].strip()
    if not rest.startswith(":"):
        raise ValueError("no function type")
    with _PARSE_CONTEXT[0]:
        attrs = ir.DictAttr(ir.Attribute.parse(attr_text)) if attr_text else None
        fn_type = ir.FunctionType(ir.Type.parse(rest[1:].strip()))
        attributes = {a.name: a.attr for a in attrs} if attrs is not None else {}
        return attributes, list(fn_type.inputs), list(fn_type.results)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _skip_group(text: str, pos: int) -> int:
    """The index after the bracket group opening at ``pos`` (strings and ``->`` skipped)."""
    stack, i = [], pos
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i = _STRING.match(text, i).end() - 1
        elif text.startswith("->", i):
            i += 1
        elif ch in _CLOSE:
            stack.append(_CLOSE[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return i + 1
        i += 1
    raise ValueError("unbalanced")


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
