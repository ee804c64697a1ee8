"""A CUDA model on the GPU: compile to the `nvvm` level, kernels as PTX, host code JIT-compiled.

``gpu_model(model, options)`` lowers to `nvvm` (kernels in one gpu.module, buffers in managed
memory: ``aic-gpu-host-buffers``), serializes the kernels as PTX (``gpu-module-to-binary
{format=isa}``: the driver JIT-compiles PTX for the GPU at hand, so no ptxas is needed here)
and JIT-compiles the host code with MLIR's CUDA runtime (``libmlir_cuda_runtime.so``:
``mgpuModuleLoadJIT``, ``mgpuLaunchKernel``, ``mgpuStreamSynchronize``, ``mgpuMemAlloc``).
That runtime prints CUDA errors and carries on, so after each call the device is synchronized
and its status read: an error becomes ``AicError`` with CUDA's own error string.

Only used where ``aic.runtime.cuda.driver_problem()`` is None (a GPU and a driver).
"""

from __future__ import annotations

import ctypes

import numpy as np

from aic import timing
from aic.compiler.driver import CompileOptions, compile_module, run_pipeline
from aic.errors import AicError
from aic.mlir_api import execution_engine, runtime_library
from aic.runtime.jit import JitFunction, Signature
from aic.runtime.model import CompiledModel


class _Device:
    """The primary context of device 0 (the one the MLIR CUDA runtime uses)."""

    def __init__(self):
        self.lib = ctypes.CDLL("libcuda.so.1")
        self._check(self.lib.cuInit(0), "cuInit")
        device, context = ctypes.c_int(), ctypes.c_void_p()
        self._check(self.lib.cuDeviceGet(ctypes.byref(device), 0), "cuDeviceGet")
        self._check(self.lib.cuDevicePrimaryCtxRetain(ctypes.byref(context), device),
                    "cuDevicePrimaryCtxRetain")
        self.context = context

    def _check(self, status: int, what: str) -> None:
        if status == 0:
            return
        text = ctypes.c_char_p()
        self.lib.cuGetErrorString(status, ctypes.byref(text))
        message = text.value.decode() if text.value else f"error {status}"
        raise AicError(f"CUDA error in {what}: {message}")

    def synchronize(self) -> None:
        self._check(self.lib.cuCtxSetCurrent(self.context), "cuCtxSetCurrent")
        self._check(self.lib.cuCtxSynchronize(), "the model's kernels")


def gpu_model(model, options: CompileOptions) -> CompiledModel:
    options.emit = "nvvm"
    result = compile_module(model, options)
    module = result.module
    run_pipeline(module, "gpu-module-to-binary{format=isa}", "stage 'ptx'")
    device = _Device()
    signature = Signature([(t.shape, t.dtype) for t in result.inputs],
                          [(t.shape, t.dtype) for t in result.outputs])
    with module.context, timing.span("jit (ExecutionEngine, CUDA host code)"):
        libs = [runtime_library("mlir_c_runner_utils"), runtime_library("mlir_cuda_runtime")]
        engine = execution_engine.ExecutionEngine(module, opt_level=2, shared_libs=libs)
        fn = JitFunction(None, "main", signature, engine=engine)

    def run(arrays: list[np.ndarray]) -> list[np.ndarray]:
        outputs = fn(arrays)
        device.synchronize()
        return outputs

    return CompiledModel(run, result.inputs, result.outputs, target=options.target)
