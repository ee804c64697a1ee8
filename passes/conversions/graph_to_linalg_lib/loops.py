"""Scalar loops on tensors for the lowerings that are sequential by nature (non-max
suppression's greedy choice, unique's first occurrences): ``scf.for`` / ``scf.if`` carrying
tensors and index values, ``tensor.extract`` / ``tensor.insert`` of single elements.

The loops stay in the linalg-level IR as they are (no kernel is formed from them); one-shot
bufferization updates the carried tensors in place.

May import: the MLIR shim and ``dims``.
"""

from __future__ import annotations

from typing import Callable, Sequence

from aic.mlir_api import arith, ir, linalg, scf, tensor
from aic.passes.conversions.graph_to_linalg_lib import dims


def index(value) -> ir.Value:
    """An index value from an int (a constant) or an index value (itself)."""
    return dims.index(value) if isinstance(value, int) else value


def loop(lo, hi, carried: Sequence[ir.Value], body: Callable) -> list[ir.Value]:
    """``scf.for i in [lo, hi)`` carrying ``carried``; ``body(i, *carried)`` returns the values
    carried to the next iteration. Returns the final values."""
    op = scf.ForOp(index(lo), index(hi), dims.index(1), list(carried))
    with ir.InsertionPoint(op.body):
        scf.YieldOp(list(body(op.induction_variable, *op.inner_iter_args)))
    return list(op.results)


def when(cond: ir.Value, values: Sequence[ir.Value], then: Callable) -> list[ir.Value]:
    """``then(*values)`` where ``cond`` holds, else ``values`` unchanged (an ``scf.if``)."""
    op = scf.IfOp(cond, [v.type for v in values], has_else=True)
    with ir.InsertionPoint(op.then_block):
        scf.YieldOp(list(then(*values)))
    with ir.InsertionPoint(op.else_block):
        scf.YieldOp(list(values))
    return list(op.results)


def get(t: ir.Value, *at) -> ir.Value:
    """``t[at]`` (ints or index values)."""
    return tensor.extract(t, [index(i) for i in at])


def put(value: ir.Value, t: ir.Value, *at) -> ir.Value:
    """``t`` with ``t[at] = value``."""
    return tensor.insert(value, t, [index(i) for i in at])


def to_i64(i: ir.Value) -> ir.Value:
    return arith.index_cast(ir.IntegerType.get_signless(64), i)


def to_index(v: ir.Value) -> ir.Value:
    return arith.index_cast(ir.IndexType.get(), v)


def flag(value: bool) -> ir.Value:
    return arith.constant(ir.IntegerType.get_signless(1), int(value))


def both(a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.andi(a, b)


def negate(a: ir.Value) -> ir.Value:
    return arith.xori(a, flag(True))


def icmp(predicate: str, a: ir.Value, b: ir.Value) -> ir.Value:
    """Signed compare of index (or integer) values: ``eq ne slt sle sgt sge ult``."""
    return arith.cmpi(getattr(arith.CmpIPredicate, predicate), a, b)


def delinearize(linear: ir.Value, shape: Sequence[int]) -> list[ir.Value]:
    """The row-major coordinates in ``shape`` of the linear index ``linear``."""
    coords = []
    for d in reversed(shape):
        coords.append(arith.remui(linear, dims.index(d)) if d != 1 else dims.index(0))
        linear = arith.divui(linear, dims.index(d)) if d != 1 else linear
    return coords[::-1]


def leading(t: ir.Value, axis: int, count: ir.Value) -> ir.Value:
    """The first ``count`` (index) entries of ``t`` along ``axis``: a dynamic-size
    ``tensor.extract_slice`` (copied to a dense tensor where it is strided: the runtime hands
    results over as dense arrays)."""
    rt = ir.RankedTensorType(t.type)
    sizes = list(rt.shape)
    sizes[axis] = ir.ShapedType.get_dynamic_size()
    result = ir.RankedTensorType.get(sizes, rt.element_type)
    part = tensor.extract_slice(result, t, [], [count], [], [0] * rt.rank, sizes,
                                [1] * rt.rank)
    if all(d == 1 for d in rt.shape[:axis]):
        return part  # contiguous: the buffer's leading rows
    mixed = [count if i == axis else d for i, d in enumerate(rt.shape)]
    dense = tensor.EmptyOp(mixed, rt.element_type).result  # strided: copied
    return linalg.copy(part, outs=[dense])
