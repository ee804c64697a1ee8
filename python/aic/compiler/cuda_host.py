"""aic's CUDA host runtime (``cuda_runtime.c``): the ``mgpu*`` functions the host code calls.

MLIR's ``gpu-to-llvm`` lowering makes the host code call ``mgpuModuleLoad``,
``mgpuLaunchKernel``, ``mgpuMemAlloc``, ... -- the functions of MLIR's
``libmlir_cuda_runtime.so``. That library links ``libcuda.so.1`` (so it cannot even be loaded
without a driver) and prints CUDA errors and carries on (a failed allocation returns NULL and
the host code then writes through it). aic's own runtime implements the same functions on
the driver API loaded with ``dlopen``; it records the first CUDA error of a call, degrades the
rest of the call (launches skipped, allocations on the host) and reports it:
``aic_cuda_begin()`` / ``aic_cuda_finish()`` / ``aic_cuda_error()``, so a model call ends in an
``AicError`` (the JIT) or an ``AIC_ERROR_CUDA`` code (a library) with CUDA's message, never a
crash. ``$AIC_CUDA_DRIVER`` replaces ``libcuda.so.1`` (the tests load a fake driver).

``SOURCE`` is compiled into every CUDA model library; ``shared_runtime()`` builds it once as
``libaic_cuda_runtime.so`` (in the compile cache folder, named by the source's hash) for the
JIT, and ``Runtime`` is its ctypes face. May import the compiler's own modules.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path

from aic.compiler import native
from aic.errors import AicError

SOURCE = Path(__file__).with_name("cuda_runtime.c")
COUNTERS = ("allocations", "frees", "launches", "copies")
"""``aic_cuda_counters``: device allocations, frees, kernel launches, ``mgpuMemcpy`` calls."""


def c_compiler() -> str:
    return native.c_compiler("build aic's CUDA runtime")


@functools.cache
def shared_runtime() -> str:
    """Path of ``libaic_cuda_runtime.so``, built from ``SOURCE`` on first use."""
    return native.shared_object(SOURCE, "libaic_cuda_runtime", ("-ldl", "-lpthread"),
                                "aic's CUDA runtime")


class Runtime:
    """The JIT's handle on the runtime library (the same copy the JIT-compiled code calls)."""

    def __init__(self, path: str | None = None):
        self.lib = ctypes.CDLL(path or shared_runtime())
        self.lib.aic_cuda_error.restype = ctypes.c_char_p

    def error(self) -> str:
        return self.lib.aic_cuda_error().decode(errors="replace")

    def begin(self) -> None:
        """Before a call: clears the last call's error; raises when no GPU can be used."""
        if self.lib.aic_cuda_begin() != 0:
            raise AicError(self.error())

    def finish(self) -> None:
        """After a call: waits for the kernels; raises with the call's first CUDA error."""
        if self.lib.aic_cuda_finish() != 0:
            raise AicError(self.error())

    def counters(self) -> dict[str, int]:
        out = (ctypes.c_longlong * len(COUNTERS))()
        self.lib.aic_cuda_counters(out)
        return dict(zip(COUNTERS, out))
