"""Dynamic extents for the graph -> linalg lowerings: ``Dim``, an index value that acts as a
shape entry.

A lowering sees shapes as lists whose entries are ints (static) or ``Dim`` (dynamic:
``shape_of`` builds them). ``Dim`` supports the arithmetic the lowerings do on sizes (``+ - *
// %`` with ints or Dims, building ``arith`` ops at the current insertion point) and compares
equal to another ``Dim`` with the same *key*: the ONNX dim name (``batch``, ``seq``) where the
importer named it, else the tensor and axis it was read from. So ``batch == batch`` holds and
the lowerings treat two equal dims as one extent, as for static shapes.

A question a static lowering asks that has no answer for a dynamic extent (``d == 2``,
``d > 3``, ``int(d)``) raises ``DynamicDimError``; the pass turns it into a located error
(dynamic dims unsupported by that op). The answers it does give are the conventions of
dynamic-shape compilers: a dynamic dim is never negative (``d < 0`` is False, so it is not
``shapes.DYN``), never 1 for broadcasting (``d == 1`` is False: a dynamic dim broadcasts only
against an equal dim), and positive.

Names resolve to the dims of ``@main``'s arguments (their ``aic.dims`` attributes, written by
the importer), so every named extent is a ``tensor.dim`` of an argument and CSE folds them.

May import: the MLIR shim and aic.errors.
"""

from __future__ import annotations

import contextvars
from typing import Sequence

from aic.mlir_api import arith, ir, tensor

DIMS_ATTR = "aic.dims"
"""Discardable attribute (arguments, results, ops): per dim, the ONNX name of a dynamic dim
(``""`` for a static or unnamed one)."""

RESULT_DIMS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("result_dims",
                                                                          default=None)
"""While an op is lowered: its results' shapes (result value -> list of int | Dim)."""


class DynamicDimError(ValueError):
    """A lowering asked something of a dynamic extent that only a static one can answer."""


class Dim:
    """A dynamic extent: ``value`` (index) and ``key`` (what makes two extents equal)."""

    __slots__ = ("value", "key")

    def __init__(self, value: ir.Value, key):
        self.value = value
        self.key = key

    def __repr__(self) -> str:
        return f"Dim({self.key!r})"

    def shown(self) -> str:
        """The key for a message: a name (``seq``), or for an unnamed dim (one read from a
        value, e.g. the data-sized result of a unique) its axis and the value's type."""
        if isinstance(self.key, tuple) and len(self.key) == 2 and isinstance(self.key[0],
                                                                             ir.Value):
            value, axis = self.key
            return f"{axis} of a {value.type} value, known only at run time"
        return str(self.key)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other) -> bool:
        return isinstance(other, Dim) and other.key == self.key

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other) -> bool:
        if isinstance(other, int) and other <= 0:
            return False
        raise DynamicDimError(f"compares dynamic dim {self.shown()} with {other}")

    def __le__(self, other) -> bool:
        if isinstance(other, int) and other < 0:
            return False
        raise DynamicDimError(f"compares dynamic dim {self.shown()} with {other}")

    def __gt__(self, other) -> bool:
        if isinstance(other, int) and other <= 0:
            return True
        raise DynamicDimError(f"compares dynamic dim {self.shown()} with {other}")

    def __ge__(self, other) -> bool:
        if isinstance(other, int) and other <= 1:
            return True
        raise DynamicDimError(f"compares dynamic dim {self.shown()} with {other}")

    def __bool__(self) -> bool:
        return True

    def __index__(self) -> int:
        raise DynamicDimError(f"needs the value of dynamic dim {self.shown()}")

    __int__ = __index__

    def _binary(self, other, op: str, fold):
        if isinstance(other, Dim):
            value, key = other.value, other.key
        elif isinstance(other, (int,)) or hasattr(other, "__index__"):
            other = int(other)
            if (op, other) in (("mul", 1), ("div", 1), ("add", 0), ("sub", 0)):
                return self
            value, key = index(other), other
        else:
            return NotImplemented
        if op == "mul":  # products compare equal whatever the order they were built in
            factors = sorted(_factors(self.key) + _factors(key), key=repr)
            return Dim(fold(self.value, value), ("mul", *factors))
        return Dim(fold(self.value, value), (op, self.key, key))

    def __add__(self, other):
        return self._binary(other, "add", arith.addi)

    def __radd__(self, other):
        return self.__add__(other)

    def __mul__(self, other):
        return self._binary(other, "mul", arith.muli)

    def __rmul__(self, other):
        return self.__mul__(other)

    def __sub__(self, other):
        return self._binary(other, "sub", arith.subi)

    def __rsub__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return Dim(arith.subi(index(other), self.value), ("rsub", other, self.key))

    def __floordiv__(self, other):
        return self._binary(other, "div", arith.floordivsi)

    def __mod__(self, other):
        return self._binary(other, "mod", arith.remsi)


