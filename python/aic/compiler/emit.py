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
         threads: int | None = None) -> str:
    """Compile ``model`` to level ``what`` of ``target``'s stage table and write it to
    ``output`` (default: beside the model; ``-``: standard output); returns the path written."""
    output = output or default_output(model, what, target)
    if output == "-" and what == "lib":
        raise AicError("a library comes with a header and libomp.so beside it: give -o PATH")
    if output != "-" and os.path.exists(output) and os.path.samefile(output, model):
        raise AicError(f"refusing to overwrite the input model '{model}'")
    shapes = dict(parse_shape(s) for s in input_shapes) or None
    options = CompileOptions(target, shapes, dump_dir=dump_dir, passes=passes, start=start,
                             threads=threads)
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
    job = Job(result.inputs, result.outputs, result.threads, target, index_checks=checks)
    for stage in path[len(mlir):]:
        value = values[stage.level] = stage.produce(values[stage.source], job)
        if dump_dir:
            index = table.levels.index(stage.level) + 1
            files.write(os.path.join(dump_dir, f"{index:02d}-{stage.level}{stage.suffix}"), value)
    if output == "-":  # standard output, as mlir-opt does
        if isinstance(value, str):
            sys.stdout.write(value)
        else:
            sys.stdout.buffer.write(value)
        sys.stdout.flush()
        return output
    files.write(output, value)
    for suffix, text in job.companions.items():
        files.write(os.path.splitext(output)[0] + suffix, text)
    for source in job.beside:
        files.copy_beside(source, output)
    return output
