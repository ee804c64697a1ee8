"""CUDA GPU descriptions by sm version: shared memory per block, warp size, mma shape.

``mma`` is the f16 tensor-core instruction shape (m, n, k) the lowering tiles for
(``mma.sync.m16n8k16`` on sm_80 and later). Values are those of the architecture (opt-in shared
memory per block), not of a particular board. ``ARCHS`` maps the ``--gpu-arch`` names to the
presets and to the PTX the NVVM backend must write for them (``chip``, ``features``): sm_90
code uses ``sm_90a`` (its warpgroup/TMA instructions) and PTX 8.0, sm_89 PTX 7.8, sm_80/86 PTX
7.6 (LLVM's default PTX version is too old for all of them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CudaTarget:
    sm: int = 80
    smem: int = 163 * 1024
    warp: int = 32
    mma: tuple = (16, 8, 16)
    max_threads: int = 1024

    kind = "cuda"

    def problems(self) -> list[str]:
        out = []
        if self.sm < 50:
            out.append(f"sm {self.sm} is too old (>= 50)")
        if self.warp != 32:
            out.append(f"warp must be 32 on NVIDIA GPUs, got {self.warp}")
        if len(self.mma) != 3 or any(v < 1 for v in self.mma):
            out.append(f"mma must be three positive sizes (m, n, k), got {list(self.mma)}")
        if self.smem < 1 or self.max_threads < 1:
            out.append("smem and max_threads must be >= 1")
        return out


CUDA_PRESETS = {
    "cuda-sm80": CudaTarget(80, 163 * 1024, 32, (16, 8, 16), 1024),
    "cuda-sm86": CudaTarget(86, 99 * 1024, 32, (16, 8, 16), 1024),
    "cuda-sm89": CudaTarget(89, 99 * 1024, 32, (16, 8, 16), 1024),
    "cuda-sm90": CudaTarget(90, 227 * 1024, 32, (16, 8, 16), 1024),
}

ARCHS = {  # --gpu-arch -> (preset, PTX chip, PTX features)
    "sm_80": ("cuda-sm80", "sm_80", "+ptx76"),
    "sm_86": ("cuda-sm86", "sm_86", "+ptx76"),
    "sm_89": ("cuda-sm89", "sm_89", "+ptx78"),
    "sm_90": ("cuda-sm90", "sm_90a", "+ptx80"),
}
DEFAULT_ARCH = "sm_80"


def target_name(target: str, gpu_arch: str | None = None) -> str:
    """The preset name for ``target`` (``cuda`` or a ``cuda-smNN`` preset) and ``gpu_arch``
    (``sm_80`` ...; None: the preset's own, for plain ``cuda`` sm_80). ValueError on a
    mismatch or an unknown arch."""
    if gpu_arch is not None and gpu_arch not in ARCHS:
        raise ValueError(f"unknown --gpu-arch '{gpu_arch}' (one of {', '.join(ARCHS)})")
    if target == "cuda":
        return ARCHS[gpu_arch or DEFAULT_ARCH][0]
    if gpu_arch is not None and ARCHS[gpu_arch][0] != target:
        raise ValueError(f"--gpu-arch {gpu_arch} does not match target '{target}'")
    return target


def ptx_arch(target: CudaTarget) -> tuple[str, str]:
    """(chip, features) of the PTX written for ``target``."""
    for preset, chip, features in ARCHS.values():
        if CUDA_PRESETS[preset].sm == target.sm:
            return chip, features
    return f"sm_{target.sm}", "+ptx80"
