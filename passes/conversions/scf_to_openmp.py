"""``aic-convert-scf-to-openmp``: run the CPU code's parallel loops on the target's cores.

Recipe: the thread count is the `num-threads` option, else the `cores` of the module's
`hw.target` (aic-compile's `--threads`), else 0 (no clause: the OpenMP runtime's default,
every core). With one thread every `scf.forall` and `scf.parallel` becomes `scf.for` loops
(no OpenMP in the code). Otherwise only outermost loops are parallel, a loop nested inside
another becoming `scf.for` loops:

* `scf.forall` (a kernel's tile loop, from aic-convert-hw-to-scf): all its dimensions;
* `scf.parallel` (a linalg op outside kernels, from `convert-linalg-to-parallel-loops`):
  sequential below `MIN_ITERATIONS` iterations; otherwise its leading dimensions, as few as
  give `TRIPS_PER_THREAD` iterations per thread, the others become `scf.for` inside.

Then upstream `scf-forall-to-parallel` and `convert-scf-to-openmp{num-threads=N}` give
`omp.parallel num_threads(N)` + `omp.wsloop` + `omp.loop_nest` (a multi-dimensional loop is
one collapsed, statically scheduled nest). `convert-openmp-to-llvm` lowers those to libomp
calls (``aic.compiler.openmp``).

Preconditions: bufferized IR — foralls without `shared_outs` (one-shot-bufferize removes
them); `scf.parallel` loops without reductions.
"""

from __future__ import annotations

from aic.dialects.hw import get_target
from aic.errors import PassError
from aic.mlir_api import arith, ir, scf
from aic.pass_base import Pass, option, register_pass, run_upstream
from aic.verify import walk

MIN_ITERATIONS = 1 << 16
"""An scf.parallel with fewer iterations (of a scalar body: a copy, a max) runs sequentially:
its work is about what opening a parallel region costs."""
TRIPS_PER_THREAD = 4
"""Parallel iterations wanted per thread (static scheduling: balance within 1/4)."""


@register_pass
class ConvertScfToOpenmp(Pass):
    """Run outermost scf.forall/scf.parallel loops on OpenMP threads (hw.target cores).

    Options: `num-threads` — threads per parallel region (default 0: the `cores` of the
    module's `hw.target`; without one, the OpenMP runtime decides). 1 makes every loop
    sequential. Preconditions: bufferized IR (no `shared_outs` on scf.forall), scf.parallel
    without reductions.
    """

    NAME = "aic-convert-scf-to-openmp"
    num_threads: int = option(0, "threads per parallel region (0: hw.target cores)")

    def run(self, op):
        threads = self.num_threads or _target_cores(op)
        loops = [f for f in walk(op) if isinstance(f, (scf.ForallOp, scf.ParallelOp))]
        for loop in loops:
            if isinstance(loop, scf.ForallOp) and list(loop.outputs):
                raise PassError("scf.forall with shared_outs: bufferize first", loop)
            if isinstance(loop, scf.ParallelOp) and list(loop.initVals):
                raise PassError("scf.parallel with reductions is not supported", loop)
        for loop in reversed(loops):  # innermost first
            if threads == 1 or _inside_loop(loop):
                _nest(loop, keep=0)
            elif isinstance(loop, scf.ParallelOp):
                _nest(loop, keep=_parallel_dims(loop, threads or 1))
        if threads != 1:
            run_upstream(op, "scf-forall-to-parallel,"
                              f"convert-scf-to-openmp{{num-threads={threads}}}")


def _target_cores(op) -> int:
    try:
        target = get_target(op)
    except ValueError as e:
        raise PassError(f"invalid hw.target: {e}", op) from None
    return target.cores if target is not None and target.kind == "cpu" else 0


def _inside_loop(op) -> bool:
    parent = op.operation.parent
    while parent is not None:
        if parent.name in (scf.ForallOp.OPERATION_NAME, scf.ParallelOp.OPERATION_NAME):
            return True
        parent = parent.parent
    return False


def _trip_counts(loop: scf.ParallelOp) -> list[int | None]:
    """Iterations per dimension (None where a bound is not a constant)."""
    out = []
    for lower, upper, step in zip(loop.lowerBound, loop.upperBound, loop.step):
        values = [_constant(v) for v in (lower, upper, step)]
        out.append(None if None in values else -(-(values[1] - values[0]) // values[2]))
    return out


def _constant(value: ir.Value) -> int | None:
    owner = getattr(value.owner, "operation", None)
    if owner is not None and owner.name == "arith.constant":
        return ir.IntegerAttr(owner.attributes["value"]).value
    return None


def _parallel_dims(loop: scf.ParallelOp, threads: int) -> int:
    """How many leading dimensions of ``loop`` stay parallel (0: none)."""
    trips = _trip_counts(loop)
    if None not in trips and _product(trips) < MIN_ITERATIONS:
        return 0
    product = 1
    for d, trip in enumerate(trips):
        product *= trip or MIN_ITERATIONS
        if product >= TRIPS_PER_THREAD * threads:
            return d + 1
    return len(trips)


def _product(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def _bounds(loop) -> list[tuple[ir.Value, ir.Value, ir.Value]]:
    """(lower, upper, step) per dimension; a forall's static ones become constants."""
    if isinstance(loop, scf.ParallelOp):
        return list(zip(loop.lowerBound, loop.upperBound, loop.step))
    with ir.InsertionPoint(loop), loop.location:
        return [tuple(_bound(loop, name, d) for name in _BOUNDS) for d in range(loop.rank)]


_BOUNDS = ("LowerBound", "UpperBound", "Step")


def _bound(forall, name: str, d: int) -> ir.Value:
    """Dimension ``d``'s ``name`` (LowerBound, UpperBound, Step) as an index value."""
    static = list(ir.DenseI64ArrayAttr(forall.attributes[f"static{name}"]))
    if static[d] != ir.ShapedType.get_dynamic_size():
        return arith.ConstantOp(ir.IndexType.get(), static[d]).result
    dynamic = list(getattr(forall, f"dynamic{name}"))
    return dynamic[sum(1 for s in static[:d] if s == ir.ShapedType.get_dynamic_size())]


def _nest(loop, keep: int) -> None:
    """``loop``'s first ``keep`` dimensions as one scf.parallel, the rest as scf.for loops
    inside it (outermost first), the same body; nothing changes when all dims are kept."""
    bounds = _bounds(loop)
    if isinstance(loop, scf.ParallelOp) and keep == len(bounds):
        return
    where, ivs = ir.InsertionPoint(loop), []
    with loop.location:
        if keep:
            with where:
                columns = [list(c) for c in zip(*bounds[:keep])]
                outer = scf.ParallelOp([], *columns, [])
                block = outer.region.blocks.append(*[ir.IndexType.get()] * keep)
            with ir.InsertionPoint(block):
                end = scf.ReduceOp([], 0)
            where, ivs = ir.InsertionPoint(end), list(block.arguments)
        for lower, upper, step in bounds[keep:]:
            with where:
                inner = scf.ForOp(lower, upper, step)
            with ir.InsertionPoint(inner.body):
                end = scf.YieldOp([])
            where = ir.InsertionPoint(end)
            ivs.append(inner.induction_variable)
    body = loop.operation.regions[0].blocks[0]
    for arg, iv in zip(body.arguments, ivs):
        arg.replace_all_uses_with(iv)
    for child in list(body.operations)[:-1]:
        child.operation.move_before(end)
    loop.operation.erase()