def _factors(key) -> list:
    return list(key[1:]) if isinstance(key, tuple) and key and key[0] == "mul" else [key]


def index(value: int) -> ir.Value:
    return arith.ConstantOp.create_index(int(value)).result


def is_dim(d) -> bool:
    return isinstance(d, Dim)


def static_shape(shape: Sequence) -> list[int]:
    """``shape`` as MLIR wants it in a type: dynamic entries as ``ShapedType``'s dynamic size."""
    dyn = ir.ShapedType.get_dynamic_size()
    return [dyn if isinstance(d, Dim) else int(d) for d in shape]


def dynamic_values(shape: Sequence) -> list[ir.Value]:
    return [d.value for d in shape if isinstance(d, Dim)]


def split(sizes: Sequence) -> tuple[list[ir.Value], list[int]]:
    """(dynamic values, static entries) of mixed sizes/offsets, as ``tensor.extract_slice``
    and ``insert_slice`` take them."""
    return dynamic_values(sizes), static_shape(sizes)


def mixed(shape: Sequence) -> list:
    """``shape`` for builders taking mixed sizes (``tensor.empty``, ``expand_shape``)."""
    return [d.value if isinstance(d, Dim) else int(d) for d in shape]


# -- where the dims of a value come from --------------------------------------------------------

def names_of(value: ir.Value) -> list[str] | None:
    """The ``aic.dims`` names of a block argument of ``@main`` or of a single-result op's result."""
    owner = value.owner
    if isinstance(owner, ir.Block):
        func_op = owner.owner.operation
        if func_op.name != "func.func" or "arg_attrs" not in func_op.attributes:
            return None
        attrs = ir.DictAttr(ir.ArrayAttr(func_op.attributes["arg_attrs"])[value.arg_number])
        return _names(attrs[DIMS_ATTR]) if DIMS_ATTR in attrs else None
    op = owner.operation if hasattr(owner, "operation") else owner
    if len(op.results) == 1 and DIMS_ATTR in op.attributes:
        return _names(op.attributes[DIMS_ATTR])
    return None


def _names(attr) -> list[str]:
    return [ir.StringAttr(a).value for a in ir.ArrayAttr(attr)]


def named_dims(value: ir.Value) -> dict[str, tuple[ir.Value, int]]:
    """Name -> (argument, axis) over every argument of the function that holds ``value``."""
    block = _entry_block(value)
    found: dict[str, tuple[ir.Value, int]] = {}
    for arg in block.arguments:
        for axis, name in enumerate(names_of(arg) or []):
            if name and name not in found:
                found[name] = (arg, axis)
    return found


def _entry_block(value: ir.Value) -> ir.Block:
    owner = value.owner
    op = (owner.owner if isinstance(owner, ir.Block) else owner).operation
    while op.name != "func.func":
        op = op.parent.operation
    return op.regions[0].blocks[0]


