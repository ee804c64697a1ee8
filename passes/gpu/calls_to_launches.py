"""``aic-gpu-calls-to-launches``: undo ``aic-gpu-launches-to-calls``.

Each ``func.call`` of a declaration carrying ``aic.launch`` (the kernel), ``aic.grid`` and
``aic.block`` becomes the ``gpu.launch_func`` it stood for (index constants for the sizes,
the call's operands as kernel operands); the declarations go. Run after
``buffer-deallocation-pipeline``, which needed the calls. Options: none.
"""

from __future__ import annotations

from aic.mlir_api import arith, gpu, ir
from aic.pass_base import Pass, register_pass
from aic.passes.gpu.launches_to_calls import BLOCK_ATTR, GRID_ATTR, KERNEL_ATTR
from aic.verify import walk


@register_pass
class GpuCallsToLaunches(Pass):
    """func.call of an aic.launch declaration -> the gpu.launch_func it stands for."""

    NAME = "aic-gpu-calls-to-launches"

    def run(self, op):
        decls = {ir.StringAttr(c.attributes["sym_name"]).value: c.operation
                 for c in op.regions[0].blocks[0].operations
                 if c.operation.name == "func.func" and KERNEL_ATTR in c.attributes}
        if not decls:
            return
        for call in [c.operation for c in walk(op) if c.operation.name == "func.call"]:
            decl = decls.get(ir.FlatSymbolRefAttr(call.attributes["callee"]).value)
            if decl is not None:
                _restore(call, decl)
        for decl in decls.values():
            decl.erase()


def _restore(call: ir.Operation, decl: ir.Operation) -> None:
    kernel = ir.SymbolRefAttr(decl.attributes[KERNEL_ATTR])
    with ir.InsertionPoint(call), call.location:
        sizes = _sizes([list(ir.DenseI64ArrayAttr(decl.attributes[a]))
                        for a in (GRID_ATTR, BLOCK_ATTR)])
        launch = gpu.LaunchFuncOp(["placeholder", "placeholder"], sizes[0], sizes[1],
                                  list(call.operands))
        launch.operation.attributes["kernel"] = kernel
    call.erase()


def _sizes(groups: list[list[int]]) -> list[tuple[ir.Value, ...]]:
    """Index constants for the grid and block sizes, one per distinct value."""
    constants: dict[int, ir.Value] = {}
    for v in dict.fromkeys(v for g in groups for v in g):
        constants[v] = arith.ConstantOp(ir.IndexType.get(), v).result
    return [tuple(constants[v] for v in g) for g in groups]
