"""The tiling of a contraction kernel for CUDA tensor cores, chosen from the ``CudaTarget``.

A plan is the whole shape of the generated kernel: one block per ``bm x bn`` output tile
(grid ``(n / bn, m / bm, batch)``), ``warps_m x warps_n`` warps per block, each owning a
``(bm / warps_m) x (bn / warps_n)`` warp tile made of ``mma`` tiles (m16n8k8 TF32 for f32,
m16n8k16 for f16; f32 accumulators in registers), and a k loop over ``bk``-deep slices of A
and B staged in shared memory through ``stages`` buffers (``cp.async`` double buffering).

Policy: block tiles are tried largest first (128x128, 128x64, 64x128, 64x64, 64x32, 32x64,
32x32, 16x32, 16x16 ...) and the first that divides M and N into at least ``MIN_BLOCKS``
blocks is taken (else the smallest that divides them); ``bk`` is 32 (f16) or 16 (f32) when it
divides K, else 8/16;
the stage buffers (rows padded by 16 bytes against bank conflicts) must fit the 48 KiB of
static shared memory a block may use without opt-in (the target's ``smem`` is the opt-in
maximum, which needs dynamic shared memory -- not used); the accumulators of a warp tile are
kept at <= 64 f32 registers per thread so that ``ptxas`` needs no spills. Extents that are
not multiples of the mma shape have no plan (``None``): the caller keeps its generic
thread-parallel mapping for them.

Implicit GEMM: a convolution reaches the tensor cores as the matmul of the filter (F x CKK)
and its patch matrix (CKK x OHW, one image). When the patch copy carries ``IM2COL_ATTR``
(set by ``aic-convert-linalg-to-tiled`` on a CUDA target, kept on its `hw.parallel`), the plan
gets an ``Im2col``: the kernel reads each B element straight from the image (a 4-byte
``cp.async`` per element, zero-filled in the padding) and the patch matrix is never written.

May import: the target descriptions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aic.targets import CudaTarget

IM2COL_ATTR = "aic.im2col"  # {pads, strides, dilations} of a patch copy the mma kernel reads
STATIC_SMEM = 48 * 1024
PAD_BYTES = 16
MAX_ACC_REGS = 64
MIN_BLOCKS = 32  # the largest tile giving this many blocks; else the smallest
MAX_PAD = 0.25  # padded_extents: the largest share of a padded M or N that may be padding
BLOCK_TILES = ((128, 128), (128, 64), (64, 128), (64, 64), (64, 32), (32, 64), (32, 32),
               (16, 64), (16, 32), (16, 16), (16, 8))
PRECISIONS = ("tf32", "f32")


@dataclass(frozen=True)
class Im2col:
    """B[k, p] = image[0, c, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl] (0 outside), with
    ``k = (c * KH + kh) * KW + kw`` and ``p = oh * OW + ow``: the patch matrix of a
    convolution over one ``C x H x W`` image (``image``), the ``window`` KH x KW and the output
    ``out`` OH x OW."""
    image: tuple  # (C, H, W)
    window: tuple  # (KH, KW)
    out: tuple  # (OH, OW)
    pads: tuple  # (top, left)
    strides: tuple
    dilations: tuple

    @property
    def rows(self) -> int:
        """K of the patch matrix (the plan's k may be padded past it)."""
        return self.image[0] * self.window[0] * self.window[1]

    @property
    def columns(self) -> int:
        """N of the patch matrix (the plan's n may be padded past it)."""
        return self.out[0] * self.out[1]


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
    im2col: Im2col | None = None  # B is read from this convolution's image (f32, unbatched)
    warpgroup: bool = False  # sm_90 wgmma kernel (mma_lib.wgmma): core-matrix shared layout
    out: str = ""  # C's element type when it is not ``dtype`` (f16 inputs, f32 accumulators)
    rounded: tuple = (False, False)  # A, B: constants already rounded to TF32 (compile time)
    b_kmajor: bool = False  # B passed transposed, n x k (a constant; the warpgroup kernel)

    @property
    def out_dtype(self) -> str:
        return self.out or self.dtype

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
        """A's and B's stage buffers: padded rows, or (warpgroup) flat core-matrix tiles."""
        bm, bn, bk = self.block
        if self.warpgroup:
            return (self.stages * bm * bk,), (self.stages * bk * bn,)
        return (self.stages, bm, bk + self.pad), (self.stages, bk, bn + self.pad)

    @property
    def smem_bytes(self) -> int:
        return sum(math.prod(s) for s in self.smem_shapes) * self.element_bytes

    @property
    def acc_registers(self) -> int:
        wm, wn = self.warp_tile
        return wm * wn // 32

    def describe(self) -> str:
        bm, bn, bk = self.block
        if self.warpgroup:
            return (f"block {bm}x{bn}x{bk}, {bm // 64} warpgroups, wgmma m64n{bn}k8, "
                    f"{self.stages} stages, {self.smem_bytes} B shared")
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


def padded_extents(m: int, n: int, k: int, dtype: str, target: CudaTarget) -> list[int] | None:
    """``[m', n', k']`` that tensor-core tiles divide, for a matmul that none divides (N = 196
    columns of a 14x14 feature map, K = 147 of a 7x7 stem); None when tiles already divide it,
    when no mma applies, or when padding would add over ``MAX_PAD`` of M or N. N is rounded
    up to the largest of 64, 32, 16, 8 that wastes at most an eighth of it, M to 16, K to the
    mma's k (a padded K only adds 0 * 0 products)."""
    shape = mma_shape(dtype)
    if shape is None or target.sm < 80 or (block_tile(m, n) and k % shape[2] == 0):
        return None
    padded_m = _round_up(m, shape[0])
    rounded = [_round_up(n, q) for q in (64, 32, 16, 8)]
    padded_n = next((r for r in rounded if r - n <= r / 8), rounded[-1])
    if padded_m - m > MAX_PAD * padded_m or padded_n - n > MAX_PAD * padded_n:
        return None
    return [padded_m, padded_n, _round_up(k, shape[2])]


def _round_up(value: int, quantum: int) -> int:
    return -(-value // quantum) * quantum


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
