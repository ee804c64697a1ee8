"""Declare a dialect once, in Python; get IRDL, typed builders, a verifier and docs from it.

A dialect is a ``Dialect`` object; an op is a class decorated with ``@dialect.op`` whose class
body lists ``Operand``/``Result``/``Attr``/``Region`` fields in order, an ``NAME`` and a docstring
(first line: summary; the rest: semantics and an MLIR example). The decorator turns the class
into a registered ``ir.OpView`` subclass, so ``op.opview`` returns it and rewrite patterns can
match on it, and gives it:

* ``OPERATION_NAME`` (the op name, written only here),
* a builder ``Cls(<result types>, <operands>, *, <attributes>, loc=None, ip=None)``; when the
  class defines ``infer_result_types`` the result types move after the operands and may be
  omitted (``Cls(<operands>, [<result types>], *, ...)``),
* accessors named after the fields (attributes return Python values),
* ``verify_semantics()``: the checks IRDL cannot state (element types, ranks, attribute
  ranges) plus the class's own ``verify()`` hook.

This module may import only the MLIR shim and the constraint module.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aic.dsl.attributes import AttrConstraint
from aic.dsl.builders import group, make_builder, segments
from aic.dsl.constraints import AnyType, IrdlEmitter, TypeConstraint
from aic.mlir_api import ir, register_dialect_class, register_op_class

_NO_DEFAULT = object()

DIALECTS: dict[str, "Dialect"] = {}
"""Every dialect declared so far (aic's own and plugins'), by name, in declaration order."""


@dataclass
class Operand:
    constraint: TypeConstraint = field(default_factory=AnyType)
    optional: bool = False
    variadic: bool = False
    doc: str = ""
    name: str = ""

    @property
    def single(self) -> bool:
        return not (self.optional or self.variadic)

    @property
    def variadicity(self) -> str:
        return "optional" if self.optional else "variadic" if self.variadic else "single"


@dataclass
class Result(Operand):
    pass


@dataclass
class Attr:
    constraint: AttrConstraint
    default: Any = _NO_DEFAULT
    optional: bool = False
    doc: str = ""
    name: str = ""

    @property
    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT


@dataclass
class Region:
    doc: str = ""
    name: str = ""


@dataclass
class OpDef:
    """Everything declared about one op; the op class keeps it as ``DEF``."""

    dialect: str
    name: str
    cls_name: str
    summary: str
    description: str
    operands: list[Operand]
    results: list[Result]
    attributes: list[Attr]
    regions: list[Region]
    pure: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.dialect}.{self.name}"


class AicOp(ir.OpView):
    """Base of every op class declared with the dialect layer."""

    DEF: ClassVar[OpDef]

    def _group_operands(self) -> list:
        sizes = None
        if segments(self.DEF.operands):
            sizes = list(ir.DenseI32ArrayAttr(self.operation.attributes["operandSegmentSizes"]))
        return group(list(self.operation.operands), self.DEF.operands, sizes)

    def _group_results(self) -> list:
        sizes = None
        if segments(self.DEF.results):
            sizes = list(ir.DenseI32ArrayAttr(self.operation.attributes["resultSegmentSizes"]))
        return group(list(self.operation.results), self.DEF.results, sizes)

    @classmethod
    def infer_result_types(cls, operands: list, attributes: dict) -> list[ir.Type] | None:
        """Override to let builders omit result types: given grouped operands and attributes."""
        return None

    def verify(self) -> str | None:
        """Override for semantic checks; return an error message or None."""
        return None

    def fold(self) -> list[ir.Value] | None:
        """Override (pure ops) to fold: existing values replacing the results, or None.

        ``aic-canonicalize`` calls it; a fold must not build ops (use ``canonicalize``)."""
        return None

    def canonicalize(self) -> list[ir.Value] | None:
        """Override (pure ops) for a canonicalization pattern: values replacing the results,
        or None. ``aic-canonicalize`` calls it with the insertion point before the op and the
        op's location as default, so new ops need no ``ip``/``loc``."""
        return None

    def verify_semantics(self) -> list[str]:
        """All Python-level checks of this op; an empty list means valid."""
        errors: list[str] = []
        for f, v in zip(self.DEF.operands, self._group_operands()):
            for value in ([] if v is None else v if isinstance(v, list) else [v]):
                err = f.constraint.check(value.type)
                if err:
                    errors.append(f"operand '{f.name}': {err}")
        for f, v in zip(self.DEF.results, self._group_results()):
            for value in ([] if v is None else v if isinstance(v, list) else [v]):
                err = f.constraint.check(value.type)
                if err:
                    errors.append(f"result '{f.name}': {err}")
        attrs = self.operation.attributes
        for a in self.DEF.attributes:
            if a.name not in attrs:
                if not a.optional:
                    errors.append(f"missing attribute '{a.name}'")
                continue
            err = a.constraint.check(attrs[a.name])
            if err:
                errors.append(f"attribute '{a.name}': {err}")
        if not errors:
            err = self.verify()
            if err:
                errors.append(err)
        return errors


