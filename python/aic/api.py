"""The Python API: ``compile``, ``load``, ``import_onnx`` (see DESIGN.md §3)."""

from __future__ import annotations

from aic.compiler.driver import CompileOptions, compile_module
from aic.runtime.model import CompiledModel


def import_onnx(model, input_shapes=None, *, context=None, constants=None):
    """ONNX model (path or ModelProto) -> ``ir.Module`` at the graph level."""
    from aic.frontend.onnx import import_onnx as _import

    return _import(model, input_shapes=input_shapes, context=context, constants=constants)


def compile(model, target: str = "cpu", *, input_shapes=None, constants=None, dump_dir=None,
            opt_level: int = 3, passes=None, plugins=(), from_level=None,
            threads: int | None = None, profile: bool = False) -> CompiledModel:
    """Compile a model for ``target``: an ONNX model (path or ModelProto), or MLIR at any
    level (an ``.mlir`` path or an ``ir.Module``; its level is recognised from its ops, or
    given as ``from_level``).

    ``input_shapes`` specialises symbolic dims; ``constants`` freezes graph inputs to values
    (they become constants). ``passes`` inserts passes around stages:
    ``{"after:graph": ["aic-my-pass"], "before:llvm": "canonicalize"}``; ``plugins`` are
    Python files loaded first (``aic.load_plugin``). Returns a ``CompiledModel`` running
    in-process (MLIR ExecutionEngine JIT). ``threads``: how many threads the model runs on
    (default: ``$AIC_NUM_THREADS``, else every core this process may use); it is compiled in
    (``hw.target`` cores). ``profile=True`` times every kernel (``aic-hw-profile``):
    ``model.profiler.report(calls)`` after the calls.
    """
    import numpy as np

    from aic.compiler.index_checks import read_checks
    from aic.plugins import load_plugin
    from aic.runtime.jit import JitFunction, Signature
    from aic.runtime.model import with_index_checks

    for plugin in plugins:
        load_plugin(plugin)
    if profile:
        passes = dict(passes or {})
        extra = passes.get("after:vector", [])
        extra = [extra] if isinstance(extra, str) else list(extra)
        passes["after:vector"] = extra + ["aic-hw-profile"]
    options = CompileOptions(target=target, input_shapes=input_shapes, constants=constants,
                             dump_dir=dump_dir, emit="llvm", passes=passes, start=from_level,
                             threads=threads)
    result = compile_module(model, options)
    module = result.module
    with module.context:
        text = module.operation.get_asm()
        checks = read_checks(module)
        status = [((2 * len(checks),), np.dtype(np.int64))] if checks else []
        signature = Signature([(t.shape, t.dtype) for t in result.inputs],
                              [(t.shape, t.dtype) for t in result.outputs] + status)
        fn = JitFunction(module, "main", signature, opt_level=opt_level)
        profiler = _profiler(module, fn) if profile else None
    model = CompiledModel(with_index_checks(fn, checks), result.inputs, result.outputs,
                          llvm_module_text=text, target=target, threads=result.threads,
                          index_checks=checks)
    model.profiler = profiler
    return model


def _profiler(module, fn):
    import numpy as np

    from aic.mlir_api import ir
    from aic.runtime.jit import Signature
    from aic.runtime.profile import Profiler

    names = [ir.StringAttr(a).value for a in ir.ArrayAttr(module.operation.attributes["aic.profile"])]
    read = fn.sibling("aic_profile_read", Signature([], [((max(1, len(names)),), np.float64)]))
    return Profiler(names, lambda: read([])[0])


def load(path: str) -> CompiledModel:
    """Load a library written by ``CompiledModel.save`` / ``aic-compile --emit lib``."""
    from aic.runtime.library import load_library

    return load_library(path)
