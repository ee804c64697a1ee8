"""The dynamic dims of the results of the graph op being lowered, before it is replaced.

A lowering cannot read them from the results (``tensor.dim`` of a value it is about to
replace). They come from the op's ``aic.dims`` names (the importer writes the ONNX dim name of
each dynamic dim; names resolve to ``@main``'s arguments), else, for elementwise ops, from the
operand that has the dim (numpy broadcasting: a dynamic dim never broadcasts). A dim found
neither way is ``None``: ``dims.shape_of`` of that result raises ``DynamicDimError``.

May import: the MLIR shim, the graph dialect and the other lowering helpers.
"""

from __future__ import annotations

from aic.dialects.graph import ops_elementwise
from aic.dialects.graph.inference import InferredOp
from aic.mlir_api import ir
from aic.passes.conversions.graph_to_linalg_lib import dims


def result_dims(op: ir.OpView) -> dict:
    """Result value -> its shape (ints and ``Dim``), or None where a dynamic dim is unknown."""
    found = {}
    for result in op.operation.results:
        t = ir.RankedTensorType(result.type)
        if not t.has_static_shape:
            found[result] = _shape(op, result, t)
    return found


def _shape(op: ir.OpView, result: ir.Value, t: ir.RankedTensorType) -> list | None:
    names = dims.names_of(result) or [""] * t.rank
    table = dims.named_dims(result) if any(names) else {}
    inferred = None
    out = []
    for axis in range(t.rank):
        if not t.is_dynamic_dim(axis):
            out.append(t.shape[axis])
            continue
        dim = dims.dim_of_name(names[axis], table) if names[axis] else None
        if dim is None:
            inferred = inferred or _inferred(op, result)
            dim = inferred[axis] if inferred and dims.is_dim(inferred[axis]) else None
        dim = dim or _from_operands(op, axis, t.rank)
        if dim is None:
            return None
        out.append(dim)
    return out


def _inferred(op: ir.OpView, result: ir.Value) -> list | None:
    """The op's own shape rule (``InferredOp.infer``) run on operand shapes holding ``Dim``s."""
    if not isinstance(op, InferredOp):
        return None
    try:
        shape = op.inferred_shape(result.result_number, dims.shape_of)
    except (ValueError, TypeError):  # ShapeError, DynamicDimError: no answer
        return None
    return shape if len(shape) == ir.RankedTensorType(result.type).rank else None


def _from_operands(op: ir.OpView, axis: int, rank: int):
    """Elementwise ops: the dynamic dim of an operand aligned (right) with ``axis``."""
    if type(op).__module__ != ops_elementwise.__name__:
        return None
    for operand in op.operation.operands:
        t = ir.RankedTensorType(operand.type)
        at = axis - (rank - t.rank)
        if at >= 0 and t.is_dynamic_dim(at):
            return dims.shape_of(operand)[at]
    return None
