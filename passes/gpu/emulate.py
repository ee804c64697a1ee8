"""``aic-gpu-emulate``: run CUDA-mapped code (``gpu.launch``) on the CPU, phase by phase.

Precondition: each `gpu.launch` (constant grid and block sizes) has a body that is a sequence of
thread phases separated by `gpu.barrier`, as `aic-convert-loops-to-gpu` makes it: barriers
only at the top of the body or inside `scf.for`/`scf.if` whose operands do not depend on the
thread. No values computed per thread flow from one phase into another.

Recipe, per launch:
* the grid becomes `scf.for` loops over the block ids (z, y, x; one loop per dim > 1), run
  in order;
* each workgroup attribution (shared memory) becomes one `memref.alloc` in the default
  memory space before the block loops (a block's shared memory: blocks run one after the
  other), deallocated after them;
* the body is cut at its barriers; in each piece, the ops that read or write memory or depend
  on the thread id (transitively) move, in order, into one `scf.for %t = 0 to threads` loop
  (the thread id delinearized x fastest); thread-independent pure ops (index arithmetic,
  subviews) stay before it, run once per block. A barrier becomes the end of one thread loop
  and the start of the next, so every thread finishes a phase before any starts the next:
  shared-memory staging, missing barriers and wrong indices show up as wrong numbers.
* `scf.for`/`scf.if` holding barriers stay (uniform control flow) with their bodies cut the same
  way; one whose operands depend on the thread is an error (a barrier under divergent control
  flow is undefined behaviour on a GPU).

Afterwards no gpu op remains; the CPU lowering (TO_LLVM) finishes the job.
"""

from __future__ import annotations

from aic import timing
from aic.errors import PassError
from aic.mlir_api import ir, memref, scf
from aic.pass_base import Pass, register_pass
from aic.passes.conversions.loops_to_gpu_lib import iterations as it
from aic.passes.conversions.loops_to_gpu_lib.shared import retype
from aic.verify import user_op, walk

UNIFORM_PREFIXES = ("arith.", "math.", "index.", "affine.apply", "ub.")
UNIFORM = frozenset({"memref.subview", "memref.cast", "memref.expand_shape",
                     "memref.collapse_shape", "memref.reinterpret_cast", "memref.dim",
                     "memref.get_global", "memref.extract_strided_metadata"})


@register_pass
class GpuEmulate(Pass):
    """Run gpu.launch bodies on the CPU: block loops, one sequential thread loop per phase."""

    NAME = "aic-gpu-emulate"

    def run(self, op):
        launches = [c.operation for c in walk(op) if c.operation.name == "gpu.launch"]
        for launch in timing.counted(launches, "kernels"):
            _emulate(launch)


def _sizes(launch: ir.Operation, first: int) -> list[int]:
    values = [it.constant_of(launch.operands[first + i]) for i in range(3)]
    if None in values:
        raise PassError("gpu.launch with non-constant grid or block sizes cannot be emulated",
                        launch)
    return values


def _emulate(launch: ir.Operation) -> None:
    async_deps = len(launch.operands) - 6
    grid, block = _sizes(launch, async_deps), _sizes(launch, async_deps + 3)
    body = launch.regions[0].blocks[0]
    args = list(body.arguments)
    with ir.InsertionPoint(launch), launch.location:
        buffers = _shared_buffers(args[12:])
        ivs, inner = _block_loops(grid)
        for arg, value in zip(args[6:12], [*grid, *block]):
            arg.replace_all_uses_with(it.index(value))
    for arg, iv in zip(args[:3], ivs):
        arg.replace_all_uses_with(iv)
    _split_shared(body, args[3:6])
    anchor = list(inner.operations)[-1].operation
    ops = list(body.operations)
    for child in ops[:-1]:  # all but gpu.terminator
        child.operation.move_before(anchor)
    _serialize(inner, args[3:6], block)
    with ir.InsertionPoint.after(launch), launch.location:
        for buffer in buffers:
            memref.DeallocOp(buffer)
    launch.erase()


def _shared_buffers(attributions) -> list[ir.Value]:
    buffers = []
    for arg in attributions:
        retype(arg, None)
        buffer = memref.AllocOp(arg.type, [], []).result
        arg.replace_all_uses_with(buffer)
        buffers.append(buffer)
    return buffers


def _block_loops(grid: list[int]) -> tuple[list[ir.Value], ir.Block]:
    """``scf.for`` loops over the block ids (z outermost); (ids x, y, z; innermost body)."""
    ids = [it.index(0)] * 3
    block = None
    for dim in (2, 1, 0):
        if grid[dim] == 1:
            continue
        point = ir.InsertionPoint(list(block.operations)[-1]) if block else None
        with point or ir.InsertionPoint.current:
            loop = scf.ForOp(it.index(0), it.index(grid[dim]), it.index(1))
            with ir.InsertionPoint(loop.body):
                scf.YieldOp([])
        ids[dim], block = loop.induction_variable, loop.body
    if block is None:  # a one-block grid: a one-trip loop keeps the body in a block of its own
        loop = scf.ForOp(it.index(0), it.index(1), it.index(1))
        with ir.InsertionPoint(loop.body):
            scf.YieldOp([])
        block = loop.body
    return ids, block


