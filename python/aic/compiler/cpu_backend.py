"""CPU artifacts after the LLVM dialect: LLVM IR, assembly, object, shared library.

The library exports a C entry point (declared in the generated header ``<lib>.h``; the ABI
is ``aic.compiler.c_entry``)::

    int aic_run(const aic_tensor *in, size_t n_in, aic_tensor *out, size_t n_out);
    const char *aic_last_error(void);  /* why the last aic_run of this thread failed */
    const char *aic_signature(void);   /* JSON: names, shapes, dtypes of inputs/outputs */

Inputs and outputs are dense row-major buffers in graph order, checked before the model
runs; an index out of range in the input data is reported after it (``AIC_ERROR_INPUT``).
Weights are embedded in the library's read-only data: the constants of 4 KiB or more never
pass through LLVM IR text (``aic.compiler.weights``: the IR declares them external, their
bytes are assembled into an object of their own and linked in), and ``opt`` hands ``llc``
bitcode. ``--emit llvmir``/``asm`` show the code with the weights as external symbols.
The kernels run on OpenMP threads: ``libomp.so`` is written beside the library (see ``aic.compiler.openmp``); keep the two
together when copying. Tools: ``mlir-translate`` and ``llc`` from the pinned wheels, the
system C compiler (``cc``) to link. ``aic.runtime.library.load_library`` loads one back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile


from aic import timing
from aic.compiler import files, native, openmp, parallel_backend
from aic.compiler.c_entry import EXPORTS, HEADER, wrapper_source
from aic.compiler.weights import weights_object
from aic.errors import AicError
from aic.mlir_api import runtime_library, tool_path

LLC_FLAGS = ["-O3", "-relocation-model=pic"]


def host_triple() -> str:
    """This machine's target triple. mlir-translate writes none, and for a module without
    one LLVM knows no C library: ``llvm.memset``/``llvm.memcpy`` (every fill and copy of a
    buffer) became byte-at-a-time loops instead of calls."""
    global _TRIPLE
    if _TRIPLE is None:
        proc = subprocess.run([tool_path("llvm-config"), "--host-target"], capture_output=True,
                              text=True)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise AicError(f"llvm-config --host-target failed: {proc.stderr.strip()}")
        _TRIPLE = proc.stdout.strip()
    return _TRIPLE


_TRIPLE: str | None = None
LLVM_CPU = {"avx512": "skylake-avx512", "avx2": "haswell", "sse": "x86-64-v2", "generic": "x86-64"}
"""LLVM's CPU per ``hw.target`` ISA (a preset's code runs on any CPU of that ISA); the host
target (``cpu``) compiles for ``native``, so the IR's vector width and the machine code agree."""


def llvm_cpu(target: str = "cpu") -> str:
    """The ``-mcpu`` for the CPU target called ``target`` (``cpu``: this machine)."""
    from aic import targets

    if target == "cpu":
        return "native"
    try:
        return LLVM_CPU.get(getattr(targets.resolve(target), "isa", ""), "x86-64")
    except ValueError:
        return "native"


def _tool(cmd: list[str], stdin: str | bytes | None = None, what: str = "") -> str | bytes:
    """Run ``cmd`` on ``stdin``; its standard output, text for text input and none (``None``),
    bytes for bytes input (bitcode)."""
    binary = isinstance(stdin, bytes)
    with timing.span(what or os.path.basename(cmd[0])):
        proc = subprocess.run(cmd, input=stdin, capture_output=True, text=not binary)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace") if binary else proc.stderr
        first = (err.strip().splitlines() or ["(no message)"])[0]
        raise AicError(f"{what or cmd[0]} failed: {first}")
    return proc.stdout


def to_llvm_ir(llvm_dialect: str | bytes) -> str:
    """LLVM IR of an LLVM-dialect module given as text or MLIR bytecode."""
    out = _tool([tool_path("mlir-translate"), "--mlir-to-llvmir"], llvm_dialect,
                "mlir-translate")
    return out.decode() if isinstance(out, bytes) else out


def optimize(llvm_ir: str, cpu: str = "native") -> bytes:
    """LLVM's ``-O3`` pipeline for ``cpu`` (what the JIT runs), before code generation; the
    result is bitcode (``llc`` reads it without parsing text)."""
    return _tool([tool_path("opt"), "-O3", f"-mtriple={host_triple()}", f"-mcpu={cpu}",
                  "-o", "-"], llvm_ir.encode(), "opt")


def to_asm(llvm_ir: str, cpu: str = "native") -> str:
    """Assembly of the code; weights (``aic.compiler.weights``) stay external symbols."""
    return _tool([*_llc(cpu), "-filetype=asm", "-o", "-"], optimize(llvm_ir, cpu),
                 "llc").decode()


def to_object(llvm_ir: str, path: str, cpu: str = "native", weights=(),
              jobs: int | None = None) -> None:
    """The object file ``path``: the code, and the ``weights`` its IR declares external (an
    object of their own, merged in by a relocatable link). Large IR is compiled in parts on
    ``jobs`` workers (``aic.compiler.parallel_backend``; default: every core) -- the same
    bytes for any ``jobs``."""
    parts = parallel_backend.part_count(llvm_ir)
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        if parts > 1:
            code = _parallel(llvm_ir, tmp, parts, cpu, jobs)
        else:
            code = [os.path.join(tmp, "code.o") if weights else path]
            _tool([*_llc(cpu), "-filetype=obj", "-o", code[0]], optimize(llvm_ir, cpu), "llc")
        if code != [path]:
            merge_objects(code, weights, path, tmp)


