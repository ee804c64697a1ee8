"""What ``aic-compile`` writes: an MLIR level as text, or a CPU artifact from the LLVM level.

Outputs are written to a temporary file and renamed into place, so a failed compile leaves
any existing file untouched, and the output may never be the input model itself.
"""

from __future__ import annotations

import os
import tempfile

from aic.compiler import cpu_backend
from aic.compiler.driver import CompileOptions, compile_module
from aic.compiler.stages import MLIR_LEVELS
from aic.errors import AicError
from aic.runner import parse_shape

SUFFIX = {"llvmir": ".ll", "asm": ".s", "obj": ".o", "lib": ".so"}


def default_output(model: str, emit: str) -> str:
    stem = os.path.splitext(model)[0]
    return stem + SUFFIX.get(emit, f".{emit}.mlir")


def emit(model: str, what: str, output: str | None, *, target: str = "cpu",
         dump_dir: str | None = None, input_shapes: list[str] = (), debuginfo: bool = False,
         threads: int | None = None) -> str:
    output = output or default_output(model, what)
    if os.path.exists(output) and os.path.samefile(output, model):
        raise AicError(f"refusing to overwrite the input model '{model}'")
    shapes = dict(parse_shape(s) for s in input_shapes) or None
    level = what if what in MLIR_LEVELS else "llvm"
    result = compile_module(model, CompileOptions(target, shapes, dump_dir=dump_dir, emit=level,
                                                  threads=threads))
    with result.module.context:
        text = result.module.operation.get_asm(enable_debug_info=debuginfo and what == level)
    if what in MLIR_LEVELS:
        _write_text(output, text)
    elif what == "llvmir":
        _write_text(output, cpu_backend.to_llvm_ir(text))
    elif what == "asm":
        _write_text(output, cpu_backend.to_asm(cpu_backend.to_llvm_ir(text)))
    elif what == "obj":
        _atomic(output, lambda tmp: cpu_backend.to_object(cpu_backend.to_llvm_ir(text), tmp))
    elif what == "lib":
        header = os.path.splitext(output)[0] + ".h"
        _atomic(output, lambda tmp: cpu_backend.write_library(
            text, tmp, result.inputs, result.outputs, header_path=header,
            threads=result.threads))
    return output


def _write_text(path: str, text: str) -> None:
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
    _atomic(path, write)


def _atomic(path: str, produce) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".aic-", suffix=os.path.splitext(path)[1], dir=folder)
    os.close(fd)
    try:
        produce(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask if not path.endswith(".so") else 0o777 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
