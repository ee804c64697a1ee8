"""Tile sizes: from a target description, or from the user, made legal for an extent.

Policy for a CPU target (f32 lanes L = vector_bits / 32, register tile mr x nr with
nr = 2L and mr = 8 (L >= 16), 6 (L = 8) or 4):

* contraction: innermost parallel dim (N) 4*nr, next (M) 8*mr, reduction dims
  kc = power of two with (mr + nr) * kc * 4 bytes <= L1 / 2, clamped to [16, 256]; other
  parallel dims (batch) 1;
* elementwise: innermost dim 16*L, the next one 8, others 1;
* then, for a target with several cores (the threads the code runs on, see
  ``aic.compiler.openmp``), parallel tiles are halved (largest first) until every core gets
  the same number of tiles or at least 4 (static scheduling: at most 1/4 imbalance), or no
  tile can shrink below 8; with one core they keep their size.
* Ragged edges: every size becomes the largest divisor of its extent that is <= the target
  size (the innermost parallel dim: preferably a multiple of the vector lanes, so vectors
  and register tiles stay whole registers) (correct for any shape; a prime extent degrades to small tiles — padding is future
  work). A CUDA target uses 64 x 64 x 32 tiles.

User sizes (``tile-sizes=a,b,c``) are one per dimension aligned to the innermost dimensions
(leading dimensions get 1; a kernel with fewer dimensions uses the trailing entries).
"""

from __future__ import annotations

from aic.dialects.tiled.ops import PARALLEL, REDUCTION
from aic.targets import CpuTarget, Target


def register_tile(target: Target) -> tuple[int, int]:
    """(mr, nr) of the CPU micro-kernel (CUDA: the mma m and n)."""
    if not isinstance(target, CpuTarget):
        return target.mma[0], target.mma[1]
    lanes = target.lanes_f32
    return (8 if lanes >= 16 else 6 if lanes == 8 else 4), 2 * lanes


def largest_divisor(extent: int, limit: int) -> int:
    for d in range(min(extent, max(limit, 1)), 0, -1):
        if extent % d == 0:
            return d
    return 1


def vector_divisor(extent: int, limit: int, lanes: int) -> int:
    """The largest divisor of ``extent`` <= ``limit`` that is a multiple of ``lanes`` (else of
    lanes/2, lanes/4, ...; 1 at worst): register tiles and vectors stay whole registers."""
    step = max(lanes, 1)
    while step > 1:
        for d in range(min(extent, limit) // step * step, 0, -step):
            if extent % d == 0:
                return d
        step //= 2
    return largest_divisor(extent, limit)


def _pow2_floor(x: float) -> int:
    p = 1
    while p * 2 <= x:
        p *= 2
    return p


def _cpu_sizes(iterators: list[str], target: CpuTarget) -> list[int]:
    mr, nr = register_tile(target)
    parallel = [d for d, it in enumerate(iterators) if it == PARALLEL]
    sizes = [1] * len(iterators)
    if REDUCTION in iterators:
        kc = max(16, min(256, _pow2_floor(target.l1 / 2 / (4 * (mr + nr)))))
        for d, it in enumerate(iterators):
            if it == REDUCTION:
                sizes[d] = kc
        inner = [4 * nr, 8 * mr]
    else:
        inner = [16 * target.lanes_f32, 8]
    for d, size in zip(reversed(parallel), inner):
        sizes[d] = size
    return sizes


def _split_for_cores(space, iterators, sizes, cores: int) -> list[int]:
    sizes = list(sizes)
    while True:
        tiles = 1
        for d, it in enumerate(iterators):
            if it == PARALLEL:
                tiles *= -(-space[d] // sizes[d])
        candidates = [d for d, it in enumerate(iterators) if it == PARALLEL and sizes[d] >= 16]
        balanced = tiles >= cores and (tiles % cores == 0 or tiles >= 4 * cores)
        if balanced or not candidates:
            return sizes
        d = max(candidates, key=lambda i: sizes[i])
        sizes[d] //= 2


def choose(space: list[int], iterators: list[str], target: Target,
           user: tuple[int, ...] = ()) -> list[int]:
    """Legal tile sizes (each divides its extent) for one kernel."""
    if user:
        wanted = ([1] * len(space) + list(user))[-len(space):]
    elif isinstance(target, CpuTarget):
        wanted = _split_for_cores(space, iterators, _cpu_sizes(iterators, target), target.cores)
    else:
        wanted = [64 if it == PARALLEL else 32 for it in iterators]
    sizes = [largest_divisor(e, w) for e, w in zip(space, wanted)]
    inner = max((d for d, it in enumerate(iterators) if it == PARALLEL), default=None)
    if not user and isinstance(target, CpuTarget) and inner is not None:
        sizes[inner] = vector_divisor(space[inner], wanted[inner], target.lanes_f32)
    return sizes


def window(space: list[int], target: Target, user: tuple[int, ...] = ()) -> list[int]:
    """Tile sizes of a sliding-window kernel over the output ``(n, c, oh, ow)``.

    A tile is whole output rows of one channel — ``(1, 1, th, ow)`` — so vectors run along
    the row (a ragged row end is a masked vector, never a narrower tile); ``th`` is the
    whole height, halved (to a divisor) until there are >= cores tiles. User sizes as in
    ``choose``.
    """
    if user:
        wanted = ([1] * len(space) + list(user))[-len(space):]
        return [largest_divisor(e, w) for e, w in zip(space, wanted)]
    n, c, oh, ow = space
    rows = oh
    cores = target.cores if isinstance(target, CpuTarget) else 1
    while n * c * (oh // rows) < cores and rows > 1:
        rows = largest_divisor(oh, rows // 2)
    return [1, 1, rows, ow]
