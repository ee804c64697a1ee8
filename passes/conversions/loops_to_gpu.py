"""``aic-convert-loops-to-gpu``: map a bufferized CUDA program onto blocks and threads.

Precondition: bufferized functions (memrefs) as the CUDA `gpu` stage makes them from `hw`:
each kernel's block tiles are one `scf.forall` (a `hw.parallel` with `block_*` mapping), the
tile's work inside it `scf.parallel` loops (linalg ops after
`convert-linalg-to-parallel-loops`), `memref.copy`s, scalar code and `scf.for` reduction loops;
ops outside any forall (fills, copies, untiled linalg) are `scf.parallel` loops or copies of
their own. Loop bounds are constants.

Recipe:
* `scf.forall` -> one `gpu.launch`: a 1-D grid of its tiles (the tile index delinearized, the
  last forall dim fastest), `threads` threads per block. The block body becomes a sequence of
  thread phases separated by `gpu.barrier` (what `aic-gpu-emulate` relies on):
  - an `scf.parallel`, a nested `scf.forall` (a `hw.parallel` with `thread_*`/`warp`
    mapping, e.g. the mma path's) or a `memref.copy` is a phase: thread `t` runs iterations
    `t, t + threads, ...` of the linearized iteration space, innermost dim fastest, so
    consecutive threads touch consecutive addresses (coalesced); a nested `scf.parallel`
    runs sequentially in its thread. A block holding nested `scf.forall`s gets as many
    threads as their iterations (the most of them, at most `max_threads`), so iteration `i`
    of such a loop is thread `i`;
  - other writes (a scalar reduction loop) run on thread 0 only, then a barrier;
  - `scf.for`/`scf.if` holding phases stay uniform control flow around them;
  - tile-local buffers (a `memref.alloc` inside the forall: tile temporaries, and the
    lowered `hw.shared_alloc`s) become workgroup (shared) memory attributions of the launch,
    their deallocs go; more than `min(smem, 48 KiB)` (static shared memory) is an error.
* `scf.parallel` / `memref.copy` outside any forall -> a `gpu.launch` of `ceil(n / threads)`
  blocks, one iteration per thread (guarded by `l < n`).
* other host ops that write memory (a whole-tensor reduction loop) -> a 1 x 1 launch.
* functions the module's functions call (the deallocation pipeline's `dealloc_helper`:
  ownership bookkeeping on host pointers) and the calls to them stay host code.

Options: `threads` — threads per block (0: 256, at most the target's `max_threads`).
A missing or CPU `hw.target` means `cuda-sm80`.
"""

from __future__ import annotations

from aic import targets, timing
from aic.dialects.hw import enclosing_target
from aic.errors import PassError
from aic.mlir_api import arith, gpu, ir, scf
from aic.pass_base import Pass, option, register_pass
from aic.passes.conversions.loops_to_gpu_lib import iterations as it
from aic.passes.conversions.loops_to_gpu_lib.shared import promote_to_workgroup
from aic.verify import walk

WRITES = frozenset({"memref.store", "memref.copy", "memref.atomic_rmw", "vector.store",
                    "vector.transfer_write", "vector.maskedstore", "func.call", "llvm.call",
                    "llvm.store"})
ALLOCS = frozenset({"memref.alloc", "memref.alloca"})
PHASES = frozenset({"scf.parallel", "memref.copy"})
BLOCK_PHASES = PHASES | {"scf.forall"}
STATIC_SMEM = 48 * 1024
"""Static shared memory per block (more needs dynamic shared memory, which aic does not use)."""


