"""Unsigned graph types -> signless linalg types, applied once the lowering is done.

The graph dialect has ``ui8``/``ui16``/``ui32``/``ui64`` element types; arith (and so linalg
bodies) only takes signless integers. The lowerings build their IR on the ``ui`` values as
they are — ``scalar`` reads the signedness off the type to pick unsigned ops — and
``make_signless`` then rewrites, in place, every ``uiN`` to ``iN`` of the same width: op result
types, block argument types (function arguments, generic bodies), ``TypeAttr`` attributes
(``func.func``'s ``function_type``) and integer / ``dense`` constant attributes (same bits).

``dense_resource`` data cannot be retyped in place, so ``signless_graph_constants`` first turns
the data of every unsigned ``graph.constant`` holding a blob into a ``dense`` attribute (of the
same ``ui`` type, retyped by the sweep like any other).

May import: the MLIR shim, aic.errors, the graph op classes, aic.rewriting and aic.verify.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import ConstantOp
from aic.errors import PassError
from aic.mlir_api import ir
from aic.rewriting import constant_value
from aic.verify import walk

_SIGNED = {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}


def signless_type(t: ir.Type) -> ir.Type:
    """``t`` with every unsigned integer type (also as a tensor/memref element) made signless."""
    t = t.maybe_downcast()
    if isinstance(t, ir.IntegerType):
        return ir.IntegerType.get_signless(t.width) if t.is_unsigned else t
    if isinstance(t, ir.RankedTensorType):
        elem = signless_type(t.element_type)
        if elem == t.element_type:
            return t
        return ir.RankedTensorType.get(list(t.shape), elem, t.encoding)
    if isinstance(t, ir.UnrankedTensorType):
        return ir.UnrankedTensorType.get(signless_type(t.element_type))
    if isinstance(t, ir.MemRefType):
        elem = signless_type(t.element_type)
        if elem == t.element_type:
            return t
        return ir.MemRefType.get(list(t.shape), elem, t.layout, t.memory_space)
    if isinstance(t, ir.FunctionType):
        return ir.FunctionType.get([signless_type(x) for x in t.inputs],
                                   [signless_type(x) for x in t.results])
    return t


def _signless_attr(attr: ir.Attribute) -> ir.Attribute:
    attr = attr.maybe_downcast()
    if isinstance(attr, ir.TypeAttr):
        new = signless_type(attr.value)
        return attr if new == attr.value else ir.TypeAttr.get(new)
    if isinstance(attr, ir.IntegerAttr):
        new = signless_type(attr.type)
        return attr if new == attr.type else ir.IntegerAttr.get(new, attr.value)
    if isinstance(attr, ir.DenseElementsAttr):
        ttype = ir.ShapedType(attr.type)
        new = signless_type(ttype.element_type)
        if new == ttype.element_type:
            return attr
        shaped = ir.RankedTensorType.get(list(ttype.shape), new)
        if attr.is_splat:
            value = ir.IntegerAttr(attr.get_splat_value()).value
            return ir.DenseElementsAttr.get_splat(shaped, ir.IntegerAttr.get(new, value))
        data = np.array(attr).view(_SIGNED[ir.IntegerType(new).width])
        return ir.DenseElementsAttr.get(np.require(data, requirements="C"), type=shaped)
    return attr


def signless_graph_constants(root: ir.Operation) -> None:
    """Give each unsigned ``graph.constant`` holding ``dense_resource`` data a ``dense`` one."""
    for op in [o for o in walk(root) if isinstance(o, ConstantOp)]:
        result = op.operation.results[0]
        ttype = ir.RankedTensorType(result.type)
        attr = op.operation.attributes["value"]
        if signless_type(ttype) == ttype or isinstance(attr.maybe_downcast(),
                                                       ir.DenseElementsAttr):
            continue
        data = constant_value(result)
        if data is None:
            raise PassError(f"cannot read the data of this {ttype} constant", op)
        op.operation.attributes["value"] = ir.DenseElementsAttr.get(
            np.require(data, requirements="C"), type=ttype)


def make_signless(root: ir.Operation) -> None:
    """Rewrite every unsigned integer type in the ops nested in ``root`` to signless, in place."""
    for op in walk(root):
        operation = op.operation
        for result in operation.results:
            new = signless_type(result.type)
            if new != result.type:
                result.set_type(new)
        for region in operation.regions:
            for block in region.blocks:
                for arg in block.arguments:
                    new = signless_type(arg.type)
                    if new != arg.type:
                        arg.set_type(new)
        for name in list(operation.attributes):
            old = operation.attributes[name]
            new = _signless_attr(old)
            if new != old:
                operation.attributes[name] = new
