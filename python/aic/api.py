"""The Python API: ``compile``, ``load``, ``import_onnx`` (see DESIGN.md §3)."""

from __future__ import annotations

import sys

from aic.compiler.driver import CompileOptions, compile_module
from aic.runtime.model import CompiledModel


def import_onnx(model, input_shapes=None, *, context=None, constants=None):
    """ONNX model (path or ModelProto) -> ``ir.Module`` at the graph level."""
    from aic.frontend.onnx import import_onnx as _import

    return _import(model, input_shapes=input_shapes, context=context, constants=constants)


def compile(model, target: str = "cpu", *, input_shapes=None, constants=None, dump_dir=None,
            opt_level: int = 3, passes=None, plugins=(), from_level=None,
            threads: int | None = None, profile: bool = False, cache: bool = True,
            timing: bool = False, verbose: bool = False, gpu_arch: str | None = None,
            emulate: bool = False, gpu_precision: str | None = None,
            specialize: bool = True, max_variants: int = 8) -> CompiledModel:
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

    ``cache`` (default on): reuse the compile cache (docs/compile-time.md) -- a model compiled
    before with the same bytes, options and compiler is loaded as a library linked from the
    JIT's cached object code (``aic.runtime.cached``); not for ``profile``, ``dump_dir`` or an
    ``ir.Module``. ``timing=True`` prints a wall-time report (stages,
    passes, backend) to stderr and keeps it as ``model.timing``; ``verbose=True`` prints
    progress (step, elapsed) to stderr.

    ``target="cuda"`` (``gpu_arch``: ``sm_80`` (default), ``sm_86``, ``sm_89``, ``sm_90``)
    maps the kernels to CUDA blocks and threads (docs/cuda.md). ``emulate=True`` runs that
    CUDA-mapped program on the CPU (block and thread loops, one barrier phase after the
    other), so its numbers can be checked without a GPU; without it a CUDA model runs on
    the GPU, and a machine without a GPU or driver gets one ``AicError`` saying so.
    ``gpu_precision``: f32 matmuls on TF32 tensor cores (``"tf32"``, the default: about 3
    decimal digits in each product) or in full f32 (``"f32"``, no tensor cores).

    Graph inputs whose values decide shapes (a Reshape's shape, Slice starts, TopK's k...)
    may stay inputs: the model then compiles on its first call, specialised on their values,
    and keeps one variant per distinct value set (at most ``max_variants``, least recently used
    dropped; ``model.value_inputs``, ``model.variant_count``; ``aic.runtime.specialize``).
    ``specialize=False`` raises ``ValueNeededError`` naming them instead (``constants=``
    fixes them ahead of time).
    """
    from aic.errors import ValueNeededError

    args = dict(target=target, input_shapes=input_shapes, constants=constants,
                dump_dir=dump_dir, opt_level=opt_level, passes=passes, plugins=plugins,
                from_level=from_level, threads=threads, profile=profile, cache=cache,
                timing=timing, verbose=verbose, gpu_arch=gpu_arch, emulate=emulate,
                gpu_precision=gpu_precision)
    try:
        return _compile(model, **args)
    except ValueNeededError as e:
        if not specialize or not e.inputs:
            raise
        return _specializing(model, args, e.inputs, max_variants)


def _specializing(model, args: dict, value_inputs, max_variants: int) -> CompiledModel:
    """A model that compiles per value set of ``value_inputs`` (see ``compile``)."""
    from aic.compiler.driver import TensorInfo
    from aic.frontend.onnx.loader import runtime_inputs
    from aic.runtime.specialize import SpecializingModel

    fixed = dict(args.pop("constants") or {})
    inputs = [TensorInfo(*t) for t in runtime_inputs(model, args["input_shapes"], fixed)]

    def compile_variant(values: dict) -> CompiledModel:
        return _compile(model, constants={**fixed, **values}, **args)

    return SpecializingModel(compile_variant, inputs, value_inputs, target=args["target"],
                             max_variants=max_variants)


def _compile(model, target, *, input_shapes, constants, dump_dir, opt_level, passes, plugins,
             from_level, threads, profile, cache, timing, verbose, gpu_arch, emulate,
             gpu_precision) -> CompiledModel:
    """``compile`` of one variant (every shape static)."""
    from aic import progress
    from aic import timing as timer
    from aic.plugins import load_plugin
    from aic.runtime.cached import load_cached

    for plugin in plugins:
        load_plugin(plugin)
    options = CompileOptions(target=target, input_shapes=input_shapes, constants=constants,
                             dump_dir=dump_dir, emit="llvm", passes=_with_profile(passes, profile),
                             start=from_level, threads=threads, gpu_arch=gpu_arch,
                             emulate=emulate, gpu_precision=gpu_precision)
    if options.target.startswith("cuda") and not emulate:
        from aic.runtime.cuda import compile_for_gpu

        return compile_for_gpu(model, options)
    with timer.recording(passes=timing) as rec, \
            progress.watch(rec, "always" if verbose else "never"):
        key = (_cache_key(model, options, opt_level, plugins)
               if cache and not (profile or dump_dir) else None)
        compiled = (load_cached(key) if key else None) or _jit(model, options, opt_level,
                                                                profile, key)
    compiled.timing = rec
    if timing:
        sys.stderr.write(rec.report())
    return compiled


def _with_profile(passes, profile: bool):
    if not profile:
        return passes
    passes = dict(passes or {})
    extra = passes.get("after:vector", [])
    extra = [extra] if isinstance(extra, str) else list(extra)
    passes["after:vector"] = extra + ["aic-hw-profile"]
    return passes


def _jit(model, options: CompileOptions, opt_level: int, profile: bool, key: str | None):
    """Compile and JIT ``model``; with a cache ``key``, store the JIT's code as a library."""
    import numpy as np

    from aic import timing as timer
    from aic.compiler.index_checks import read_checks
    from aic.compiler.weights import externalize
    from aic.runtime.cached import store_object
    from aic.runtime.jit import JitFunction, Signature
    from aic.runtime.model import with_index_checks

    result = compile_module(model, options)
    module = result.module
    with module.context:
        checks = read_checks(module)
        status = [((2 * len(checks),), np.dtype(np.int64))] if checks else []
        signature = Signature([(t.shape, t.dtype) for t in result.inputs],
                              [(t.shape, t.dtype) for t in result.outputs] + status)
        weights = externalize(module)
        with timer.span("jit (ExecutionEngine)"):
            fn = JitFunction(module, "main", signature, opt_level=opt_level, weights=weights)
        profiler = _profiler(module, fn) if profile else None
    compiled = CompiledModel(with_index_checks(fn, checks), result.inputs, result.outputs,
                             llvm_module=module, target=options.target, threads=result.threads,
                             index_checks=checks, weights=weights)
    compiled.profiler = profiler
    if key:
        with timer.span("cache store"):
            store_object(key, fn.engine, result.inputs, result.outputs, result.threads, checks,
                         weights)
    return compiled


