"""Type inference for graph ops: the bridge between MLIR types and the rules in ``shapes``.

``InferredOp`` is the base of every graph op whose result types follow from its operand types
and attributes. A subclass defines ``infer(ins, attrs)``: ``ins`` holds one entry per operand
field (a ``TensorInfo``, ``None`` for an absent optional operand, a list for a variadic one),
``attrs`` the attribute values as Python values (defaults applied); it returns one
``(shape, element type)`` per result and raises ``ShapeError`` on inconsistent operands. From
that the base class provides ``infer_result_types`` (so builders may omit result types) and
``verify`` (the rule's checks, plus: every result type is compatible with the inferred one,
``?`` allowed on either side). ``extra_verify`` adds checks that do not shape the result.

This module may import only the MLIR shim, ``aic.dsl`` and ``shapes``.
"""

from __future__ import annotations

from typing import NamedTuple

from aic.dialects.graph import shapes
from aic.dialects.graph.shapes import ShapeError
from aic.dsl import AicOp
from aic.mlir_api import ir


class TensorInfo(NamedTuple):
    shape: list[int]
    element: ir.Type


def _value(v) -> ir.Value:
    if isinstance(v, (ir.OpView, ir.Operation)):
        return v.result
    return v


def info(v) -> TensorInfo | list | None:
    """The shape and element type of a (ranked tensor) value, a list of them, or None."""
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        return [info(x) for x in v]
    t = ir.RankedTensorType(_value(v).type)
    return TensorInfo(list(t.shape), t.element_type)


def tensor_type(shape, element: ir.Type) -> ir.RankedTensorType:
    return ir.RankedTensorType.get([shapes.DYN if shapes.is_dyn(d) else d for d in shape],
                                   element)


def i1() -> ir.Type:
    return ir.IntegerType.get_signless(1)


def i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def is_float(t: ir.Type) -> bool:
    return str(t) in ("f16", "bf16", "f32", "f64")


def same_element(*infos: TensorInfo | None, what: str = "operands") -> ir.Type:
    """The common element type of ``infos`` (Nones skipped), else ``ShapeError``."""
    present = [i for i in infos if i is not None]
    names = [str(i.element) for i in present]
    if len(set(names)) > 1:
        raise ShapeError(f"expects {what} of one element type, got {', '.join(names)}")
    return present[0].element


def types_compatible(actual: ir.Type, expected: ir.Type) -> bool:
    """Same element type and rank; each dim equal or ``?`` on either side."""
    a, e = ir.RankedTensorType(actual), ir.RankedTensorType(expected)
    return a.element_type == e.element_type and shapes.compatible(a.shape, e.shape)


def attribute_dict(op: AicOp) -> dict[str, ir.Attribute]:
    attrs = op.operation.attributes
    return {a.name: attrs[a.name] for a in op.DEF.attributes if a.name in attrs}


class InferredOp(AicOp):
    """Base of graph ops with inferable result types (see the module docstring)."""

    @staticmethod
    def infer(ins: list, attrs: dict) -> list[tuple[list[int], ir.Type]]:
        raise NotImplementedError

    @classmethod
    def infer_result_types(cls, operands: list, attributes: dict) -> list[ir.Type]:
        attrs = {a.name: a.constraint.value(attributes[a.name])
                 for a in cls.DEF.attributes if a.name in attributes}
        return [tensor_type(s, e) for s, e in cls.infer([info(o) for o in operands], attrs)]

    def inferred_shape(self, result: int, shape_of) -> list:
        """Result ``result``'s shape by this op's rule, run on operand shapes from
        ``shape_of(value)`` -- whatever stands for a dim there (ints, or symbolic dims that
        answer the rule's arithmetic and comparisons). Raises what the rule raises."""
        def info(group):
            if group is None:
                return None
            if isinstance(group, (list, tuple)):
                return [info(g) for g in group]
            return TensorInfo(shape_of(group), ir.RankedTensorType(group.type).element_type)
        attrs = {a.name: a.constraint.value(self.operation.attributes[a.name])
                 for a in self.DEF.attributes if a.name in self.operation.attributes}
        return list(self.infer([info(g) for g in self._group_operands()], attrs)[result][0])

    def inferred_types(self) -> list[ir.Type]:
        """The result types implied by this op's operands and attributes (or ShapeError)."""
        return self.infer_result_types(self._group_operands(), attribute_dict(self))

    def extra_verify(self) -> str | None:
        return None

    def verify(self) -> str | None:
        try:
            expected = self.inferred_types()
        except ShapeError as e:
            return str(e)
        results = list(self.operation.results)
        if len(results) != len(expected):
            return f"expects {len(expected)} results, got {len(results)}"
        for i, (r, t) in enumerate(zip(results, expected)):
            if not types_compatible(r.type, t):
                return f"expects result #{i} of type {t} (? allowed), got {r.type}"
        return self.extra_verify()

