"""Threads on the CPU: how many, and LLVM's OpenMP runtime that runs them.

A compiled model runs on a fixed number of threads, chosen at compile time and stored in the
module's ``hw.target`` (its ``cores``): ``thread_count(threads)`` resolves the request —
an explicit count, else the ``AIC_NUM_THREADS`` environment variable, else 0, meaning "the
target's own cores" (the host: every core this process may run on). The lowering
(``aic-convert-scf-to-openmp``) turns the kernels' parallel tile loops into OpenMP regions
with that many threads, which call ``libomp`` (the ``cmeel-libomp`` wheel, found through
``importlib.metadata``, never a hard-coded path). The JIT loads it as a shared library; a
model library links it with the rpath ``$ORIGIN`` (a copy written beside the library) and
then the wheel's folder.

On a shared machine two OpenMP defaults hurt: idle workers spin ``KMP_BLOCKTIME`` ms
(libomp's default: 200) before they sleep, and a region always waits for all its threads,
even one the OS has not scheduled (on an oversubscribed machine each region then costs a
scheduler time slice). ``RUNTIME_DEFAULTS`` change both — workers sleep after
``BLOCKTIME_MS``, and ``OMP_DYNAMIC=true`` lets libomp run a region on fewer threads than
asked when the machine is busy (the compiled count is the upper bound) — unless the user set
the variable: in the environment before the JIT loads libomp, and from a constructor of each
model library (``OMP_DYNAMIC=false`` forces the full count, e.g. to measure speed-ups).

May import only the standard library and ``aic.errors``.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os

from aic.errors import AicError

ENV_THREADS = "AIC_NUM_THREADS"
BLOCKTIME_MS = 1
"""How long (ms) an idle worker spins before it sleeps: long enough to bridge the gap between
the kernels of one model call, short enough not to burn a shared core between calls."""
LIBRARY = "libomp.so"


def thread_count(threads: int | None = None) -> int:
    """Threads a compile asks for: ``threads``, else ``$AIC_NUM_THREADS``, else 0 (all cores)."""
    source = "threads"
    if threads is None:
        raw = os.environ.get(ENV_THREADS, "").strip()
        if not raw:
            return 0
        source = ENV_THREADS
        try:
            threads = int(raw)
        except ValueError:
            raise AicError(f"{ENV_THREADS} must be a positive integer, got '{raw}'") from None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise AicError(f"{source} must be a positive integer, got {threads!r}")
    return threads


@functools.cache
def libomp_path() -> str:
    """The ``libomp.so`` of the installed ``cmeel-libomp`` wheel."""
    try:
        dist = importlib.metadata.distribution("cmeel-libomp")
    except importlib.metadata.PackageNotFoundError:
        raise AicError("the OpenMP runtime is missing: pip install cmeel-libomp") from None
    for file in dist.files or []:
        if file.name == LIBRARY and file.parent.name == "lib":
            path = str(dist.locate_file(file))
            if os.path.exists(path):
                return path
    raise AicError(f"the cmeel-libomp wheel has no lib/{LIBRARY}: reinstall it")


RUNTIME_DEFAULTS = {"KMP_BLOCKTIME": str(BLOCKTIME_MS), "OMP_DYNAMIC": "true"}


def runtime_defaults() -> None:
    """Set ``RUNTIME_DEFAULTS`` in this process's environment where the user did not."""
    for name, value in RUNTIME_DEFAULTS.items():
        os.environ.setdefault(name, value)


def link_flags() -> list[str]:
    """C-compiler flags that link libomp, found at run time beside the library or in the wheel."""
    folder = os.path.dirname(libomp_path())
    return [f"-L{folder}", "-lomp", "-Wl,-rpath,$ORIGIN", f"-Wl,-rpath,{folder}"]


CONSTRUCTOR_C = "\n".join([
    "#include <stdlib.h>",
    "/* OpenMP defaults for a shared machine, unless the environment says otherwise. */",
    "__attribute__((constructor)) static void aic_openmp_defaults(void) {",
    *[f'  setenv("{name}", "{value}", 0);' for name, value in RUNTIME_DEFAULTS.items()],
    "}", ""])
"""C source for a model library: ``RUNTIME_DEFAULTS``, set when the library is loaded."""
