"""``aic-memref-widen-i1``: store booleans as bytes.

MLIR 22's memref-to-LLVM lowering aborts on loads and stores of ``i1`` elements, and numpy
stores ``bool`` as one byte anyway. This pass rewrites every ``memref<...xi1>`` (function
signatures, block arguments, op results, ``memref.global`` types and initial values) to
``memref<...xi8>`` holding 0 or 1; loads are followed by ``arith.trunci`` to ``i1`` and stored
``i1`` values are widened with ``arith.extui``.

Preconditions: bufferized IR lowered to loops (``memref.load``/``memref.store`` or their
affine forms; no linalg or vector ops on ``i1`` buffers remain). Run it after
``convert-linalg-to-loops`` and before ``finalize-memref-to-llvm``.
"""

from __future__ import annotations

import numpy as np

from aic.mlir_api import arith, ir
from aic.pass_base import Pass, register_pass
from aic.verify import walk

_LOADS = ("memref.load", "affine.load")
_STORES = ("memref.store", "affine.store")


def _is_i1(t: ir.Type) -> bool:
    t = t.maybe_downcast()
    return isinstance(t, ir.IntegerType) and t.width == 1


def _widened(t: ir.Type) -> ir.Type | None:
    t = t.maybe_downcast()
    if isinstance(t, ir.MemRefType) and _is_i1(t.element_type):
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
        if isinstance(init, ir.DenseElementsAttr):
            shape = ir.MemRefType(mtype).shape
            data = np.array(init, dtype=np.int8).reshape(shape) if not init.is_splat else \
                np.full(shape, int(bool(init.get_splat_value().value)), np.int8)
            ttype = ir.RankedTensorType.get(shape, ir.IntegerType.get_signless(8))
            op.attributes["initial_value"] = ir.DenseElementsAttr.get(data, type=ttype)


def _fix_load(op: ir.OpView) -> None:
    result = op.operation.results[0]
    if not _is_i1(result.type):
        return
    result.set_type(ir.IntegerType.get_signless(8))
    with ir.InsertionPoint.after(op), op.location:
        narrow = arith.TruncIOp(ir.IntegerType.get_signless(1), result)
    result.replace_all_uses_except(narrow.result, narrow.operation)


def _fix_store(op: ir.OpView) -> None:
    value = op.operation.operands[0]
    if not _is_i1(value.type):
        return
    with ir.InsertionPoint(op), op.location:
        wide = arith.ExtUIOp(ir.IntegerType.get_signless(8), value)
    op.operation.operands[0] = wide.result


@register_pass
class WidenI1(Pass):
    """Rewrite i1 buffers to i8 (loads truncate, stores extend); see the module docstring."""

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