@register_pass
class ConvertLoopsToGpu(Pass):
    """Map scf.forall tiles to gpu.launch blocks and scf.parallel phases to threads."""

    NAME = "aic-convert-loops-to-gpu"
    threads: int = option(0, "threads per block (0: 256, capped by the target's max_threads)")

    def run(self, op):
        try:
            target = enclosing_target(op)
        except ValueError as e:
            raise PassError(f"invalid hw.target: {e}", op) from None
        if target is None or target.kind != "cuda":
            target = targets.resolve("cuda-sm80")
        threads = self.threads or min(256, target.max_threads)
        if threads > target.max_threads:
            raise PassError(f"threads={threads} is over the target's max_threads "
                            f"{target.max_threads}", op)
        budget = min(target.smem, STATIC_SMEM)
        funcs = [f for f in walk(op) if f.operation.name == "func.func" and f.regions[0].blocks]
        helpers = _helpers(op, funcs)
        for f in funcs:
            if ir.StringAttr(f.attributes["sym_name"]).value not in helpers:
                _map_host_block(f.regions[0].blocks[0], threads, budget, target.max_threads,
                                helpers)


def _helpers(op: ir.Operation, funcs) -> frozenset[str]:
    """Functions of the module that other functions call (the deallocation pipeline's
    ``dealloc_helper``: ownership bookkeeping on host pointers): they and the calls to them
    stay host code."""
    defined = {ir.StringAttr(f.attributes["sym_name"]).value for f in funcs}
    called = {ir.FlatSymbolRefAttr(c.attributes["callee"]).value for c in walk(op)
              if c.operation.name == "func.call"}
    return frozenset(defined & called)


def _host_only(op: ir.Operation, helpers: frozenset[str]) -> bool:
    """``op`` writes memory only through calls of host helpers."""
    ops = [op, *(c.operation for c in walk(op))]
    writes = [o for o in ops if o.name in WRITES]
    return bool(writes) and all(
        o.name == "func.call" and ir.FlatSymbolRefAttr(o.attributes["callee"]).value in helpers
        for o in writes)


def _block_threads(forall: ir.Operation, default: int, max_threads: int) -> int:
    """Threads of a tile kernel: the iterations of its thread-mapped foralls, else default."""
    counts = [it.product(it.loop_space(c.operation)[2]) for c in walk(forall)
              if c.operation.name == "scf.forall"]
    if not counts:
        return default
    if max(counts) > max_threads:
        raise PassError(f"a thread-mapped loop of {max(counts)} iterations is over the "
                        f"target's max_threads {max_threads}", forall)
    return max(counts)


def _map_host_block(block: ir.Block, threads: int, budget: int, max_threads: int,
                    helpers: frozenset[str] = frozenset()) -> None:
    for op in timing.counted(list(block.operations), "host ops"):
        op = op.operation
        name = op.name
        if _host_only(op, helpers):
            continue
        if name == "scf.forall":
            _launch_tiles(op, _block_threads(op, threads, max_threads), budget)
        elif name in PHASES:
            _launch_elements(op, threads)
        elif name in ("scf.for", "scf.if") and _holds(op, PHASES | {"scf.forall"}):
            for region in op.regions:
                for inner in region.blocks:
                    _map_host_block(inner, threads, budget, max_threads, helpers)
        elif name not in ("memref.dealloc",) and _holds_self(op, WRITES):
            _launch_single(op)


def _holds(op: ir.Operation, names) -> bool:
    return any(child.operation.name in names for child in walk(op))


def _holds_self(op: ir.Operation, names) -> bool:
    return op.name in names or _holds(op, names)


def _new_launch(anchor: ir.Operation, grid: int, threads: int):
    """A ``gpu.launch`` of ``grid`` x ``threads`` before ``anchor``: (launch, body, bid, tid);
    build into ``body`` before its ``gpu.terminator``."""
    with ir.InsertionPoint(anchor), anchor.location:
        launch = gpu.LaunchOp((it.index(grid), it.index(1), it.index(1)),
                              (it.index(threads), it.index(1), it.index(1)))
        body = launch.regions[0].blocks[0]
        with ir.InsertionPoint(body):
            gpu.TerminatorOp()
    return launch, body, body.arguments[0], body.arguments[3]


