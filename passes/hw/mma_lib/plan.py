"""The tiling of a contraction kernel for CUDA tensor cores, chosen from the ``CudaTarget``.

A plan is the whole shape of the generated kernel: one block per ``bm x bn`` output tile
(grid ``(n / bn, m / bm, batch)``), ``warps_m x warps_n`` warps per block, each owning a
``(bm / warps_m) x (bn / warps_n)`` warp tile made of ``mma`` tiles (m16n8k8 TF32 for f32,
m16n8k16 for f16; f32 accumulators in registers), and a k loop over ``bk``-deep slices of A
and B staged in shared memory through ``stages`` buffers (``cp.async`` double buffering).

Policy: block tiles are tried largest first (128x128, 128x64, 64x128, 64x64, 64x32, 32x64,
32x32, 16x32, 16x16 ...) and the first that divides M and N into at least ``MIN_BLOCKS`` blocks is taken
(else the smallest that divides them); ``bk`` is 32 (f16) or 16 (f32) when it divides K, else 8/16;
the stage buffers (rows padded by 16 bytes against bank conflicts) must fit the 48 KiB of
static shared memory a block may use without opt-in (the target's ``smem`` is the opt-in
maximum, which needs dynamic shared memory -- not used); the accumulators of a warp tile are
kept at <= 64 f32 registers per thread so that ``ptxas`` needs no spills. Extents that are
not multiples of the mma shape have no plan (``None``): the caller keeps its generic
thread-parallel mapping for them.

May import: the target descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass

from aic.targets import CudaTarget

STATIC_SMEM = 48 * 1024
PAD_BYTES = 16
MAX_ACC_REGS = 64
MIN_BLOCKS = 32  # the largest tile giving this many blocks; else the smallest
BLOCK_TILES = ((128, 128), (128, 64), (64, 128), (64, 64), (64, 32), (32, 64), (32, 32),
               (16, 64), (16, 32), (16, 16), (16, 8))
PRECISIONS = ("tf32", "f32")


@dataclass(frozen=True)
class MmaPlan:
    m: int
    n: int
    k: int
    batch: int
    dtype: str  # "f32" (TF32 tensor cores) or "f16"
    block: tuple  # (bm, bn, bk)
    warps: tuple  # (warps_m, warps_n)
    mma: tuple  # (16, 8, 8) tf32 or (16, 8, 16) f16
    stages: int = 2
    batched: bool = False  # A, B, C have a leading batch dim (grid z), even of extent 1

    @property
    def warp_tile(self) -> tuple[int, int]:
        return self.block[0] // self.warps[0], self.block[1] // self.warps[1]

    @property
    def threads(self) -> int:
        return 32 * self.warps[0] * self.warps[1]

    @property
    def grid(self) -> tuple[int, int, int]:
        return self.n // self.block[1], self.m // self.block[0], self.batch

    @property
    def element_bytes(self) -> int:
        return 2 if self.dtype == "f16" else 4

    @property
    def pad(self) -> int:
        """Elements added to each shared row (16 bytes: rows stay 16-byte aligned)."""
        return PAD_BYTES // self.element_bytes

    @property
    def smem_shapes(self) -> tuple[tuple, tuple]:
        bm, bn, bk = self.block
        return (self.stages, bm, bk + self.pad), (self.stages, bk, bn + self.pad)

    @property
    def smem_bytes(self) -> int:
        a, b = self.smem_shapes
        return (a[0] * a[1] * a[2] + b[0] * b[1] * b[2]) * self.element_bytes

    @property
    def acc_registers(self) -> int:
        wm, wn = self.warp_tile
        return wm * wn // 32

    def describe(self) -> str:
        bm, bn, bk = self.block
        return (f"block {bm}x{bn}x{bk}, {self.warps[0]}x{self.warps[1]} warps "
                f"(warp tile {self.warp_tile[0]}x{self.warp_tile[1]}), "
                f"mma m{self.mma[0]}n{self.mma[1]}k{self.mma[2]}, {self.stages} stages, "
                f"{self.smem_bytes} B shared")


def mma_shape(dtype: str) -> tuple[int, int, int] | None:
    return {"f32": (16, 8, 8), "f16": (16, 8, 16)}.get(dtype)


def plan(m: int, n: int, k: int, dtype: str, target: CudaTarget, batch: int = 1,
         precision: str = "tf32", block: tuple | None = None) -> MmaPlan | None:
    """The tensor-core plan for ``batch x (m x k) @ (k x n)``; None when tensor cores do not
    apply (an sm below 80, full f32 precision, another element type, or extents that are
    not multiples of the mma shape). ``block`` (bm, bn) imposes the block tile (the tiled
    kernel's tile): it must divide m and n into whole mma tiles."""
    shape = mma_shape(dtype)
    if shape is None or target.sm < 80 or (dtype == "f32" and precision == "f32"):
        return None
    if m % shape[0] or n % shape[1] or k % shape[2]:
        return None
    bk = next((b for b in ((32, 16) if dtype == "f16" else (16, 8)) if k % b == 0), None)
    if bk is None or k % bk:
        return None
    tile = tuple(block) if block else block_tile(m, n, batch)
    if tile is None or m % tile[0] or n % tile[1] or tile[0] % shape[0] or tile[1] % shape[1]:
        return None
    bm, bn = tile
    candidate = MmaPlan(m, n, k, batch, dtype, (bm, bn, bk), _warps(bm, bn, shape), shape)
    if candidate.smem_bytes > min(STATIC_SMEM, target.smem):
        return None
    return candidate


def block_tile(m: int, n: int, batch: int = 1) -> tuple[int, int] | None:
    """The block tile policy (see the module docstring); None when no tile divides m and n."""
    fits = [(bm, bn) for bm, bn in BLOCK_TILES if m % bm == 0 and n % bn == 0]
    big = [t for t in fits if batch * (m // t[0]) * (n // t[1]) >= MIN_BLOCKS]
    return (big or fits[-1:] or [None])[0]


def tile_sizes(space: list[int], target: CudaTarget) -> list[int] | None:
    """`tiled` tile sizes of a matmul ``(m, n, k)`` or batched matmul ``(b, m, n, k)`` kernel
    on ``target``: batch tile 1, the block tile and a k tile of up to 32 (the mma plan
    re-slices k); None: no tensor-core block tile."""
    *batch, m, n, k = space
    tile = block_tile(m, n, batch[0] if batch else 1) if target.sm >= 80 else None
    if tile is None:
        return None
    return [1] * len(batch) + [*tile, next(d for d in range(min(k, 32), 0, -1) if k % d == 0)]


def _warps(bm: int, bn: int, shape) -> tuple[int, int]:
    """Most warps (<= 8) whose warp tiles hold whole mma tiles, preferring <= MAX_ACC_REGS
    accumulator registers per thread and square warp tiles."""
    options = [(wm, wn) for wm in (1, 2, 4) for wn in (1, 2, 4)
               if wm * wn <= 8 and bm % (wm * shape[0]) == 0 and bn % (wn * shape[1]) == 0]

    def key(w):
        wm, wn = bm // w[0], bn // w[1]
        return wm * wn // 32 <= MAX_ACC_REGS, w[0] * w[1], -abs(wm - wn)
    return max(options, key=key)