def _make_accessors(cls, opdef: OpDef) -> None:
    for i, f in enumerate(opdef.operands):
        setattr(cls, f.name, property(lambda self, i=i: self._group_operands()[i],
                                      doc=f.doc or f.constraint.description))
    for i, f in enumerate(opdef.results):
        setattr(cls, f.name, property(lambda self, i=i: self._group_results()[i],
                                      doc=f.doc or f.constraint.description))
    for a in opdef.attributes:
        def get(self, a=a):
            attrs = self.operation.attributes
            if a.name not in attrs:
                return None
            return a.constraint.value(attrs[a.name])
        setattr(cls, a.name, property(get, doc=a.doc or a.constraint.description))
    for i, r in enumerate(opdef.regions):
        setattr(cls, r.name, property(lambda self, i=i: self.operation.regions[i], doc=r.doc))


def _split_doc(doc: str | None) -> tuple[str, str]:
    doc = inspect.cleandoc(doc or "")
    if not doc:
        return "", ""
    first, _, rest = doc.partition("\n")
    return first.strip(), rest.strip()


_HOOKS = frozenset({"verify", "verify_semantics", "infer_result_types", "fold", "canonicalize"})
_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


def _check_dialect_name(name: str) -> None:
    """Raise ``ValueError`` for a name MLIR would reject or abort on (a clash)."""
    if not _NAME_RE.fullmatch(name):
        raise ValueError(f"dialect name '{name}' must be lower case letters, digits and '_', "
                         "starting with a letter")
    if name in DIALECTS:
        raise ValueError(f"dialect '{name}' is already declared in this process (by aic or "
                         "another plugin); choose another name")
    if _upstream_dialect(name):
        raise ValueError(f"dialect name '{name}' is taken by an upstream MLIR dialect; "
                         "choose another name")


_PROBE: list[ir.Context] = []


def _upstream_dialect(name: str) -> bool:
    """Whether MLIR already registers a dialect ``name`` (loading it twice aborts)."""
    if not _PROBE:
        _PROBE.append(ir.Context())
    try:
        _PROBE[0].get_dialect_descriptor(name)
    except ValueError:
        return False
    return True