def _holds_barrier(op: ir.Operation) -> bool:
    return any(c.operation.name == "gpu.barrier" for c in walk(op))


def _serialize(block: ir.Block, tids: list[ir.Value], sizes: list[int]) -> None:
    """Cut ``block`` at its barriers; each piece's per-thread ops into one thread loop."""
    piece: list[ir.Operation] = []
    for op in list(block.operations)[:-1]:  # not the block's terminator
        op = op.operation
        if op.name == "gpu.barrier" or (op.regions and _holds_barrier(op)):
            _thread_loop(piece, tids, sizes, before=op)
            piece = []
            if op.name == "gpu.barrier":
                op.erase()
                continue
            if any(value in tids for value in op.operands):
                raise PassError("a barrier under thread-dependent control flow", op)
            for region in op.regions:
                for inner in region.blocks:
                    _serialize(inner, tids, sizes)
        else:
            piece.append(op)
    _thread_loop(piece, tids, sizes, before=list(block.operations)[-1].operation)


def _varying_operands(op: ir.Operation, varying, inside) -> bool:
    """Whether ``op`` (or an op nested in it) uses a thread id or a per-thread value defined
    outside ``op``."""
    for child in [op, *[c.operation for c in walk(op)]]:
        for value in child.operands:
            if value in varying:
                return True
    return False


def _thread_loop(piece: list[ir.Operation], tids, sizes, before: ir.Operation) -> None:
    varying = list(tids)
    moving = []
    for op in piece:
        if not _is_pure(op) or _varying_operands(op, varying, None):
            moving.append(op)
            varying.extend(op.results)
    if not moving:
        return
    with ir.InsertionPoint(before), before.location:
        loop = scf.ForOp(it.index(0), it.index(sizes[0] * sizes[1] * sizes[2]), it.index(1))
        with ir.InsertionPoint(loop.body):
            ids = it.delinearize(loop.induction_variable, [sizes[2], sizes[1], sizes[0]])
            terminator = scf.YieldOp([])
    for op in moving:
        op.move_before(terminator)
    _check_no_escape(moving, loop.operation)
    for tid, value in zip(tids, reversed(ids)):
        for use in list(tid.uses):
            owner = user_op(use)
            if _inside(owner, loop.operation):
                owner.operands[use.operand_number] = value


def _inside(op: ir.Operation, ancestor: ir.Operation) -> bool:
    while op is not None:
        if op == ancestor:
            return True
        op = op.parent if op.name != "builtin.module" else None
    return False


def _is_pure(op: ir.Operation) -> bool:
    return op.name in UNIFORM or op.name.startswith(UNIFORM_PREFIXES)


def _split_shared(body: ir.Block, tids) -> None:
    """Give every user of a pure thread-dependent value its own copy of it (``tid == 0``
    that CSE shared between two phases), so no per-thread value crosses a barrier."""
    dependent = []
    values = list(tids)
    for child in walk(_parent_of(body)):
        child = child.operation
        if _is_pure(child) and not child.regions and any(v in values for v in child.operands):
            dependent.append(child)
            values.extend(child.results)
    for op in reversed(dependent):
        for result in op.results:
            for use in list(result.uses):
                user = user_op(use)
                clone = _clone_chain(op, user, dependent)
                user.operands[use.operand_number] = clone.results[result.result_number]


def _parent_of(block: ir.Block) -> ir.Operation:
    return block.owner.operation if isinstance(block.owner, ir.OpView) else block.owner


def _clone_chain(op: ir.Operation, before: ir.Operation, dependent) -> ir.Operation:
    """Clone ``op`` before ``before``, with its thread-dependent pure operands cloned too."""
    clone = op.clone(ip=ir.InsertionPoint(before))
    for i, value in enumerate(list(op.operands)):
        producer = value.owner
        producer = producer.operation if isinstance(producer, ir.OpView) else producer
        if isinstance(producer, ir.Operation) and producer in dependent:
            copied = _clone_chain(producer, clone, dependent)
            clone.operands[i] = copied.results[value.result_number]
    return clone


def _check_no_escape(moved: list[ir.Operation], loop: ir.Operation) -> None:
    for op in moved:
        for result in op.results:
            for use in result.uses:
                if not _inside(user_op(use), loop):
                    raise PassError("a per-thread value is used across a barrier (no CUDA "
                                    "semantics to emulate)", op)
