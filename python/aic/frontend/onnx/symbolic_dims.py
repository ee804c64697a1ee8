"""The symbolic dims of a value the importer just built.

ONNX's shape inference names dynamic dims well through elementwise ops and MatMul but gives
up (``unk__3``) after broadcasts with sliced buffers, Concat and friends. aic knows better: a
graph op's own shape rule (``InferredOp.infer``, the rules of ``aic.dialects.graph.shapes``)
runs on operand shapes holding ``symbolic.Sym`` dims, and the handlers of ops without a rule
(Reshape, Slice, Expand) record the dims they computed as ``aic.dims`` themselves.

May import: the MLIR shim, the graph dialect and the frontend's ``symbolic``.
"""

from __future__ import annotations

from typing import Callable

from aic.dialects.graph.inference import InferredOp
from aic.dialects.graph.shapes import DYN
from aic.frontend.onnx import symbolic
from aic.mlir_api import ir

DIMS_ATTR = "aic.dims"


def dims_of_result(value: ir.Value, dims_of: Callable[[ir.Value], list]) -> list:
    """Dims of ``value`` (ints, Sym, None where unknown); ``dims_of`` gives an operand's."""
    t = ir.RankedTensorType(value.type)
    if t.has_static_shape:
        return list(t.shape)
    fallback = [None if t.is_dynamic_dim(i) else t.shape[i] for i in range(t.rank)]
    owner = value.owner
    if isinstance(owner, ir.Block):
        return dims_of(value)
    op = owner.operation
    if DIMS_ATTR in op.attributes:
        names = [ir.StringAttr(a).value for a in ir.ArrayAttr(op.attributes[DIMS_ATTR])]
        return [symbolic.Sym.parse(n) if n else d for n, d in zip(names, fallback)]
    view = owner if isinstance(owner, InferredOp) else op.opview
    if not isinstance(view, InferredOp):
        return fallback
    inferred = _inferred(view, value, dims_of)
    if inferred is None:
        return fallback
    return [d if isinstance(d, symbolic.Sym) else f for d, f in zip(inferred, fallback)]


def _inferred(op: InferredOp, value: ir.Value, dims_of) -> list | None:
    def shape_of(v):
        return [DYN if d is None else d for d in dims_of(v)]
    try:
        shape = op.inferred_shape(value.result_number, shape_of)
    except (ValueError, TypeError):  # ShapeError, symbolic.NotSymbolic: no answer
        return None
    return shape if len(shape) == ir.RankedTensorType(value.type).rank else None