def _profiler(module, fn):
    import numpy as np

    from aic.mlir_api import ir
    from aic.runtime.jit import Signature
    from aic.runtime.profile import Profiler

    names = [ir.StringAttr(a).value for a in ir.ArrayAttr(module.operation.attributes["aic.profile"])]
    read = fn.sibling("aic_profile_read", Signature([], [((max(1, len(names)),), np.float64)]))
    return Profiler(names, lambda: read([])[0])


def _cache_key(model, options: CompileOptions, opt_level: int, plugins) -> str | None:
    from aic import timing as timer
    from aic.compiler import cache, openmp

    constants = cache.arrays_digest(options.constants)
    with timer.span("cache key"):
        return cache.key(model, {
            "artifact": "jit", "target": options.target, "shapes": options.input_shapes or None,
            **({"emulate": True} if options.emulate else {}),
            **({"gpu_precision": options.gpu_precision} if options.gpu_precision else {}),
            "constants": constants, "passes": options.passes or None, "from": options.start,
            "threads": openmp.thread_count(options.threads), "opt_level": opt_level},
            options.target, plugins)


def load(path: str) -> CompiledModel:
    """Load a library written by ``CompiledModel.save`` / ``aic-compile --emit lib``."""
    from aic.runtime.library import load_library

    return load_library(path)
