"""Type constraints of the dialect-definition layer (and the IRDL emitter they share).

A constraint knows three things: how to say itself in IRDL (``irdl(emit)`` writes constraint ops
and returns the SSA name), how to check a value in Python (``check`` returns an error string or
None — used by the verifier for what IRDL cannot state, such as element types), and how to
describe itself in the generated README. Attribute constraints live in ``attributes.py``.
"""

from __future__ import annotations

from typing import Sequence

from aic.mlir_api import ir

FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
SIGNLESS_INT_TYPES = ("i1", "i8", "i16", "i32", "i64")
UNSIGNED_INT_TYPES = ("ui8", "ui16", "ui32", "ui64")
INT_TYPES = SIGNLESS_INT_TYPES + UNSIGNED_INT_TYPES
NUMERIC_TYPES = FLOAT_TYPES + INT_TYPES
INDEX_TYPES = ("i32", "i64")


class IrdlEmitter:
    """Collects the constraint ops of one IRDL operation body; names SSA values ``%c0, %c1 ...``."""

    def __init__(self, indent: str = "    "):
        self.lines: list[str] = []
        self.indent = indent

    def value(self, text: str) -> str:
        name = f"%c{len(self.lines)}"
        self.lines.append(f"{self.indent}{name} = {text}")
        return name


# ---------------------------------------------------------------------------------------------
# Type constraints


class TypeConstraint:
    description = "any type"

    def irdl(self, emit: IrdlEmitter) -> str:
        return emit.value("irdl.any")

    def check(self, type_: ir.Type) -> str | None:
        return None


class AnyType(TypeConstraint):
    pass


def isa(cls, thing) -> bool:
    """``isinstance`` for MLIR types and attributes (downcasts first)."""
    return isinstance(thing.maybe_downcast(), cls)


def static_shape(type_: ir.Type) -> list[int] | None:
    """The shape of a ranked tensor type with no ``?`` dims, else None."""
    if not isa(ir.RankedTensorType, type_):
        return None
    shaped = ir.RankedTensorType(type_)
    return list(shaped.shape) if shaped.has_static_shape else None


def _element_name(type_: ir.Type) -> str:
    return str(type_)


class Tensor(TypeConstraint):
    """A ranked builtin tensor, optionally restricted in element type and rank.

    Unknown dimensions are ``?``; unranked tensors are not used by aic dialects (the importer
    always knows ranks). Note: the IRDL loader of LLVM 22 aborts on ``irdl.any_of`` over
    ``irdl.base`` constraints, so alternatives of base kinds are stated as ``irdl.any`` plus a
    Python check (see ``ElementsAttr`` and ``TensorOrMemRef``).
    """

    def __init__(self, elements: Sequence[str] | None = None, rank: int | None = None):
        self.elements = tuple(elements) if elements else None
        self.rank = rank

    @property
    def description(self) -> str:
        parts = ["tensor"]
        if self.rank is not None:
            parts.append(f"of rank {self.rank}")
        if self.elements:
            parts.append("of " + "/".join(self.elements))
        return " ".join(parts)

    def irdl(self, emit: IrdlEmitter) -> str:
        return emit.value('irdl.base "!builtin.tensor"')

    def check(self, type_: ir.Type) -> str | None:
        if not isa(ir.RankedTensorType, type_):
            return f"expected a ranked tensor, got {type_}"
        shaped = ir.ShapedType(type_)
        if self.elements and _element_name(shaped.element_type) not in self.elements:
            allowed = ", ".join(self.elements)
            return f"element type {shaped.element_type} is not one of {allowed}"
        if self.rank is not None and shaped.rank != self.rank:
            return f"expected rank {self.rank}, got rank {shaped.rank}"
        return None


class MemRef(TypeConstraint):
    """A builtin memref, optionally restricted in element type and rank."""

    def __init__(self, elements: Sequence[str] | None = None, rank: int | None = None):
        self.elements = tuple(elements) if elements else None
        self.rank = rank

    @property
    def description(self) -> str:
        text = "memref"
        if self.rank is not None:
            text += f" of rank {self.rank}"
        if self.elements:
            text += " of " + "/".join(self.elements)
        return text

    def irdl(self, emit: IrdlEmitter) -> str:
        return emit.value('irdl.base "!builtin.memref"')

    def check(self, type_: ir.Type) -> str | None:
        if not isa(ir.MemRefType, type_):
            return f"expected a memref, got {type_}"
        shaped = ir.ShapedType(type_)
        if self.elements and _element_name(shaped.element_type) not in self.elements:
            return f"element type {shaped.element_type} is not one of {', '.join(self.elements)}"
        if self.rank is not None and shaped.rank != self.rank:
            return f"expected rank {self.rank}, got rank {shaped.rank}"
        return None


class TensorOrMemRef(TypeConstraint):
    description = "tensor or memref"

    def irdl(self, emit: IrdlEmitter) -> str:
        return emit.value("irdl.any")  # any_of over base kinds aborts the IRDL loader

    def check(self, type_: ir.Type) -> str | None:
        if isa(ir.RankedTensorType, type_) or isa(ir.MemRefType, type_):
            return None
        return f"expected a ranked tensor or memref, got {type_}"


class Index(TypeConstraint):
    description = "index"

    def irdl(self, emit: IrdlEmitter) -> str:
        return emit.value("irdl.is index")

    def check(self, type_: ir.Type) -> str | None:
        return None if isa(ir.IndexType, type_) else f"expected index, got {type_}"
