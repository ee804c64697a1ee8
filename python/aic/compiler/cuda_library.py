"""The CUDA model library (``--target cuda --emit lib``): host code + embedded cubin + runtime.

``lib_stage(nvvm, job)`` takes the `nvvm` level and writes one shared library with the same C
entry as a CPU library (``aic_run`` / ``aic_last_error`` / ``aic_signature``, header beside
it; ``aic.compiler.c_entry``):

1. the kernels: `gpu-module-to-binary{format=isa}` gives their PTX, ``ptxas`` the cubin for
   the target's chip, which replaces the PTX in the ``gpu.binary`` (so the library holds the
   cubin and loads it with ``mgpuModuleLoad`` in a constructor: no PTX JIT at run time);
2. the host code: LLVM IR (``mlir-translate`` embeds the cubin), ``opt``/``llc`` for a
   generic x86-64, linked with the C entry and aic's CUDA runtime (``cuda_runtime.c``: the
   ``mgpu*`` functions on the driver API, opened with ``dlopen``), so the library loads on a
   machine without a driver and ``aic_run`` returns ``AIC_ERROR_CUDA`` with a one-line message
   there ("no CUDA driver on this machine ..."). Calls are serialised by a mutex (the model's
   device buffers are made once and shared, ``aic-gpu-host-buffers``).

The weights are in the library's read-only data (``aic.compiler.weights``, as for the CPU);
the first ``aic_run`` copies them to the GPU. Needs ``ptxas`` (``aic.compiler.cuda_backend.find_ptxas``) and ``cc``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from aic import timing
from aic.compiler import cpu_backend, files
from aic.compiler.c_entry import EXPORTS, HEADER, wrapper_source
from aic.compiler.cuda_backend import assemble, chip_of, kernel_binary
from aic.compiler.cuda_host import SOURCE, c_compiler
from aic.context import make_context
from aic.errors import AicError
from aic.mlir_api import gpu, ir

HOST_CPU = "x86-64"
"""``-mcpu`` of the host code: it only sequences launches, so any x86-64 runs it."""


def with_cubin(nvvm: str | bytes, chip: str) -> bytes:
    """The `nvvm` module (text or bytecode) with its kernels as a cubin, as bytecode."""
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(nvvm)
        binary = kernel_binary(module, ctx)
        objects = []
        for attr in ir.ArrayAttr(binary.attributes["objects"]):
            ptx = gpu.ObjectAttr(attr)
            cubin, _ = assemble(ptx.object.decode(), chip)
            objects.append(gpu.ObjectAttr.get(ptx.target, gpu.CompilationTarget.Binary, cubin,
                                              ptx.properties))
        binary.attributes["objects"] = ir.ArrayAttr.get(objects)
        return _bytecode(module)


def _bytecode(module: ir.Module) -> bytes:
    import io

    buffer = io.BytesIO()
    module.operation.write_bytecode(buffer)
    return buffer.getvalue()


def link(obj: str, path: str, inputs, outputs, index_checks=()) -> None:
    """Link the host object with the C entry (CUDA flavour) and the runtime into ``path``."""
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        wrapper = os.path.join(tmp, "wrapper.c")
        with open(wrapper, "w") as f:
            f.write(wrapper_source(inputs, outputs, 0, index_checks, cuda=True))
        exports = os.path.join(tmp, "exports.map")
        with open(exports, "w") as f:
            f.write(f"{{ global: {'; '.join(EXPORTS)}; local: *; }};\n")
        out = os.path.join(tmp, "model.so")
        cmd = [c_compiler(), "-shared", "-fPIC", "-O2", "-o", out, wrapper, obj, str(SOURCE),
               f"-Wl,--version-script={exports}", "-Wl,-z,defs", "-ldl", "-lpthread", "-lm"]
        with timing.span("linking"):
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["(no message)"])[0]
            raise AicError(f"linking the CUDA library failed: {first}")
        files.atomic(path, lambda dst: shutil.copyfile(out, dst))


def lib_stage(nvvm: str | bytes, job) -> bytes:
    """The CUDA stage table's `lib` artifact; its C header becomes the ``.h`` companion."""
    llvm_ir = cpu_backend.to_llvm_ir(with_cubin(nvvm, chip_of(job.target)))
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        obj, lib = os.path.join(tmp, "model.o"), os.path.join(tmp, "model.so")
        cpu_backend.to_object(llvm_ir, obj, HOST_CPU, job.weights)
        job.weights = []
        link(obj, lib, job.inputs, job.outputs, job.index_checks)
        with open(lib, "rb") as f:
            data = f.read()
    job.companions[".h"] = HEADER
    return data
