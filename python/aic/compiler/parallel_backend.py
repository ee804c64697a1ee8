"""A large model's object code compiled in parts, on all cores.

LLVM's ``-O3`` (``opt``) and code generation (``llc``) are most of a large CPU compile, and
each runs on one core. A module whose LLVM IR is large is split by ``llvm-split`` into
``part_count`` modules (``--round-robin``: the functions in module order dealt to the parts
with the fewest so far; ``@main`` comes first, so part 0 holds it and one kernel fewer than
the others), each part is optimized and compiled by its own ``opt | llc`` processes, up to
``compile_jobs()`` at a time, and the parts' objects are merged in part order.

Determinism: the number of parts is a function of the module alone, never of the machine or
of the worker count, and every part is compiled by the same commands -- so the object (and
the library) is the same bytes with 1 worker or 16. Local symbols (the ``..omp_par``
functions OpenMP outlines, private constants) are made hidden globals by ``llvm-split`` so
that the parts can call each other; the library's version script keeps them unexported.

What a split costs: the parts are optimized apart, so nothing is inlined across them. The
kernels called from ``@main`` are OpenMP-outlined functions reached through
``__kmpc_fork_call`` (never inlined), so this is what ``-O3`` did on the whole module too.

May import the shim, the errors and the timing spans.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

from aic import timing
from aic.errors import AicError
from aic.mlir_api import tool_path

SPLIT_BYTES = 1 << 20
"""LLVM IR of at least this many bytes (1 MiB of text: ~1 s of ``opt`` and ``llc``) is
split; below it a second core gains less than the split costs."""

MAX_PARTS = 8
"""Parts of a split module. ``@main`` (the sequential code between the kernels) is a large
share of the work (DenseNet-121: a third), so its part gets the fewest kernels: 8 parts
balance 2 workers (``@main``'s part against the other 7) and leave more for more cores."""


def part_count(llvm_ir: str) -> int:
    """How many parts ``llvm_ir`` is compiled in: 1 (not split) below ``SPLIT_BYTES``, else
    ``MAX_PARTS`` or the number of functions it defines if fewer."""
    if len(llvm_ir) < SPLIT_BYTES:
        return 1
    return max(1, min(MAX_PARTS, llvm_ir.count("\ndefine ")))


def compile_jobs() -> int:
    """How many parts compile at once: ``$AIC_COMPILE_JOBS``, else the cores this process
    may run on. Never changes the output."""
    text = os.environ.get("AIC_COMPILE_JOBS", "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise AicError(f"AIC_COMPILE_JOBS must be a positive integer, got '{text}'")
        return int(text)
    return len(os.sched_getaffinity(0))


def compile_parts(llvm_ir: str, folder: str, parts: int, opt: list[str], llc: list[str],
                  jobs: int | None = None) -> list[str]:
    """Split ``llvm_ir`` into ``parts`` modules in ``folder`` and compile each with the
    ``opt`` then ``llc`` command (without input and output); returns the object files in
    part order. The largest parts start first (the one holding ``@main`` is the longest)."""
    prefix = os.path.join(folder, "part")
    with timing.span("llvm-split"):
        _run([tool_path("llvm-split"), f"-j{parts}", "--round-robin", "-o", prefix, "-"],
             "llvm-split", llvm_ir.encode())
    modules = [f"{prefix}{i}" for i in range(parts)]
    order = sorted(modules, key=lambda m: (-os.path.getsize(m), m))
    jobs = min(parts, jobs or compile_jobs())
    with timing.span(f"opt + llc ({parts} parts, {jobs} at a time)"), \
            ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(lambda m: _codegen(m, opt, llc), order))
    return [m + ".o" for m in modules]


def _codegen(module: str, opt: list[str], llc: list[str]) -> None:
    """``opt`` then ``llc`` on one part (bitcode between them); removes the part's module."""
    _run([*opt, "-o", module + ".bc", module], "opt")
    os.remove(module)
    _run([*llc, "-filetype=obj", "-o", module + ".o", module + ".bc"], "llc")
    os.remove(module + ".bc")


def _run(cmd: list[str], what: str, stdin: bytes | None = None) -> None:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip().splitlines() or ["(no message)"]
        raise AicError(f"{what} failed: {err[0]}")
