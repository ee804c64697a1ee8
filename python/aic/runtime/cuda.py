"""Running a CUDA-compiled model on a GPU: the driver check and the launch path.

``driver_problem()`` says why no CUDA GPU can be used here (no ``libcuda.so.1``, ``cuInit``
failing, no device), or None. ``compile_for_gpu(model, options)`` is what
``aic.compile(target="cuda")`` (without ``emulate``) does: one clear ``AicError`` when there is
no GPU or driver, else the `nvvm` level with the kernels as PTX (the driver JIT-compiles it for
the GPU at hand) and the host code JIT-compiled against aic's CUDA runtime
(``aic.compiler.cuda_host``: ``mgpuModuleLoad``, ``mgpuLaunchKernel``, ... on the driver API).
"""

from __future__ import annotations

import ctypes

from aic.errors import AicError

EMULATE_HINT = ("aic.compile(..., target='cuda', emulate=True) / aic-run --target cuda "
                "--emulate runs the CUDA mapping on the CPU")


def driver_problem() -> str | None:
    """Why the CUDA driver cannot run kernels here (None: it can)."""
    try:
        lib = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return "no CUDA driver on this machine (libcuda.so.1 not found)"
    status = lib.cuInit(0)
    if status != 0:
        return f"the CUDA driver failed to initialise (cuInit error {status})"
    count = ctypes.c_int(0)
    status = lib.cuDeviceGetCount(ctypes.byref(count))
    if status != 0 or count.value == 0:
        return "no CUDA GPU found (cuDeviceGetCount gives 0)"
    return None


def require_gpu() -> None:
    problem = driver_problem()
    if problem is not None:
        raise AicError(f"cannot run on a CUDA GPU: {problem}; {EMULATE_HINT}")


def compile_for_gpu(model, options):
    require_gpu()
    from aic.runtime.cuda_launch import gpu_model

    return gpu_model(model, options)
