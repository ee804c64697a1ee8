"""``aic-gpu-merge-kernels``: put every outlined kernel into one ``gpu.module``.

`gpu-kernel-outlining` makes one `gpu.module` per `gpu.launch`, each holding a kernel often
named alike (`@main_kernel::@main_kernel`, `@main_kernel_0::@main_kernel`). This pass moves
every `gpu.func` into the first module, renamed after the module it came from (unique),
renames that module `@aic_kernels`, and points each `gpu.launch_func` at
`@aic_kernels::@<name>`, so a model is one PTX file and one cubin. Other symbols of the
modules (none after outlining today) move along only if their names do not clash (else an
error). Precondition: outlined kernels (`gpu.container_module`); no-op without gpu.modules.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import ir
from aic.pass_base import Pass, register_pass
from aic.verify import walk

MODULE = "aic_kernels"


def _name(op) -> str:
    return ir.StringAttr(op.attributes["sym_name"]).value


@register_pass
class GpuMergeKernels(Pass):
    """Merge the outlined kernels' gpu.modules into one (one PTX/cubin per model)."""

    NAME = "aic-gpu-merge-kernels"

    def run(self, op):
        modules = [m.operation for m in op.regions[0].blocks[0].operations
                   if m.operation.name == "gpu.module"]
        if not modules:
            return
        first, renamed, seen = modules[0], {}, set()
        target = first.regions[0].blocks[0]
        for module in modules:
            for child in list(module.regions[0].blocks[0].operations):
                child = child.operation
                if "sym_name" not in child.attributes:
                    continue
                old = (_name(module), _name(child))
                new = _name(module) if child.name == "gpu.func" else _name(child)
                if new in seen:
                    raise PassError(f"symbol '{new}' of gpu.module '{old[0]}' clashes in the "
                                    "merged kernel module", child)
                seen.add(new)
                child.attributes["sym_name"] = ir.StringAttr.get(new)
                renamed[old] = new
                if module != first:
                    target.append(child)
        for module in modules[1:]:
            module.erase()
        first.attributes["sym_name"] = ir.StringAttr.get(MODULE)
        for launch in walk(op):
            if launch.operation.name == "gpu.launch_func":
                _retarget(launch.operation, renamed)


def _retarget(launch: ir.Operation, renamed: dict) -> None:
    ref = ir.SymbolRefAttr(launch.attributes["kernel"])
    key = tuple(ref.value)
    if key not in renamed:
        raise PassError(f"gpu.launch_func of unknown kernel {ref}", launch)
    launch.attributes["kernel"] = ir.SymbolRefAttr.get([MODULE, renamed[key]])