def _llc(cpu: str) -> list[str]:
    return [tool_path("llc"), *LLC_FLAGS, f"-mcpu={cpu}"]


def _parallel(llvm_ir: str, folder: str, parts: int, cpu: str, jobs: int | None) -> list[str]:
    opt = [tool_path("opt"), "-O3", f"-mtriple={host_triple()}", f"-mcpu={cpu}"]
    return parallel_backend.compile_parts(llvm_ir, folder, parts, opt, _llc(cpu), jobs)


def merge_objects(code: list[str], weights, path: str, folder: str) -> None:
    """Write object ``path``: the ``code`` objects, in order, plus the ``weights`` object
    (``ld -r``); ``folder``: an empty temporary folder."""
    data = [weights_object(weights, os.path.join(folder, "weights.o"), folder)] if weights else []
    _tool([_cc(), "-r", "-nostdlib", "-o", path, *code, *data], what="merge objects")


def _cc() -> str:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise AicError("no C compiler (cc/gcc) found: needed to link the shared library")
    return cc


def write_library(llvm_dialect_text: str, path: str, inputs, outputs,
                  header_path: str | None = None, threads: int = 0, target: str = "cpu",
                  index_checks=(), weights=()) -> str:
    """Link a shared library at ``path`` and write its C header (default: ``<stem>.h``).

    Each file is written to a new file and renamed into place, never overwritten in place: a
    process that has the old library loaded keeps its (unchanged) mapping.

    ``libomp.so`` is copied beside it (the library finds it through ``$ORIGIN``, else in the
    cmeel-libomp wheel); ``threads`` (its ``hw.target`` cores) goes into ``aic_signature``;
    ``index_checks`` describe ``@main``'s status result (``aic.compiler.index_checks``);
    ``weights``: the constants the module declares external (``aic.compiler.weights``).
    """
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        obj = os.path.join(tmp, "model.o")
        to_object(to_llvm_ir(llvm_dialect_text), obj, llvm_cpu(target), weights)
        link_library(obj, path, inputs, outputs, threads, index_checks)
    files.copy_beside(openmp.libomp_path(), path)
    files.write(header_path or os.path.splitext(path)[0] + ".h", HEADER)
    return path


BF16_LINK_FLAGS = ("-Wl,--as-needed", "-lmlir_float16_utils", "-Wl,--no-as-needed")
"""LLVM converts f32 -> bf16 with a call to ``__truncsfbf2`` on CPUs without AVX512-BF16; GCC
before 13 has no such builtin, MLIR's ``mlir_float16_utils`` does. Linked only where used."""


def link_library(obj: str, path: str, inputs, outputs, threads: int = 0,
                 index_checks=()) -> None:
    """Link object file ``obj`` with the C entry wrapper into a shared library at ``path``
    (written beside it and renamed into place)."""
    cc = _cc()
    libdir = os.path.dirname(runtime_library("mlir_c_runner_utils"))
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        wrapper = os.path.join(tmp, "wrapper.c")
        with open(wrapper, "w") as f:
            f.write(wrapper_source(inputs, outputs, threads, index_checks))
        # Export only the C entry points: the model's own symbols (its function is `main`)
        # must not clash with the program that links the library.
        exports = os.path.join(tmp, "exports.map")
        with open(exports, "w") as f:
            f.write(f"{{ global: {'; '.join(EXPORTS)}; local: *; }};\n")
        out_tmp = os.path.join(tmp, "model.so")
        _tool([cc, "-shared", "-fPIC", "-O2", "-o", out_tmp, wrapper, str(native.BUFFER_CACHE),
               obj, f"-L{libdir}", "-lmlir_c_runner_utils", "-lpthread", *BF16_LINK_FLAGS,
               *openmp.link_flags(),
               f"-Wl,-rpath,{libdir}",
               f"-Wl,--version-script={exports}", "-lm"], what="linking")
        files.atomic(path, lambda tmp: shutil.copyfile(out_tmp, tmp))


# -- the CPU stage table's artifact stages (aic.compiler.stages): value of the source stage
#    and the job (the model's interface, companion files) in, the stage's output out ----------

def llvmir_stage(llvm_dialect: str | bytes, job) -> str:
    return to_llvm_ir(llvm_dialect)


def asm_stage(llvm_ir: str, job) -> str:
    return to_asm(llvm_ir, llvm_cpu(job.target))


def obj_stage(llvm_ir: str, job) -> bytes:
    """The object file, weights included (the job lets go of them: the object holds them)."""
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        path = os.path.join(tmp, "model.o")
        to_object(llvm_ir, path, llvm_cpu(job.target), job.weights, job.jobs)
        job.weights = []
        with open(path, "rb") as f:
            return f.read()


def lib_stage(obj: bytes, job) -> bytes:
    """The shared library; its C header becomes the job's ``.h`` companion file."""
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        obj_path, lib_path = os.path.join(tmp, "model.o"), os.path.join(tmp, "model.so")
        with open(obj_path, "wb") as f:
            f.write(obj)
        link_library(obj_path, lib_path, job.inputs, job.outputs, job.threads,
                     job.index_checks)
        with open(lib_path, "rb") as f:
            data = f.read()
    job.companions[".h"] = HEADER
    job.beside.append(openmp.libomp_path())
    return data
