"""CUDA artifacts after the `nvvm` level: PTX (``gpu-module-to-binary{format=isa}``) and a
cubin (``ptxas``), and the ``ptxas -v`` report that tests and users read.

``ptxas`` is ``$AIC_PTXAS`` when set (a path; one that is not an executable means "none"),
else looked for on ``PATH``, in ``$CUDA_HOME/bin`` and ``/usr/local/cuda/bin``, then in the
``nvidia-cuda-nvcc`` wheel (``pip install nvidia-cuda-nvcc``). Without it the cubin
stage raises ``PtxasMissing`` holding the PTX, which ``aic-compile`` writes beside the wanted
cubin before it reports the error.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from aic import targets, timing
from aic.context import make_context
from aic.errors import AicError
from aic.mlir_api import gpu, ir
from aic.pipeline import run_pipeline_on


class PtxasMissing(AicError):
    """No ptxas to assemble the PTX (``ptx`` holds it)."""

    def __init__(self, ptx: str):
        super().__init__("no ptxas found to make a cubin: install one with `pip install "
                         "nvidia-cuda-nvcc` (or put a CUDA toolkit's bin/ on PATH), or emit "
                         "--emit ptx")
        self.ptx = ptx


def find_ptxas() -> str | None:
    if "AIC_PTXAS" in os.environ:
        chosen = os.environ["AIC_PTXAS"]
        return chosen if os.access(chosen, os.X_OK) else None
    found = shutil.which("ptxas")
    if found:
        return found
    for root in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if root and os.access(os.path.join(root, "bin", "ptxas"), os.X_OK):
            return os.path.join(root, "bin", "ptxas")
    spec = importlib.util.find_spec("nvidia")
    for base in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(base, "cuda_nvcc", "bin", "ptxas")
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def chip_of(target_name: str) -> str:
    return targets.cuda.ptx_arch(targets.resolve(target_name))[0]


def kernel_binary(module: ir.Module, ctx: ir.Context) -> ir.Operation:
    """Serialize the (one, merged) kernel module of an `nvvm`-level module to PTX in place
    (``gpu-module-to-binary{format=isa}``); the resulting ``gpu.binary`` op."""
    with timing.span("gpu-module-to-binary (NVPTX)"):
        run_pipeline_on("builtin.module(gpu-module-to-binary{format=isa})", module.operation, ctx)
    binaries = [op.operation for op in module.body.operations
                if op.operation.name == "gpu.binary"]
    if len(binaries) != 1:
        raise AicError(f"expected one kernel module at the nvvm level, found {len(binaries)}")
    return binaries[0]


def ptx_of(nvvm_text: str) -> str:
    """The PTX of the (one, merged) kernel module of an `nvvm`-level module."""
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(nvvm_text)  # held: ``binary`` lives inside it
        binary = kernel_binary(module, ctx)
        texts = [gpu.ObjectAttr(obj).object.decode()
                 for obj in ir.ArrayAttr(binary.attributes["objects"])]
        del binary, module
    if len(texts) != 1:
        raise AicError(f"expected one kernel object at the nvvm level, found {len(texts)}")
    return texts[0]


def assemble(ptx: str, chip: str, verbose: bool = False) -> tuple[bytes, str]:
    """(cubin, ptxas's report) for ``ptx`` on ``chip``."""
    ptxas = find_ptxas()
    if ptxas is None:
        raise PtxasMissing(ptx)
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        src, out = os.path.join(tmp, "model.ptx"), os.path.join(tmp, "model.cubin")
        with open(src, "w") as f:
            f.write(ptx)
        cmd = [ptxas, f"-arch={chip}", *(["-v"] if verbose else []), "-o", out, src]
        with timing.span("ptxas"):
            proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["(no message)"])[0]
            raise AicError(f"ptxas failed: {first}")
        with open(out, "rb") as f:
            return f.read(), proc.stderr


@dataclass
class KernelReport:
    name: str
    registers: int
    spill_stores: int
    spill_loads: int
    shared_bytes: int


def ptxas_report(ptx: str, chip: str) -> list[KernelReport]:
    """Per kernel: registers, spill bytes and shared memory, from ``ptxas -v``."""
    _, text = assemble(ptx, chip, verbose=True)
    reports, current = [], None
    for line in text.splitlines():
        m = re.search(r"Compiling entry function '(\w+)'", line)
        if m:
            current = KernelReport(m.group(1), 0, 0, 0, 0)
            reports.append(current)
        elif current is not None:
            spill = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
            if spill:
                current.spill_stores, current.spill_loads = map(int, spill.groups())
            regs = re.search(r"Used (\d+) registers", line)
            if regs:
                current.registers = int(regs.group(1))
            smem = re.search(r"(\d+) bytes smem", line)
            if smem:
                current.shared_bytes = int(smem.group(1))
    return reports


# -- the CUDA stage table's artifact stages (aic.compiler.stages) ------------------------------

def ptx_stage(nvvm_text: str, job) -> str:
    return ptx_of(nvvm_text)


def cubin_stage(ptx: str, job) -> bytes:
    return assemble(ptx, chip_of(job.target))[0]
