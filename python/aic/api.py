"""The Python API: ``compile``, ``load``, ``import_onnx`` (see DESIGN.md §3)."""

from __future__ import annotations

from aic.compiler.driver import CompileOptions, compile_module
from aic.runtime.model import CompiledModel


def import_onnx(model, input_shapes=None, *, context=None, constants=None):
    """ONNX model (path or ModelProto) -> ``ir.Module`` at the graph level."""
    from aic.frontend.onnx import import_onnx as _import

    return _import(model, input_shapes=input_shapes, context=context, constants=constants)


def compile(model, target: str = "cpu", *, input_shapes=None, constants=None, dump_dir=None,
            opt_level: int = 3, threads: int | None = None) -> CompiledModel:
    """Compile an ONNX model (path, ModelProto, or graph-level module) for ``target``.

    ``input_shapes`` specialises symbolic dims; ``constants`` freezes graph inputs to values
    (they become constants). ``threads``: how many threads the model runs on (default:
    ``$AIC_NUM_THREADS``, else every core this process may use); it is compiled in
    (``hw.target`` cores). Returns a ``CompiledModel`` running in-process (MLIR
    ExecutionEngine JIT).
    """
    from aic.runtime.jit import JitFunction, Signature

    options = CompileOptions(target=target, input_shapes=input_shapes, constants=constants,
                             dump_dir=dump_dir, emit="llvm", threads=threads)
    result = compile_module(model, options)
    module = result.module
    with module.context:
        text = module.operation.get_asm()
        signature = Signature([(t.shape, t.dtype) for t in result.inputs],
                              [(t.shape, t.dtype) for t in result.outputs])
        fn = JitFunction(module, "main", signature, opt_level=opt_level)
    return CompiledModel(fn, result.inputs, result.outputs, llvm_module_text=text, target=target,
                         threads=result.threads)


def load(path: str) -> CompiledModel:
    """Load a library written by ``CompiledModel.save`` / ``aic-compile --emit lib``."""
    from aic.compiler.cpu_backend import load_library

    return load_library(path)