class Dialect:
    """A dialect declared in Python. ``@d.op`` adds op classes in order."""

    def __init__(self, name: str, summary: str, description: str = ""):
        self.name = name
        self.summary = summary
        self.description = textwrap.dedent(description).strip()
        self.ops: list[type[AicOp]] = []
        _check_dialect_name(name)
        DIALECTS[name] = self
        py_dialect = type(f"_{name}_dialect", (ir.Dialect,), {"DIALECT_NAMESPACE": name})
        self._py_dialect = register_dialect_class(py_dialect)

    def op(self, cls=None, *, pure: bool = False):
        """Class decorator: turn a declaration into a registered, typed op class.

        ``@d.op(pure=True)`` declares the op free of side effects: ``aic-canonicalize`` may
        erase it when its results are unused, merge it with an identical op, and call its
        ``fold``/``canonicalize`` hooks. (IRDL ops have no traits, so upstream passes cannot.)
        """
        if cls is None:
            return lambda c: self._declare(c, pure)
        return self._declare(cls, pure)

    def _declare(self, cls, pure: bool):
        summary, description = _split_doc(cls.__doc__)
        fields: dict[str, list] = {"operands": [], "results": [], "attributes": [], "regions": []}
        kinds = ((Result, "results"), (Operand, "operands"), (Attr, "attributes"),
                 (Region, "regions"))
        declared: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):  # fields of undecorated bases come first
            declared.update(vars(klass))
        for key, value in declared.items():
            for kind, bucket in kinds:
                if isinstance(value, kind):
                    value.name = key
                    fields[bucket].append(value)
                    break
        opdef = OpDef(self.name, cls.NAME, cls.__name__, summary, description, **fields,
                      pure=pure)
        names = [f.name for bucket in fields.values() for f in bucket]
        if len(set(names)) != len(names):
            raise ValueError(f"{opdef.full_name}: field names must be unique")
        hooks = sorted(set(names) & _HOOKS)
        if hooks:
            raise ValueError(f"{opdef.full_name}: field name '{hooks[0]}' would hide the "
                             f"AicOp method of that name; rename the field")
        cls.DEF = opdef
        cls.OPERATION_NAME = opdef.full_name
        cls._ODS_REGIONS = (len(opdef.regions), True)
        _make_accessors(cls, opdef)
        can_infer = cls.infer_result_types.__func__ is not AicOp.infer_result_types.__func__
        make_builder(cls, opdef, can_infer)
        register_op_class(self._py_dialect, cls)
        self.ops.append(cls)
        return cls

    # -- exports -----------------------------------------------------------------------------

    def irdl(self) -> str:
        """The dialect as IRDL text (loadable by ``irdl.load_dialects`` and ``mlir-opt``)."""
        lines = [f"irdl.dialect @{self.name} {{"]
        for cls in self.ops:
            lines += _op_irdl(cls.DEF)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def markdown_ops(self) -> str:
        """The README section listing every op (generated; do not edit by hand)."""
        out = []
        for cls in self.ops:
            out.append(_op_markdown(cls.DEF))
        return "\n".join(out)


def _op_irdl(d: OpDef) -> list[str]:
    emit = IrdlEmitter()
    operands = [(o.name, o.constraint.irdl(emit), o.variadicity) for o in d.operands]
    attrs = [(a.name, a.constraint.irdl(emit)) for a in d.attributes if not a.optional]
    results = [(r.name, r.constraint.irdl(emit), r.variadicity) for r in d.results]
    # Region declarations come after all type constraints (the IRDL loader requires it).
    regions = [(r.name, emit.value("irdl.region")) for r in d.regions]
    lines = [f"  irdl.operation @{d.name} {{"] + emit.lines

    def group(items):
        return ", ".join(f"{n}: {'' if v == 'single' else v + ' '}{c}" for n, c, v in items)

    if operands:
        lines.append(f"    irdl.operands({group(operands)})")
    if attrs:
        lines.append("    irdl.attributes {" + ", ".join(f'"{n}" = {c}' for n, c in attrs) + "}")
    if regions:
        lines.append("    irdl.regions(" + ", ".join(f"{n}: {c}" for n, c in regions) + ")")
    if results:
        lines.append(f"    irdl.results({group(results)})")
    lines.append("  }")
    return lines


def _op_markdown(d: OpDef) -> str:
    out = [f"### `{d.full_name}` ({d.cls_name})", "", d.summary, ""]
    if d.pure:
        out += ["Pure: no side effects (`aic-canonicalize` may fold, erase or merge it).", ""]
    if d.description:
        out += [d.description, ""]
    rows = []
    for o in d.operands:
        rows.append(("operand", o.name, o.constraint.description, o.variadicity))
    for a in d.attributes:
        kind = "optional" if a.optional else (f"default {a.default!r}" if a.has_default else "")
        rows.append(("attribute", a.name, a.constraint.description, kind))
    for r in d.regions:
        rows.append(("region", r.name, r.doc or "region", ""))
    for r in d.results:
        rows.append(("result", r.name, r.constraint.description, r.variadicity))
    if rows:
        out += ["| kind | name | constraint | notes |", "| --- | --- | --- | --- |"]
        out += [f"| {k} | `{n}` | {c} | {x if x != 'single' else ''} |" for k, n, c, x in rows]
        out.append("")
    return "\n".join(out)
