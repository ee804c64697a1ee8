"""What ``aic-compile`` writes: any level of the target's stage table (MLIR text or an artifact).

Outputs are written to a temporary file and renamed into place, so a failed compile leaves
any existing file untouched, and the output may never be the input model itself.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from aic.compiler import files
from aic.compiler.driver import CompileOptions, compile_module, parse_shape
from aic.compiler.index_checks import read_checks
from aic.compiler.stages import stage_table
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
    companions: dict[str, str] = field(default_factory=dict)
    beside: list[str] = field(default_factory=list)  # files copied next to the output


def default_output(model: str, emit: str, target: str = "cpu") -> str:
    stem = os.path.splitext(model)[0]
    stage = stage_table(target).stage(emit)
    return stem + (stage.suffix if not stage.is_mlir else f".{emit}.mlir")


def emit(model: str, what: str, output: str | None, *, target: str = "cpu",
         dump_dir: str | None = None, input_shapes: list[str] = (), debuginfo: bool = False,
         passes: dict | None = None, start: str | None = None,
         threads: int | None = None, force: bool = False,
         written: list[str] | None = None) -> str:
    """Compile ``model`` to level ``what`` of ``target``'s stage table and write it to
    ``output`` (default: beside the model; ``-``: standard output); returns the path written.

    Nothing is written over the model, a directory or a non-regular file, and a companion
    file (the library's header) holding other content is replaced only with ``force``.
    ``written`` (a list) receives every path written, the output first.
    """
    output = default_output(model, what, target) if output is None else output
    if output == "-" and what == "lib":
        raise AicError("a library comes with a header and libomp.so beside it: give -o PATH")
    if output != "-":
        files.check_output(output, [model])
    shapes = dict(parse_shape(s) for s in input_shapes) or None
    options = CompileOptions(target, shapes, dump_dir=dump_dir, passes=passes, start=start,
                             threads=threads)
    value, job = _produce(model, what, options, debuginfo)
    if output == "-":  # standard output, as mlir-opt does
        if isinstance(value, str):
            sys.stdout.write(value)
        else:
            sys.stdout.buffer.write(value)
        sys.stdout.flush()
        return output
    _write(output, value, job, [model], force, written if written is not None else [])
    return output


def _produce(model: str, what: str, options: CompileOptions, debuginfo: bool):
    """Run the stage table up to ``what``: its value, and the ``Job`` (companion files)."""
    table = options.table()
    path = table.path_to(what)
    mlir = [s for s in path if s.is_mlir]
    options.emit = mlir[-1].level
    result = compile_module(model, options)
    with result.module.context:
        value = result.module.operation.get_asm(enable_debug_info=debuginfo and what == options.emit)
    values = {options.emit: value}
    with result.module.context:
        checks = read_checks(result.module)
    job = Job(result.inputs, result.outputs, result.threads, options.target, index_checks=checks)
    for stage in path[len(mlir):]:
        value = values[stage.level] = stage.produce(values[stage.source], job)
        if options.dump_dir:
            index = table.levels.index(stage.level) + 1
            files.write(os.path.join(options.dump_dir, f"{index:02d}-{stage.level}{stage.suffix}"),
                        value)
    return value, job


def _write(output: str, value, job: Job, inputs: list[str], force: bool,
           written: list[str]) -> None:
    """Check every path first, then write the output and its companions."""
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
