"""A (batch) matmul rebuilt on operands of another element type, for ``widen`` and ``pairs``.

``retype(info, element, cast)`` replaces the matmul of ``info`` by the same named matmul of
its operands converted to ``element`` -- a constant converted now (when its data is in the
IR), a run-time operand by an element-wise ``cast`` copy -- into the same init, and returns
the new ops to tile, in order: the copies, then the matmul. The caller has checked that the
conversion is exact for the values involved.
"""

from __future__ import annotations

from aic.dialects.graph.constants import elements_attr, holder_array, numpy_dtype
from aic.mlir_api import arith, ir, linalg, tensor
from aic.passes.conversions.linalg_to_tiled_lib.analysis import BATCH_MATMUL, LinalgInfo
from aic.verify import defining_op


def retype(info: LinalgInfo, element: ir.Type, cast) -> list[ir.Operation]:
    op = info.op.operation
    with ir.InsertionPoint(op), op.location:
        inputs = [converted(v, element, cast) for v in info.inputs]
        # ``analyze`` accepts named matmuls with the default maps only: none to carry over
        build = linalg.batch_matmul if info.name == BATCH_MATMUL else linalg.matmul
        result = build(*inputs, outs=[info.init])
    op.results[0].replace_all_uses_with(result)
    old = [defining_op(v) for v in info.inputs]
    op.erase()
    for o in old:
        if o is not None and o.name == "arith.constant" and not list(o.results[0].uses):
            o.erase()
    copies = [defining_op(v) for v in inputs]
    return [c for c in copies if c is not None and c.name == "linalg.generic"] \
        + [defining_op(result)]


def converted(x: ir.Value, element: ir.Type, cast) -> ir.Value:
    """``x`` as ``element``: a constant converted now, else a ``cast(element, value)`` copy."""
    t = ir.RankedTensorType(x.type)
    target = ir.RankedTensorType.get(t.shape, element)
    op = defining_op(x)
    if op is not None and op.name == "arith.constant":
        array = holder_array(op, x.type)
        if array is not None:
            data = array.astype(numpy_dtype(element))
            return arith.ConstantOp(target, elements_attr(data, target)).result
    identity = ir.AffineMap.get_identity(t.rank)
    out = tensor.EmptyOp(list(t.shape), element).result

    @linalg.generic([x], [out], [identity, identity], [linalg.IteratorType.parallel] * t.rank)
    def result(value, _):
        return cast(element, value)
    return result
