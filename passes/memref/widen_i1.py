"""``aic-memref-widen-i1``: store booleans (and the other sub-byte types) as bytes.

MLIR 22's memref-to-LLVM lowering aborts on loads and stores of ``i1`` elements, and numpy
stores ``bool`` as one byte anyway. This pass rewrites every ``memref<...xi1>`` (function
signatures, block arguments, op results, ``memref.global`` types and initial values) to
``memref<...xi8>`` holding 0 or 1; loads are followed by ``arith.trunci`` to ``i1`` and stored
``i1`` values are widened with ``arith.extui``.

The other sub-byte element types, ``i2``, ``i4`` and ``f4E2M1FN``, are widened the same way
(LLVM would store them one per byte but pack them in vectors; ``ml_dtypes`` stores one per
byte): the byte holds the value's bits zero-extended (``-1 : i4`` is ``0x0F``, as
``ml_dtypes`` writes it), loads keep only the low bits, and ``f4E2M1FN`` goes through
``arith.bitcast`` to ``i4``.

Preconditions: bufferized IR lowered to loops (``memref.load``/``memref.store`` or their
affine forms; no linalg or vector ops on ``i1`` buffers remain). Run it after
``convert-linalg-to-loops`` and before ``finalize-memref-to-llvm``.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph.constants import numpy_dtype, resource_array
from aic.dsl.dtypes import dense_array
from aic.errors import PassError
from aic.mlir_api import arith, ir
from aic.pass_base import Pass, register_pass
from aic.verify import walk

_LOADS = ("memref.load", "affine.load")
_STORES = ("memref.store", "affine.store")


def _narrow_bits(t: ir.Type) -> int | None:
    """The width of a sub-byte element type (``i1``, ``i2``, ``i4``, ``f4E2M1FN``), else None."""
    t = t.maybe_downcast()
    if isinstance(t, ir.IntegerType) and t.width < 8:
        return t.width
    return 4 if isinstance(t, ir.Float4E2M1FNType) else None


def _is_narrow(t: ir.Type) -> bool:
    return _narrow_bits(t) is not None


def _widened(t: ir.Type) -> ir.Type | None:
    t = t.maybe_downcast()
    if isinstance(t, ir.MemRefType) and _is_narrow(t.element_type):
        return ir.MemRefType.get(t.shape, ir.IntegerType.get_signless(8), t.layout,
                                 t.memory_space)
    return None


def _widen_values(values) -> None:
    for v in values:
        new = _widened(v.type)
        if new is not None:
            v.set_type(new)


def _widen_function_type(op: ir.OpView) -> None:
    ftype = ir.FunctionType(ir.TypeAttr(op.attributes["function_type"]).value)
    inputs = [_widened(t) or t for t in ftype.inputs]
    results = [_widened(t) or t for t in ftype.results]
    op.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(inputs, results))


def _widen_global(op: ir.OpView) -> None:
    mtype = _widened(ir.TypeAttr(op.attributes["type"]).value)
    if mtype is None:
        return
    op.attributes["type"] = ir.TypeAttr.get(mtype)
    if "initial_value" in op.attributes:
        init = op.attributes["initial_value"].maybe_downcast()
        shape = ir.MemRefType(mtype).shape
        if isinstance(init, ir.DenseElementsAttr):
            data = _bytes_of(init).reshape(shape)
        else:  # a dense_resource blob (sub-byte weights): one element per byte already
            data = _resource_bytes(op, init).reshape(shape)
        ttype = ir.RankedTensorType.get(shape, ir.IntegerType.get_signless(8))
        op.attributes["initial_value"] = ir.DenseElementsAttr.get(data, type=ttype)


def _resource_bytes(op: ir.OpView, init: ir.Attribute) -> np.ndarray:
    element = ir.ShapedType(init.type).element_type
    data = resource_array(op, numpy_dtype(element), key="initial_value")
    if data is None:
        raise PassError(f"cannot read the initial value of a memref.global of {element}", op)
    return data.view(np.uint8) & ((1 << _narrow_bits(element)) - 1)


def _bytes_of(init: ir.DenseElementsAttr) -> np.ndarray:
    """The elements of a sub-byte ``init`` as zero-extended bytes (flat)."""
    t = ir.ShapedType(init.type)
    if t.element_type.maybe_downcast() == ir.IntegerType.get_signless(1):
        if init.is_splat:
            return np.full(t.shape, int(bool(init.get_splat_value().value)), np.int8)
        return np.array(init, dtype=np.int8)
    bits = _narrow_bits(t.element_type)
    return (dense_array(init).reshape(-1).view(np.uint8) & ((1 << bits) - 1)).astype(np.int8)


def _fix_load(op: ir.OpView) -> None:
    result = op.operation.results[0]
    narrow_t = result.type
    bits = _narrow_bits(narrow_t)
    if bits is None:
        return
    result.set_type(ir.IntegerType.get_signless(8))
    with ir.InsertionPoint.after(op), op.location:
        first = narrow = arith.TruncIOp(ir.IntegerType.get_signless(bits), result)
        if narrow.result.type != narrow_t:
            narrow = arith.BitcastOp(narrow_t, narrow.result)
    result.replace_all_uses_except(narrow.result, first.operation)


def _fix_store(op: ir.OpView) -> None:
    value = op.operation.operands[0]
    bits = _narrow_bits(value.type)
    if bits is None:
        return
    with ir.InsertionPoint(op), op.location:
        if not isinstance(value.type.maybe_downcast(), ir.IntegerType):
            value = arith.BitcastOp(ir.IntegerType.get_signless(bits), value).result
        wide = arith.ExtUIOp(ir.IntegerType.get_signless(8), value)
    op.operation.operands[0] = wide.result


@register_pass
class WidenI1(Pass):
    """i1, i2, i4, f4E2M1FN buffers -> i8 (loads truncate, stores extend); see the module."""

    NAME = "aic-memref-widen-i1"

    def run(self, op):
        for child in list(walk(op)):
            name = child.operation.name
            if name == "func.func":
                _widen_function_type(child)
            elif name == "memref.global":
                _widen_global(child)
            for region in child.operation.regions:
                for block in region.blocks:
                    _widen_values(block.arguments)
            _widen_values(child.operation.results)
            if name in _LOADS:
                _fix_load(child)
            elif name in _STORES:
                _fix_store(child)
