"""``aic-graph-infer-shapes``: replace ``?`` dims of graph results by inferred sizes.

Walks every function in order. For each graph op with inferable result types
(``InferredOp``) whose results have unknown dims, recomputes the types from the operand types
and attributes and fills in the unknown dims (known dims are kept; a conflict is an error).
``graph.fused`` bodies are refined too: block arguments from the op's inputs, the op's
results from the yielded values. Finally each ``func.func`` whose ``func.return`` now returns
more refined types gets those result types in its signature (and ``func.call`` sites of it
get them too; their users are then refined in another round). Idempotent and deterministic;
it never changes a known dim.
"""

from __future__ import annotations

from aic.dialects.graph import FusedOp
from aic.dialects.graph.inference import InferredOp
from aic.dialects.graph.shapes import ShapeError, is_dyn, refine
from aic.errors import PassError
from aic.mlir_api import func, ir
from aic.pass_base import Pass, register_pass
from aic.verify import walk


def _is_dynamic(t: ir.Type) -> bool:
    return isinstance(t.maybe_downcast(), ir.RankedTensorType) and \
        any(is_dyn(d) for d in ir.RankedTensorType(t).shape)


def _refined(old: ir.Type, new: ir.Type, op) -> ir.Type:
    """``old`` with its ``?`` dims taken from ``new`` (both ranked tensors)."""
    if not _is_dynamic(old) or not isinstance(new.maybe_downcast(), ir.RankedTensorType):
        return old
    o, n = ir.RankedTensorType(old), ir.RankedTensorType(new)
    if o.element_type != n.element_type:
        raise PassError(f"result type {old} conflicts with inferred type {new}", op)
    try:
        return ir.RankedTensorType.get(refine(o.shape, n.shape), o.element_type, o.encoding)
    except ShapeError:
        raise PassError(f"result type {old} conflicts with inferred type {new}", op) from None


def _set_types(values, types, op) -> None:
    for v, t in zip(values, types):
        new = _refined(v.type, t, op)
        if new != v.type:
            v.set_type(new)


def _refine_block(block: ir.Block) -> None:
    for op in block.operations:
        if isinstance(op, FusedOp):
            body = op.body.blocks[0]
            _refine_block(body)
            yielded = list(body.operations)[-1].operation.operands
            _set_types(list(op.operation.results), [v.type for v in yielded], op)
            continue
        if isinstance(op, InferredOp) and any(_is_dynamic(r.type) for r in op.operation.results):
            try:
                inferred = op.inferred_types()
            except ShapeError as e:
                raise PassError(f"cannot infer result types: {e}", op) from None
            _set_types(list(op.operation.results), inferred, op)
        for region in op.operation.regions:
            for inner in region.blocks:
                _refine_block(inner)


def _fix_signature(fn: func.FuncOp, module: ir.Operation) -> bool:
    """Refine ``fn``'s result types from its return (and its call sites'); True if changed."""
    returns = [op for block in fn.body.blocks for op in block.operations
               if isinstance(op, func.ReturnOp)]
    if len(returns) != 1:
        return False
    ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
    results = [_refined(old, v.type, fn) for old, v in zip(ftype.results,
                                                            returns[0].operation.operands)]
    if results == list(ftype.results):
        return False
    fn.attributes["function_type"] = ir.TypeAttr.get(ir.FunctionType.get(ftype.inputs, results))
    name = ir.StringAttr(fn.attributes["sym_name"]).value
    for op in walk(module):
        if isinstance(op, func.CallOp) and ir.FlatSymbolRefAttr(op.attributes["callee"]).value == name:
            _set_types(list(op.operation.results), results, op)
    return True


@register_pass
class GraphInferShapes(Pass):
    """Fill in unknown (`?`) dims of graph op results from operand types and attributes.

    No options. Precondition: the IR verifies. Ops whose result type cannot be inferred
    (reshape, expand, resize, cast, slice, one_hot) keep their types. Also refines
    `graph.fused` block arguments/results and function result types.
    """

    NAME = "aic-graph-infer-shapes"

    def run(self, op):
        functions = [f for f in walk(op) if isinstance(f, func.FuncOp)]
        # A refined signature refines call results, which may refine the callers' ops:
        # repeat until signatures settle (each round refines at least one; bounded).
        for _ in range(len(functions) + 1):
            for fn in functions:
                for block in fn.body.blocks:
                    _refine_block(block)
            changed = [_fix_signature(fn, op) for fn in functions]
            if not any(changed):
                break
