"""A CUDA model on the GPU: compile to the `nvvm` level, kernels as PTX, host code JIT-compiled.

``gpu_model(model, options)`` lowers to `nvvm` (kernels in one gpu.module; the host's buffers
on the GPU, made on the first call and reused: ``aic-gpu-host-buffers``), serializes
the kernels as PTX (``gpu-module-to-binary{format=isa}``: the driver JIT-compiles PTX for the
GPU at hand, so no ptxas is needed here) and JIT-compiles the host code against aic's CUDA
runtime (``aic.compiler.cuda_host``: MLIR's ``mgpu*`` functions on the driver API). Each call
clears the runtime's error, runs the launches, synchronizes, and raises ``AicError`` with the
first CUDA error string of the call. Calls are serialised (the cached buffers are shared).

Used where ``aic.runtime.cuda.driver_problem()`` is None (a GPU and a driver), and by the
tests with a fake driver (``$AIC_CUDA_DRIVER``).
"""

from __future__ import annotations

import threading

import numpy as np

from aic import timing
from aic.compiler.cuda_host import Runtime, shared_runtime
from aic.compiler.driver import CompileOptions, compile_module, run_pipeline
from aic.mlir_api import execution_engine, runtime_library
from aic.runtime.jit import JitFunction, Signature
from aic.runtime.model import CompiledModel


def gpu_model(model, options: CompileOptions) -> CompiledModel:
    options.emit = "nvvm"
    result = compile_module(model, options)
    module = result.module
    run_pipeline(module, "gpu-module-to-binary{format=isa}", "stage 'ptx'")
    runtime = Runtime()
    signature = Signature([(t.shape, t.dtype) for t in result.inputs],
                          [(t.shape, t.dtype) for t in result.outputs])
    with module.context, timing.span("jit (ExecutionEngine, CUDA host code)"):
        libs = [runtime_library("mlir_c_runner_utils"), shared_runtime()]
        engine = execution_engine.ExecutionEngine(module, opt_level=2, shared_libs=libs)
        engine.initialize()  # the global constructors: the kernel module loads here
        fn = JitFunction(None, "main", signature, engine=engine)
    lock = threading.Lock()

    def run(arrays: list[np.ndarray]) -> list[np.ndarray]:
        with lock:
            runtime.begin()
            outputs = fn(arrays)
            runtime.finish()
        return outputs

    compiled = CompiledModel(run, result.inputs, result.outputs, target=options.target)
    compiled.cuda_runtime = runtime
    return compiled
