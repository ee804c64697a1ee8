"""Attribute constraints of the dialect-definition layer.

Each knows how to say itself in IRDL (``irdl(emit)``), check an attribute in Python
(``check``: an error string or None), describe itself for the README, and convert Python
values to attributes (``build``) and back (``value``).
"""

from __future__ import annotations

from aic.dsl.constraints import IrdlEmitter, isa
from aic.mlir_api import ir

class AttrConstraint:
    """Base: ``irdl_base`` names the builtin attribute kind; subclasses convert values."""

    irdl_base = ""
    description = "attribute"

    def irdl(self, emit: IrdlEmitter) -> str:
        if not self.irdl_base:
            return emit.value("irdl.any")
        return emit.value(f'irdl.base "{self.irdl_base}"')

    def check(self, attr: ir.Attribute) -> str | None:
        return None

    def build(self, value) -> ir.Attribute:
        if isinstance(value, ir.Attribute):
            return value
        raise TypeError(f"cannot build {self.description} from {value!r}")

    def value(self, attr: ir.Attribute):
        return attr


class IntAttr(AttrConstraint):
    irdl_base = "#builtin.integer"

    def __init__(self, width: int = 64, min: int | None = None, max: int | None = None):
        self.width, self.min, self.max = width, min, max

    @property
    def description(self) -> str:
        text = f"i{self.width} integer"
        if self.min is not None or self.max is not None:
            lo = "-inf" if self.min is None else self.min
            hi = "inf" if self.max is None else self.max
            text += f" in [{lo}, {hi}]"
        return text

    def check(self, attr):
        if not isa(ir.IntegerAttr, attr):
            return f"expected an integer attribute, got {attr}"
        v = ir.IntegerAttr(attr).value
        if self.min is not None and v < self.min:
            return f"must be >= {self.min}, got {v}"
        if self.max is not None and v > self.max:
            return f"must be <= {self.max}, got {v}"
        return None

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(self.width), int(value))

    def value(self, attr):
        return ir.IntegerAttr(attr).value


class BoolAttr(AttrConstraint):
    irdl_base = "#builtin.integer"
    description = "bool"

    def check(self, attr):
        if isa(ir.BoolAttr, attr):
            return None
        return f"expected a bool attribute, got {attr}"

    def build(self, value):
        return value if isinstance(value, ir.Attribute) else ir.BoolAttr.get(bool(value))

    def value(self, attr):
        return ir.BoolAttr(attr).value


class FloatAttr(AttrConstraint):
    irdl_base = "#builtin.float"
    description = "f32 float"

    def check(self, attr):
        return None if isa(ir.FloatAttr, attr) else f"expected a float attribute, got {attr}"

    def build(self, value):
        return value if isinstance(value, ir.Attribute) else ir.FloatAttr.get_f32(float(value))

    def value(self, attr):
        return ir.FloatAttr(attr).value


class StrAttr(AttrConstraint):
    irdl_base = "#builtin.string"
    description = "string"

    def check(self, attr):
        return None if isa(ir.StringAttr, attr) else f"expected a string, got {attr}"

    def build(self, value):
        return value if isinstance(value, ir.Attribute) else ir.StringAttr.get(str(value))

    def value(self, attr):
        return ir.StringAttr(attr).value


class EnumAttr(StrAttr):
    """A string attribute restricted to a fixed set of values (IRDL: ``any_of`` of ``is``)."""

    def __init__(self, *values: str):
        self.values = tuple(values)

    @property
    def description(self) -> str:
        return "one of " + ", ".join(f'"{v}"' for v in self.values)

    def irdl(self, emit):
        names = [emit.value(f'irdl.is "{v}"') for v in self.values]
        return emit.value(f"irdl.any_of({', '.join(names)})")

    def check(self, attr):
        err = super().check(attr)
        if err:
            return err
        v = ir.StringAttr(attr).value
        return None if v in self.values else f'"{v}" is not {self.description}'


