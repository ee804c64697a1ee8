"""CUDA GPU descriptions by sm version: shared memory per block, warp size, mma shape.

``mma`` is the f16 tensor-core instruction shape (m, n, k) the lowering tiles for
(``mma.sync.m16n8k16`` on sm_80 and sm_90). Values are those of the architecture (opt-in shared
memory per block), not of a particular board.
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
    "cuda-sm90": CudaTarget(90, 227 * 1024, 32, (16, 8, 16), 1024),
}
