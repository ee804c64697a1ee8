"""``aic-convert-scf-to-openmp``: run the kernels' parallel tile loops on the target's cores.

Recipe: the thread count is the `num-threads` option, else the `cores` of the module's
`hw.target` (aic-compile's `--threads`), else 0 (no clause: the OpenMP runtime's default,
every core). With one thread every `scf.forall` becomes `scf.for` loops (upstream
`scf-forall-to-for`; no OpenMP in the code). Otherwise only the outermost loops are parallel:
a forall nested inside another becomes `scf.for` loops here, then the outer ones become
`scf.parallel` and `omp.parallel num_threads(N)` + `omp.wsloop` + `omp.loop_nest` (upstream
`scf-forall-to-parallel`, `convert-scf-to-openmp{num-threads=N}`; a multi-dimensional loop is
one collapsed loop nest, statically scheduled). The OpenMP ops then lower with
`convert-openmp-to-llvm` and call libomp (``aic.compiler.openmp``).

Preconditions: bufferized IR — foralls without `shared_outs` (aic-convert-hw-to-scf makes
one forall per kernel; one-shot-bufferize removes its destinations).
"""

from __future__ import annotations

from aic.dialects.hw import get_target
from aic.errors import PassError
from aic.mlir_api import arith, ir, passmanager, scf
from aic.pass_base import Pass, option, register_pass
from aic.verify import walk


@register_pass
class ConvertScfToOpenmp(Pass):
    """Parallelise outermost scf.forall loops with OpenMP (threads: option or hw.target cores).

    Options: `num-threads` — threads per parallel region (default 0: the `cores` of the
    module's `hw.target`; without one, the OpenMP runtime decides). 1 makes every loop
    sequential. Precondition: bufferized IR (no `shared_outs` on scf.forall).
    """

    NAME = "aic-convert-scf-to-openmp"
    num_threads: int = option(0, "threads per parallel region (0: hw.target cores)")

    def run(self, op):
        threads = self.num_threads or _target_cores(op)
        foralls = [f for f in walk(op) if isinstance(f, scf.ForallOp)]
        for forall in foralls:
            if list(forall.outputs):
                raise PassError("scf.forall with shared_outs: bufferize first", forall)
        if threads == 1:
            _run_upstream(op, "scf-forall-to-for")
            return
        for forall in reversed(foralls):  # innermost first
            if _inside_forall(forall):
                _serialize(forall)
        _run_upstream(op, f"scf-forall-to-parallel,convert-scf-to-openmp{{num-threads={threads}}}")


def _target_cores(op) -> int:
    try:
        target = get_target(op)
    except ValueError as e:
        raise PassError(f"invalid hw.target: {e}", op) from None
    return target.cores if target is not None and target.kind == "cpu" else 0


def _run_upstream(op, pipeline: str) -> None:
    pm = passmanager.PassManager(op.name, context=op.context)
    pm.add(pipeline)
    try:
        pm.run(op)
    except ir.MLIRError as e:
        raise PassError(f"{pipeline} failed: {e}", op) from None


def _inside_forall(op) -> bool:
    parent = op.operation.parent
    while parent is not None:
        if parent.name == scf.ForallOp.OPERATION_NAME:
            return True
        parent = parent.parent
    return False


_BOUNDS = ("LowerBound", "UpperBound", "Step")


def _bound(forall, name: str, d: int) -> ir.Value:
    """Dimension ``d``'s ``name`` (LowerBound, UpperBound, Step) as an index value."""
    static = list(ir.DenseI64ArrayAttr(forall.attributes[f"static{name}"]))
    if static[d] != ir.ShapedType.get_dynamic_size():
        return arith.ConstantOp(ir.IndexType.get(), static[d]).result
    dynamic = list(getattr(forall, f"dynamic{name}"))
    return dynamic[sum(1 for s in static[:d] if s == ir.ShapedType.get_dynamic_size())]


def _serialize(forall) -> None:
    """A bufferized forall -> one scf.for per dimension (outermost first), same body."""
    where = ir.InsertionPoint(forall)
    ivs = []
    with forall.location:
        for d in range(forall.rank):
            with where:
                loop = scf.ForOp(*[_bound(forall, n, d) for n in _BOUNDS])
            with ir.InsertionPoint(loop.body):
                end = scf.YieldOp([])
            where = ir.InsertionPoint(end)
            ivs.append(loop.induction_variable)
    body = forall.body
    for arg, iv in zip(body.arguments, ivs):
        arg.replace_all_uses_with(iv)
    for child in list(body.operations)[:-1]:
        child.operation.move_before(end)
    forall.operation.erase()