def dim_of_name(name: str, table: dict[str, tuple[ir.Value, int]]) -> Dim | None:
    """The extent ``name`` stands for: a named dim of an argument, or a product of them
    (``batch*seq``, ``2*seq``: the importer writes products of names this way)."""
    out = None
    for part in name.split("*"):
        if part.isdigit():
            factor = int(part)
        elif part in table:
            arg, axis = table[part]
            with ir.InsertionPoint.at_block_begin(arg.owner):  # dominates every use
                factor = Dim(tensor.dim(arg, index(axis)), part)
        else:
            return None
        out = factor if out is None else out * factor
    return out if isinstance(out, Dim) else None


def remember(value: ir.Value, shape: Sequence) -> ir.Value:
    """Record the shape a lowering built ``value`` with, so ``shape_of`` gives the same Dims
    back (equal keys) instead of fresh ``tensor.dim`` reads; returns ``value``."""
    known = RESULT_DIMS.get()
    if known is not None and any(isinstance(d, Dim) for d in shape):
        known[value] = list(shape)
    return value


def shape_of(value: ir.Value) -> list:
    """The shape of a ranked tensor: ints, and ``Dim`` for dynamic dims (read with
    ``tensor.dim`` at the current insertion point, from an argument where the dim is named)."""
    known = RESULT_DIMS.get()
    if known is not None and value in known:
        if known[value] is None:
            raise DynamicDimError("cannot tell the dynamic dims of the result")
        return list(known[value])
    t = ir.RankedTensorType(value.type)
    shape = list(t.shape)
    if t.has_static_shape:
        return shape
    names = names_of(value) or [""] * len(shape)
    table = named_dims(value) if any(names) else {}
    out = []
    for axis, d in enumerate(shape):
        if not t.is_dynamic_dim(axis):
            out.append(d)
            continue
        dim = dim_of_name(names[axis], table) if names[axis] else None
        out.append(dim or Dim(tensor.dim(value, index(axis)), (value, axis)))
    return out


def name_of(d) -> str:
    """The ``aic.dims`` text of a dim: its name or product of names, "" if it has none."""
    if not isinstance(d, Dim):
        return ""
    if isinstance(d.key, str):
        return d.key
    if isinstance(d.key, tuple) and d.key and d.key[0] == "mul" and all(
            isinstance(f, (str, int)) for f in d.key[1:]):
        return "*".join(str(f) for f in d.key[1:])
    return ""


def annotate(value: ir.Value, shape) -> None:
    """Record the names of ``value``'s dynamic dims on its defining op (``aic.dims``), so the
    lowering of its users resolves them as named extents."""
    owner = value.owner
    if isinstance(owner, ir.Block) or shape is None:
        return
    op = owner.operation
    names = [name_of(d) for d in shape]
    if len(op.results) == 1 and any(names):
        op.attributes[DIMS_ATTR] = ir.ArrayAttr.get([ir.StringAttr.get(n) for n in names])


def prod(sizes) -> "int | Dim":
    """The product of ``sizes`` (ints and Dims)."""
    out = 1
    for d in sizes:
        out = d * out if isinstance(d, Dim) else out * int(d)
    return out


def broadcast_shapes(*shapes) -> list:
    """numpy broadcasting of shapes holding Dims: a dynamic dim broadcasts only against 1 or an
    equal dim (two dynamic dims that may differ are refused: ``DynamicDimError``)."""
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(rank):
        sizes = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        dynamic = [d for d in sizes if isinstance(d, Dim)]
        static = {int(d) for d in sizes if not isinstance(d, Dim) and d != 1}
        if dynamic and any(d != dynamic[0] for d in dynamic):
            raise DynamicDimError(f"broadcasts dynamic dims {[d.key for d in dynamic]}, "
                                  "which may differ")
        if dynamic and not static:
            out.append(dynamic[0])
        elif len(static) > 1:
            raise ValueError(f"cannot broadcast shapes {shapes}")
        else:
            out.append(static.pop() if static else 1)
    return out
