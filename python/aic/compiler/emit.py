"""What ``aic-compile`` writes: any level of the target's stage table (MLIR text or an artifact).

Outputs are written to a temporary file and renamed into place, so a failed compile leaves
any existing file untouched, and the output may never be the input model itself. An artifact
already in the compile cache (``aic.compiler.cache``: same model bytes, options, compiler) is
written from there without compiling.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field

from aic import timing
from aic.compiler import cache as compile_cache
from aic.compiler import files, openmp
from aic.compiler.cuda_backend import PtxasMissing
from aic.compiler.driver import CompileOptions, compile_module, parse_shape
from aic.compiler.index_checks import read_checks
from aic.compiler.stages import stage_table
from aic.compiler.weights import externalize, print_options
from aic.errors import AicError


@dataclass
class Job:
    """What artifact stages get besides their source: the model's interface, and the companion
    files they add (suffix -> text, written beside the output: the library's ``.h``)."""

    inputs: list
    outputs: list
    threads: int = 0  # the compiled thread count (hw.target cores), for aic_signature
    target: str = "cpu"  # the target's name (LLVM's -mcpu follows it)
    index_checks: list = field(default_factory=list)  # @main's status (compiler.index_checks)
    weights: list = field(default_factory=list)  # the module's external constants (weights.py)
    jobs: int | None = None  # LLVM processes at once (compiler.parallel_backend; None: all cores)
    companions: dict[str, str] = field(default_factory=dict)
    beside: list[str] = field(default_factory=list)  # files copied next to the output


def default_output(model: str, emit: str, target: str = "cpu", emulate: bool = False) -> str:
    stem = os.path.splitext(model)[0]
    stage = stage_table(target, emulate=emulate).stage(emit)
    return stem + (stage.suffix if not stage.is_mlir else f".{emit}.mlir")


@dataclass
class Emitted:
    path: str  # what was written ("-": standard output)
    cached: bool = False  # the artifact came from the compile cache


def emit(model: str, what: str, output: str | None, **options) -> str:
    """Compile ``model`` to level ``what`` of ``target``'s stage table and write it to
    ``output`` (default: beside the model; ``-``: standard output); returns the path written.
    Options: see ``emit_artifact``."""
    return emit_artifact(model, what, output, **options).path


def emit_artifact(model: str, what: str, output: str | None, *, target: str = "cpu",
                  dump_dir: str | None = None, input_shapes: list[str] = (),
                  debuginfo: bool = False, passes: dict | None = None,
                  start: str | None = None, threads: int | None = None,
                  cache: bool = True, plugins=(), force: bool = False,
                  written: list[str] | None = None, gpu_arch: str | None = None,
                  emulate: bool = False, gpu_precision: str | None = None,
                  keep_weights: bool = False, constants: dict | None = None,
                  jobs: int | None = None) -> Emitted:
    """``emit`` saying whether the compile cache served it. ``cache=False`` (or a
    ``dump_dir``, whose dumps need the compile to run) bypasses the cache; ``plugins``: the
    plugin files loaded for this compile (their sources are part of the cache key);
    ``constants``: graph inputs frozen to values (``--input-value``).

    Nothing is written over the model, a directory or a non-regular file, and a companion
    file (the library's header) holding other content is replaced only with ``force``.
    ``written`` (a list) receives every path written, the output first. ``gpu_arch`` and
    ``emulate``: the CUDA target's arch (sm_80 ...) and its CPU emulation. A cubin without
    ptxas: the PTX is written beside the wanted output (``.ptx``), then the error is raised.
    MLIR output and dumps elide constants above 4 KiB (``aic.compiler.weights``) unless
    ``keep_weights``. ``jobs``: LLVM processes at once for a large model's code
    (``aic.compiler.parallel_backend``; never changes the output, so not in the cache key).
    """
    options = CompileOptions(target, None, dump_dir=dump_dir, passes=passes, start=start,
                             threads=threads, gpu_arch=gpu_arch, emulate=emulate,
                             gpu_precision=gpu_precision, keep_weights=keep_weights,
                             constants=constants)
    target = options.target
    output = default_output(model, what, target, emulate) if output is None else output
    if output == "-" and what == "lib":
        raise AicError("a library comes with a header and libomp.so beside it: give -o PATH")
    if output != "-":
        files.check_output(output, [model])
    options.input_shapes = dict(parse_shape(s) for s in input_shapes) or None
    written = written if written is not None else []
    key = _cache_key(model, what, options, debuginfo, plugins) if cache and not dump_dir else None
    if key and _from_cache(key, output, [model], force, written):
        return Emitted(output, cached=True)
    try:
        value, job = _compile(model, what, options, debuginfo, jobs)
    except PtxasMissing as e:
        if output != "-":
            ptx = os.path.splitext(output)[0] + ".ptx"
            files.check_output(ptx, [model])
            files.write(ptx, e.ptx)
            written.append(ptx)
            raise AicError(f"{e} (the PTX is written to {ptx})") from None
        raise
    if key:
        with timing.span("cache store"):
            data = value.encode() if isinstance(value, str) else value
            compile_cache.store(key, ".out", data, {"text": isinstance(value, str),
                                                     "companions": job.companions,
                                                     "beside": job.beside})
    _write(output, value, job, [model], force, written)
    return Emitted(output)


def _cache_key(model, what: str, options: CompileOptions, debuginfo: bool,
               plugins) -> str | None:
    with timing.span("cache key"):
        return compile_cache.key(model, {
            "artifact": what, "target": options.target, "shapes": options.input_shapes or None,
            **({"emulate": True} if options.emulate else {}),
            **({"gpu_precision": options.gpu_precision} if options.gpu_precision else {}),
            "constants": compile_cache.arrays_digest(options.constants),
            "passes": options.passes or None, "from": options.start,
            "threads": openmp.thread_count(options.threads), "debuginfo": debuginfo,
            "keep_weights": options.keep_weights},
            options.target, plugins)


def _from_cache(key: str, output: str, inputs: list[str], force: bool,
                written: list[str]) -> bool:
    """Write ``output`` from the cache entry ``key`` if there is a whole one."""
    entry = compile_cache.lookup(key, ".out")
    if entry is None or not all(map(os.path.exists, entry.meta.get("beside", []))):
        return False
    timing.note("compile cache hit")
    value = entry.read()
    job = Job([], [], companions=entry.meta.get("companions", {}),
              beside=entry.meta.get("beside", []))
    _write(output, value.decode() if entry.meta.get("text") else value, job, inputs, force,
           written)
    return True


def _compile(model, what: str, options: CompileOptions, debuginfo: bool,
             jobs: int | None = None):
    """Run the stages to ``what``: its value (text or bytes) and the job (companion files).

    Memory: the module (and its context, holding the weights' blobs) is dropped once printed;
    each artifact stage's input once no later stage reads it; the weights once the object
    holds them (``cpu_backend.obj_stage``) -- a BERT-base compile holds about two copies of
    its weights at a time, not five."""
    table = options.table()
    path = table.path_to(what)
    mlir = [s for s in path if s.is_mlir]
    options.emit = mlir[-1].level
    value, job = _lower(model, what, options, debuginfo)
    job.jobs = jobs
    values = {options.emit: value}
    artifacts = path[len(mlir):]
    for i, stage in enumerate(artifacts):
        with timing.span(f"stage {stage.level}"):
            value = values[stage.level] = stage.produce(values[stage.source], job)
        if stage.source not in {s.source for s in artifacts[i + 1:]}:
            del values[stage.source]
        if options.dump_dir:
            index = table.levels.index(stage.level) + 1
            files.write(os.path.join(options.dump_dir, f"{index:02d}-{stage.level}{stage.suffix}"),
                        value)
    return value, job


def _lower(model, what: str, options: CompileOptions, debuginfo: bool):
    """The module at ``options.emit`` printed (text or bytecode), and the job; an artifact
    gets the weights as bytes (never as text), MLIR output elides them."""
    result = compile_module(model, options)
    weights = externalize(result.module) if what != options.emit else []
    with result.module.context, timing.span(f"print {options.emit}"):
        value = _printed(result.module, what == options.emit, debuginfo, options.keep_weights)
        checks = read_checks(result.module)
    job = Job(result.inputs, result.outputs, result.threads, options.target, weights=weights,
              index_checks=checks)
    return value, job


def _printed(module, output: bool, debuginfo: bool, keep_weights: bool) -> str | bytes:
    """The module at the last MLIR level: text when it is the ``output`` (weights elided
    unless kept), else MLIR bytecode for the backend (``mlir-translate`` reads it without
    parsing text)."""
    if output:
        return module.operation.get_asm(enable_debug_info=debuginfo,
                                        **print_options(keep_weights))
    buffer = io.BytesIO()
    module.operation.write_bytecode(buffer)
    return buffer.getvalue()


def _write(output: str, value, job: Job, inputs: list[str], force: bool,
           written: list[str]) -> None:
    """Check every path first, then write the output (``-``: standard output, as mlir-opt
    does) and its companions."""
    if output == "-":
        if isinstance(value, str):
            sys.stdout.write(value)
        else:
            sys.stdout.buffer.write(value)
        sys.stdout.flush()
        return
    with timing.span("write output"):
        _write_files(output, value, job, inputs, force, written)


def _write_files(output: str, value, job: Job, inputs: list[str], force: bool,
                 written: list[str]) -> None:
    companions = {os.path.splitext(output)[0] + suffix: text
                  for suffix, text in job.companions.items()}
    for path, text in companions.items():
        files.check_companion(path, text, inputs + [output], force)
    for source in job.beside:
        files.check_output(files.beside(source, output), inputs + [output], "companion file")
    files.write(output, value)
    written.append(output)
    for path, text in companions.items():
        files.write(path, text)
        written.append(path)
    for source in job.beside:
        files.copy_beside(source, output)
        written.append(os.path.join(os.path.dirname(output), os.path.basename(source)))
