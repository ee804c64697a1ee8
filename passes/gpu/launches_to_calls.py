"""``aic-gpu-launches-to-calls``: each host ``gpu.launch_func`` -> a call of a declaration.

MLIR's ``buffer-deallocation-pipeline`` refuses ops with unknown memory effects, and
``gpu.launch_func`` declares none. Around that pipeline (the CUDA `gpu` stage with tensor-core
kernels: ``aic-hw-lower-mma`` makes the launches before bufferization) each launch becomes a
``func.call`` of a private declaration of its own, which the pipeline understands (a call
that may read and write its memref operands and takes no ownership):

    gpu.launch_func @m::@k blocks in (%c4, %c1, %c1) threads in (%c128, %c1, %c1) args(%a : T)
    // ->
    func.func private @__aic_launch_0(T) attributes {aic.launch = @m::@k,
                                                     aic.grid = array<i64: 4, 1, 1>,
                                                     aic.block = array<i64: 128, 1, 1>}
    func.call @__aic_launch_0(%a) : (T) -> ()

``aic-gpu-calls-to-launches`` restores them afterwards. Preconditions: constant grid and
block sizes, no async dependencies, cluster or dynamic shared memory (what aic-hw-lower-mma
makes); anything else is an error. Options: none.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import func, ir
from aic.pass_base import Pass, register_pass
from aic.verify import defining_op, walk

KERNEL_ATTR, GRID_ATTR, BLOCK_ATTR = "aic.launch", "aic.grid", "aic.block"
PREFIX = "__aic_launch_"


@register_pass
class GpuLaunchesToCalls(Pass):
    """gpu.launch_func -> func.call of a declaration carrying the kernel, grid and block."""

    NAME = "aic-gpu-launches-to-calls"

    def run(self, op):
        launches = [c.operation for c in walk(op) if c.operation.name == "gpu.launch_func"]
        body = op.regions[0].blocks[0]
        for n, launch in enumerate(launches):
            _replace(launch, f"{PREFIX}{n}", ir.InsertionPoint.at_block_begin(body))


def _constant(value: ir.Value, launch: ir.Operation) -> int:
    owner = defining_op(value)
    if owner is None or owner.name != "arith.constant":
        raise PassError("aic-gpu-launches-to-calls needs constant grid and block sizes", launch)
    return ir.IntegerAttr(owner.attributes["value"]).value


def _replace(launch: ir.Operation, name: str, module_ip: ir.InsertionPoint) -> None:
    view = launch.opview
    if (list(view.asyncDependencies) or view.dynamicSharedMemorySize is not None
            or view.clusterSizeX is not None or launch.results):
        raise PassError("aic-gpu-launches-to-calls handles synchronous launches without "
                        "cluster or dynamic shared memory", launch)
    grid = [_constant(v, launch) for v in (view.gridSizeX, view.gridSizeY, view.gridSizeZ)]
    block = [_constant(v, launch) for v in (view.blockSizeX, view.blockSizeY, view.blockSizeZ)]
    args = list(view.kernelOperands)
    with module_ip, launch.location:
        decl = func.FuncOp(name, ([a.type for a in args], []))
        decl.sym_visibility = ir.StringAttr.get("private")
        decl.attributes[KERNEL_ATTR] = launch.attributes["kernel"]
        decl.attributes[GRID_ATTR] = ir.DenseI64ArrayAttr.get(grid)
        decl.attributes[BLOCK_ATTR] = ir.DenseI64ArrayAttr.get(block)
    with ir.InsertionPoint(launch), launch.location:
        func.CallOp([], name, args)
    launch.erase()