class IntArrayAttr(AttrConstraint):
    """``array<i64: ...>`` with an optional fixed length and element bounds."""

    irdl_base = "#builtin.dense_array"

    def __init__(self, size: int | None = None, min: int | None = None):
        self.size, self.min = size, min

    @property
    def description(self) -> str:
        text = "i64 array"
        if self.size is not None:
            text += f" of {self.size} elements"
        if self.min is not None:
            text += f", each >= {self.min}"
        return text

    def check(self, attr):
        if not isa(ir.DenseI64ArrayAttr, attr):
            return f"expected array<i64: ...>, got {attr}"
        values = list(ir.DenseI64ArrayAttr(attr))
        if self.size is not None and len(values) != self.size:
            return f"expected {self.size} elements, got {len(values)}"
        if self.min is not None and any(v < self.min for v in values):
            return f"elements must be >= {self.min}, got {values}"
        return None

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.DenseI64ArrayAttr.get([int(v) for v in value])

    def value(self, attr):
        return list(ir.DenseI64ArrayAttr(attr))


class FloatArrayAttr(AttrConstraint):
    """``array<f32: ...>``."""

    irdl_base = "#builtin.dense_array"
    description = "f32 array"

    def check(self, attr):
        if not isa(ir.DenseF32ArrayAttr, attr):
            return f"expected array<f32: ...>, got {attr}"
        return None

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.DenseF32ArrayAttr.get([float(v) for v in value])

    def value(self, attr):
        return list(ir.DenseF32ArrayAttr(attr))


class BoolArrayAttr(AttrConstraint):
    """``array<i1: ...>``: one flag per dimension (e.g. parallel vs reduction)."""

    irdl_base = "#builtin.dense_array"
    description = "i1 array"

    def check(self, attr):
        if not isa(ir.DenseBoolArrayAttr, attr):
            return f"expected array<i1: ...>, got {attr}"
        return None

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.DenseBoolArrayAttr.get([bool(v) for v in value])

    def value(self, attr):
        return list(ir.DenseBoolArrayAttr(attr))


class StrArrayAttr(AttrConstraint):
    """``["a", "b"]``: an array of strings, optionally each from a fixed set."""

    irdl_base = "#builtin.array"

    def __init__(self, *values: str):
        self.values = tuple(values)

    @property
    def description(self) -> str:
        if self.values:
            return "array of " + "/".join(f'"{v}"' for v in self.values)
        return "array of strings"

    def check(self, attr):
        if not isa(ir.ArrayAttr, attr):
            return f"expected an array attribute, got {attr}"
        for a in ir.ArrayAttr(attr):
            if not isa(ir.StringAttr, a):
                return f"expected strings in the array, got {a}"
            if self.values and ir.StringAttr(a).value not in self.values:
                return f'"{ir.StringAttr(a).value}" is not one of {", ".join(self.values)}'
        return None

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.ArrayAttr.get([ir.StringAttr.get(str(v)) for v in value])

    def value(self, attr):
        return [ir.StringAttr(a).value for a in ir.ArrayAttr(attr)]


class ElementsAttr(AttrConstraint):
    """Constant data: ``dense<...>`` or ``dense_resource<...>``."""

    description = "dense or dense_resource elements"

    def irdl(self, emit):
        return emit.value("irdl.any")  # any_of over base kinds aborts the IRDL loader

    def check(self, attr):
        if isa(ir.DenseElementsAttr, attr):
            return None
        try:  # DenseResourceElementsAttr does not downcast (no typeid in the bindings)
            ir.DenseResourceElementsAttr(attr)
            return None
        except ValueError:
            return f"expected dense elements, got {attr}"


class TypeAttr(AttrConstraint):
    irdl_base = "#builtin.type"
    description = "type"

    def check(self, attr):
        return None if isa(ir.TypeAttr, attr) else f"expected a type attribute, got {attr}"

    def build(self, value):
        return value if isinstance(value, ir.Attribute) else ir.TypeAttr.get(value)

    def value(self, attr):
        return ir.TypeAttr(attr).value


class DictAttr(AttrConstraint):
    irdl_base = "#builtin.dictionary"
    description = "dictionary"

    def check(self, attr):
        return None if isa(ir.DictAttr, attr) else f"expected a dictionary, got {attr}"

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.DictAttr.get(dict(value))


class SymbolRefAttr(AttrConstraint):
    irdl_base = "#builtin.symbol_ref"
    description = "symbol reference"

    def check(self, attr):
        if isa(ir.FlatSymbolRefAttr, attr) or isa(ir.SymbolRefAttr, attr):
            return None
        return f"expected a symbol reference, got {attr}"

    def build(self, value):
        if isinstance(value, ir.Attribute):
            return value
        return ir.FlatSymbolRefAttr.get(str(value))

    def value(self, attr):
        return ir.FlatSymbolRefAttr(attr).value


class AnyAttr(AttrConstraint):
    description = "any attribute"