def _launch_tiles(forall: ir.Operation, threads: int, budget: int) -> None:
    counts, emit = it.parallel_emitter(forall)
    _check_in_parallel(forall)
    tile_buffers = [b for b in walk(forall) if b.operation.name in ALLOCS and
                    not _in_parallel(b.operation, forall)]
    launch, body, bid, tid = _new_launch(forall, it.product(counts), threads)
    with ir.InsertionPoint(body.operations[0]), forall.location:
        emit(it.delinearize(bid, counts))
    _distribute(body, tid, threads)
    promote_to_workgroup(launch, [b.operation for b in tile_buffers], budget)
    forall.erase()


def _check_in_parallel(forall: ir.Operation) -> None:
    terminator = list(forall.regions[0].blocks[0].operations)[-1].operation
    if len(list(terminator.regions[0].blocks[0].operations)):
        raise PassError("scf.forall with tensor results (not bufferized) cannot be mapped to "
                        "blocks", forall)


def _in_parallel(op: ir.Operation, top: ir.Operation) -> bool:
    """Whether ``op`` is inside an ``scf.parallel`` below ``top`` (a per-thread buffer)."""
    parent = op.parent
    while parent != top:
        if parent.name == "scf.parallel":
            return True
        parent = parent.parent
    return False


def _launch_elements(op: ir.Operation, threads: int) -> None:
    counts, emit = (it.copy_emitter if op.name == "memref.copy" else it.parallel_emitter)(op)
    total = it.product(counts)
    if total == 0:
        op.erase()
        return
    launch, body, bid, tid = _new_launch(op, -(-total // threads), threads)
    with ir.InsertionPoint(body.operations[0]), op.location:
        linear = arith.addi(arith.muli(bid, it.index(threads)), tid)
        it.guarded(linear, total, counts, emit)
    _sequentialize_nested(launch)
    op.erase()


def _launch_single(op: ir.Operation) -> None:
    if len(op.results):
        raise PassError(f"'{op.name}' writes memory and has results: no CUDA mapping for it on "
                        "the host", op)
    _, body, _, _ = _new_launch(op, 1, 1)
    op.move_before(body.operations[0])


def _distribute(block: ir.Block, tid: ir.Value, threads: int) -> None:
    """Make ``block`` (inside a launch) a sequence of thread phases separated by barriers."""
    for op in list(block.operations):
        op = op.operation
        name = op.name
        if name in BLOCK_PHASES:
            if name == "scf.forall":
                _check_in_parallel(op)
            counts, emit = (it.copy_emitter if name == "memref.copy" else
                            it.parallel_emitter)(op)
            with ir.InsertionPoint(op), op.location:
                loop = it.strided_loop(tid, it.product(counts), threads, counts, emit)
                gpu.BarrierOp()
            _sequentialize_nested(loop)
            op.erase()
        elif name in ("scf.for", "scf.if") and _holds(op, BLOCK_PHASES):
            for region in op.regions:
                for inner in region.blocks:
                    _distribute(inner, tid, threads)
        elif _holds_self(op, WRITES):
            _on_thread_zero(op, tid)


def _on_thread_zero(op: ir.Operation, tid: ir.Value) -> None:
    if len(op.results):
        raise PassError(f"'{op.name}' writes memory and has results inside a CUDA block: it "
                        "cannot run on one thread", op)
    with ir.InsertionPoint(op), op.location:
        first = arith.cmpi(arith.CmpIPredicate.eq, tid, it.index(0))
        branch = scf.IfOp(first)
        with ir.InsertionPoint(branch.then_block):
            yield_op = scf.YieldOp([])
        gpu.BarrierOp()
    op.move_before(yield_op)


def _sequentialize_nested(op: ir.Operation) -> None:
    for child in reversed([c for c in walk(op) if c.operation.name == "scf.parallel"]):
        it.sequentialize(child.operation)
