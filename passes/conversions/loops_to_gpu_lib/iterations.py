"""Iteration spaces of ``aic-convert-loops-to-gpu``: run a loop nest's iterations from a linear
index, and move loop bodies.

An iteration space is a list of trip counts (the innermost, contiguous dim last); a linear
index ``l`` in ``[0, prod(counts))`` is delinearized with the last dim fastest, so consecutive
threads take consecutive innermost iterations (coalesced accesses). An *emitter* is a callable
``emit(ivs)`` that builds one iteration at the current insertion point from its induction
values (one ``index`` per dim): ``parallel_emitter`` moves an ``scf.parallel``'s body there,
``copy_emitter`` writes one element of a ``memref.copy``.

May import the MLIR shim and aic.errors.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import arith, ir, memref, scf


def index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def constant_of(value: ir.Value) -> int | None:
    """The integer of an ``arith.constant`` index value (None for anything else)."""
    owner = value.owner
    op = owner.operation if isinstance(owner, ir.OpView) else owner
    if isinstance(owner, ir.Block) or op.name != "arith.constant":
        return None
    return ir.IntegerAttr(op.attributes["value"]).value


def product(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def delinearize(linear: ir.Value, counts: list[int]) -> list[ir.Value]:
    """Per-dim indices of ``linear`` in a space of ``counts`` (the last dim fastest)."""
    ivs = []
    rest = linear
    for i, count in enumerate(reversed(counts)):
        if count == 1:
            ivs.append(index(0))
            continue
        outer = product(counts[: len(counts) - 1 - i])
        ivs.append(rest if outer == 1 else arith.remui(rest, index(count)))
        rest = arith.divui(rest, index(count))
    return list(reversed(ivs))


def loop_space(op: ir.Operation) -> tuple[list[int], list[int], list[int]]:
    """(lower bounds, steps, trip counts) of an ``scf.parallel`` / ``scf.forall`` with constant
    bounds."""
    if op.name == "scf.forall":
        attrs = op.attributes
        lbs = list(ir.DenseI64ArrayAttr(attrs["staticLowerBound"]))
        ubs = list(ir.DenseI64ArrayAttr(attrs["staticUpperBound"]))
        steps = list(ir.DenseI64ArrayAttr(attrs["staticStep"]))
        if any(v < 0 for v in lbs + ubs + steps):  # dynamic entries are negative sentinels
            raise PassError("scf.forall with dynamic bounds cannot be mapped to blocks", op)
    else:
        rank = len(op.regions[0].blocks[0].arguments)
        values = [constant_of(v) for v in op.operands]
        if None in values:
            raise PassError("scf.parallel with non-constant bounds cannot be mapped to threads",
                            op)
        lbs, ubs, steps = values[:rank], values[rank:2 * rank], values[2 * rank:3 * rank]
    counts = [max(0, -(-(u - lb) // s)) for lb, u, s in zip(lbs, ubs, steps)]
    return lbs, steps, counts


def scaled(ivs: list[ir.Value], lbs: list[int], steps: list[int]) -> list[ir.Value]:
    """``lb + i * step`` per dim (constant folded where trivial)."""
    out = []
    for iv, lb, step in zip(ivs, lbs, steps):
        value = iv if step == 1 else arith.muli(iv, index(step))
        out.append(value if lb == 0 else arith.addi(value, index(lb)))
    return out


def move_body(block: ir.Block, ivs: list[ir.Value]) -> None:
    """Move ``block``'s ops but its terminator (which must have no operands) to the current
    insertion point, its arguments replaced by ``ivs``."""
    ops = list(block.operations)
    terminator = ops[-1].operation
    if len(terminator.operands):
        raise PassError("loops with reductions (scf.reduce operands) cannot be mapped to "
                        "threads", terminator)
    for arg, iv in zip(block.arguments, ivs):
        arg.replace_all_uses_with(iv)
    point = ir.InsertionPoint.current
    for op in ops[:-1]:
        if point.ref_operation is None:
            point.block.append(op.operation)
        else:
            op.operation.move_before(point.ref_operation)


def parallel_emitter(op: ir.Operation):
    """Emit one iteration of ``op`` (``scf.parallel``/``scf.forall``) by moving its body."""
    lbs, steps, counts = loop_space(op)

    def emit(ivs):
        values = scaled(ivs, lbs, steps)
        move_body(op.regions[0].blocks[0], values)

    return counts, emit


def copy_emitter(op: ir.Operation):
    """Emit one element of ``memref.copy %src, %dst``."""
    src, dst = op.operands[0], op.operands[1]
    counts = list(ir.MemRefType(src.type).shape)

    def emit(ivs):
        memref.StoreOp(memref.LoadOp(src, ivs).result, dst, ivs)

    return counts, emit


def strided_loop(start: ir.Value, stop: int, step: int, counts: list[int],
                 emit) -> ir.Operation:
    """``scf.for l = start to stop step step { emit(delinearize(l)) }`` at the insertion point."""
    loop = scf.ForOp(start, index(stop), index(step))
    with ir.InsertionPoint(loop.body):
        emit(delinearize(loop.induction_variable, counts))
        scf.YieldOp([])
    return loop.operation


def guarded(linear: ir.Value, total: int, counts: list[int], emit) -> None:
    """``scf.if linear < total { emit(delinearize(linear)) }`` at the insertion point."""
    inside = arith.cmpi(arith.CmpIPredicate.ult, linear, index(total))
    branch = scf.IfOp(inside)
    with ir.InsertionPoint(branch.then_block):
        emit(delinearize(linear, counts))
        scf.YieldOp([])


def sequentialize(op: ir.Operation) -> None:
    """Replace an ``scf.parallel`` by a nest of ``scf.for`` loops (one thread runs it)."""
    lbs, steps, counts = loop_space(op)
    ivs = []
    with op.location:
        point = ir.InsertionPoint(op)
        for count in counts:
            with point:
                loop = scf.ForOp(index(0), index(count), index(1))
                with ir.InsertionPoint(loop.body):
                    scf.YieldOp([])
            ivs.append(loop.induction_variable)
            point = ir.InsertionPoint(loop.body.operations[0])
        with point:
            values = scaled(ivs, lbs, steps)
            anchor = ir.InsertionPoint.current.ref_operation
        ops = list(op.regions[0].blocks[0].operations)
        for arg, value in zip(op.regions[0].blocks[0].arguments, values):
            arg.replace_all_uses_with(value)
        for child in ops[:-1]:
            child.operation.move_before(anchor)
    op.erase()
