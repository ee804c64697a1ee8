"""Tile sizes: from a target description, or from the user, made legal for an extent.

Policy for a CPU target (f32 lanes L = vector_bits / 32, register tile mr x nr with
nr = 2L and mr = 8 (L >= 16), 6 (L = 8) or 4; these size the tiles -- the micro-kernel's
own register tiles are ``microkernel_rows`` x nr, 12 x 32 with AVX-512):

* contraction: innermost parallel dim (N) 4*nr, next (M) 8*mr, reduction dims
  ``contraction_k`` (a k x 4*nr B block in a quarter of L2, at most 512); other parallel
  dims (batch) 1;
* elementwise: innermost dim 16*L, the next one 8, others 1;
* then, for a target with several cores (the threads the code runs on, see
  ``aic.compiler.openmp``) and a kernel of at least ``SPLIT_MIN_WORK`` iterations,
  parallel tiles are halved (largest first) until every core gets
  the same number of tiles or at least 4 (static scheduling: at most 1/4 imbalance), or no
  tile can shrink below 8; with one core they keep their size.
* a matmul with a run-time B (not a constant: packed in every micro-kernel call) of at most
  ``RUNTIME_B_ROWS`` rows takes them all in one row tile (``runtime_b_rows``), so B is
  packed once per call, halved while the column tiles leave a core idle; its column tiles
  and a convolution's (``implicit_gemm``) start on a vector boundary (``_line_columns``);
* Ragged edges: a size becomes the largest divisor of its extent that is <= the target size
  (the innermost parallel dim: preferably a multiple of the vector lanes -- of the register
  tile's nr for a contraction -- so vectors and register tiles stay whole registers) when that divisor is at least half the target size.
  Otherwise (197 tokens, a prime extent): the innermost parallel dim takes its whole extent
  when that is at most twice the target size (masked vectors take the ragged end), else the
  target size; the other parallel dims of a contraction or reduction (the register tile's
  rows) keep the target size; a reduction dim takes its whole extent when that is at most
  4 x kc (the k loop of a tile has any length), else the divisor. A target size that does not
  divide its extent (``ragged``) makes ``aic-convert-linalg-to-tiled`` peel the op into a
  kernel over the full tiles and one over the remainder. Rows of elementwise kernels keep
  the divisor (a one-row tile is still a long vector loop). A CUDA target uses 64 x 64 x 32 tiles,
split for blocks (``_split_for_blocks``) where that leaves fewer than ``GPU_MIN_BLOCKS``.

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


def microkernel_rows(target: Target, element_bits: int = 32) -> int:
    """Rows of the CPU micro-kernel's full register tiles (``hw.microkernel``'s ``mr``; the
    tile sizes above still use ``register_tile``'s). With 32 vector registers (AVX-512) and
    32-bit elements: 12 -- 24 accumulators of 12 x 2 vectors, the 2 B vectors and a
    broadcast A fill 27 registers, 24 FMAs per 14 loads (8 rows: 16 per 10, measured 10-20%
    slower). Otherwise ``register_tile``'s mr."""
    mr, _ = register_tile(target)
    if isinstance(target, CpuTarget) and target.lanes_f32 >= 16 and element_bits == 32:
        return 12
    return mr


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
        kc = contraction_k(target)
        for d, it in enumerate(iterators):
            if it == REDUCTION:
                sizes[d] = kc
        inner = [4 * nr, 8 * mr]
    else:
        inner = [16 * target.lanes_f32, 8]
    for d, size in zip(reversed(parallel), inner):
        sizes[d] = size
    return sizes


KC_MAX = 512
"""The longest k chunk of a contraction tile (the micro-kernel copies A's rows ``SCRATCH_K``
= 512 steps at a time)."""


def contraction_k(target: CpuTarget) -> int:
    """k steps per contraction tile: a power of two whose B block (k x the tile's 4 * nr
    columns) takes at most a quarter of L2, in [16, ``KC_MAX``]. Each k chunk reads and
    writes the C tile once, so longer chunks pay off while B stays in L2; its k x nr panels
    need not stay in L1 (a step reads 2 B vectors for 24 FMAs). Measured on a 32 KiB-L1,
    1 MiB-L2 AVX-512 core (Zen 4), one thread, constant-B matmul 2048 with 64 x 128 tiles:
    k 64 / 128 / 256 / 512 ran 210 / 199 / 189 / 184 ms (the earlier L1/2 rule chose 64)."""
    _, nr = register_tile(target)
    return max(16, min(KC_MAX, _pow2_floor(target.l2 / 4 / (4 * 4 * nr))))


def _tile_count(space, iterators, sizes) -> int:
    tiles = 1
    for d, it in enumerate(iterators):
        if it == PARALLEL:
            tiles *= -(-space[d] // sizes[d])
    return tiles


SPLIT_MIN_WORK = 1 << 16
"""Kernels with fewer iterations than this are not split for cores (a fork/join costs more)."""


def _split_for_cores(space, iterators, sizes, cores: int) -> list[int]:
    sizes = list(sizes)
    work = 1
    for extent in space:
        work *= extent
    if work < SPLIT_MIN_WORK:
        return sizes
    while True:
        tiles = _tile_count(space, iterators, sizes)
        candidates = [d for d, it in enumerate(iterators) if it == PARALLEL and sizes[d] >= 16]
        balanced = tiles >= cores and (tiles % cores == 0 or tiles >= 4 * cores)
        if balanced or not candidates:
            return sizes
        d = max(candidates, key=lambda i: sizes[i])
        sizes[d] //= 2


GPU_MIN_BLOCKS = 256
"""A GPU kernel's tiles are split until it has this many blocks (about two per multiprocessor
of the largest GPUs), or a tile is down to ``GPU_MIN_TILE`` elements."""
GPU_MIN_TILE = 256


def _split_for_blocks(space, iterators, sizes) -> list[int]:
    """Halve (to divisors) the largest parallel tile size of a GPU kernel while it has fewer
    than ``GPU_MIN_BLOCKS`` tiles and its tiles hold more than ``GPU_MIN_TILE`` elements (a
    7x7x960 pointwise convolution off the tensor-core path once ran on 4 blocks)."""
    sizes = list(sizes)
    while _tile_count(space, iterators, sizes) < GPU_MIN_BLOCKS:
        parallel = [d for d, it in enumerate(iterators) if it == PARALLEL and sizes[d] > 1]
        elements = 1
        for d in parallel:
            elements *= sizes[d]
        if not parallel or elements <= GPU_MIN_TILE:
            break
        d = max(parallel, key=lambda i: sizes[i])
        sizes[d] = largest_divisor(space[d], sizes[d] // 2)
    return sizes


def choose(space: list[int], iterators: list[str], target: Target,
           user: tuple[int, ...] = ()) -> list[int]:
    """Tile sizes for one kernel. User sizes and non-CPU targets: each divides its extent.
    CPU target: a parallel dim whose divisors are all poor keeps the wanted size, which then
    does not divide its extent (see ``ragged``; the kernel builder peels it)."""
    if user:
        wanted = ([1] * len(space) + list(user))[-len(space):]
    elif isinstance(target, CpuTarget):
        wanted = _split_for_cores(space, iterators, _cpu_sizes(iterators, target), target.cores)
    else:
        wanted = [64 if it == PARALLEL else 32 for it in iterators]
    sizes = [largest_divisor(e, w) for e, w in zip(space, wanted)]
    if not user and not isinstance(target, CpuTarget):
        return _split_for_blocks(space, iterators, sizes)
    if user:
        return sizes
    inner = max((d for d, it in enumerate(iterators) if it == PARALLEL), default=None)
    contraction = REDUCTION in iterators
    if inner is not None:  # a contraction's columns: whole register-tile panels (2 x lanes)
        lanes = register_tile(target)[1] if contraction else target.lanes_f32
        sizes[inner] = vector_divisor(space[inner], wanted[inner], lanes)
    for d, (extent, want, it) in enumerate(zip(space, wanted, iterators)):
        if extent <= want or 2 * sizes[d] >= want:
            continue  # the whole extent, or a good divisor
        if it == REDUCTION:
            sizes[d] = extent if extent <= 4 * want else sizes[d]
        elif d == inner:  # masked vectors take the ragged end
            sizes[d] = extent if extent <= 2 * want else want
            if _tile_count(space, iterators, sizes) < target.cores:
                sizes[d] = want  # the whole extent would leave cores idle
        elif contraction:
            sizes[d] = want  # register-tile rows: peeled
    return sizes


def _columns(space, iterators, sizes, inner, target) -> int:
    """A run-time-B matmul's column tile: kept when it is whole register panels dividing the
    extent; else (every tile with a masked panel, or a ragged end that would be peeled into a
    kernel of its own, with a whole-tensor fill and copies around both) the best
    ``_line_columns`` tile that still gives every core a fair one (``_fair_columns``), else
    the best (``runtime_b_rows`` then splits the rows). MobileNetV2's 1x1 144->32 at 28x28:
    64-column tiles and a 16-column kernel -> 392 (6.95 -> 6.42 ms a call, 2 threads), now
    all 784 (line-aligned). Not for a constant B: its panels are packed at compile time,
    aligned to whole panels of N."""
    n, cols = space[inner], sizes[inner]
    _, nr = register_tile(target)
    if cols % nr == 0 and n % cols == 0:
        return cols
    candidates = _line_columns(n, nr, 4)
    for c in candidates:
        trial = list(sizes)
        trial[inner] = c
        if _tile_count(space, iterators, trial) >= target.cores and \
                _fair_columns(c, n, nr, candidates):
            return c
    return candidates[0]


RUNTIME_B_ROWS = 256
"""A matmul whose B is not a constant packs each B tile inside every micro-kernel call, so
once per row tile: up to this many rows are one row tile (B packed once per call, each
packed block reused by every row group; 128x3072x768: 2 packs of B's 9 MB -> 1)."""


def runtime_b_rows(space: list[int], sizes: list[int], target: Target) -> list[int]:
    """``sizes`` of a CPU matmul (M, N, K) with a run-time B: columns by ``_columns``, and M
    whole when it is at most ``RUNTIME_B_ROWS`` -- halved (to divisors, not below two
    register tiles) while the tiles are fewer than the cores (the 32->192 1x1 at 28x28 on 2
    threads: 2 x 96 rows x 784 columns)."""
    if not isinstance(target, CpuTarget):
        return sizes
    sizes = list(sizes)
    iterators = [PARALLEL, PARALLEL, REDUCTION]
    sizes[1] = _columns(space, iterators, sizes, 1, target)
    m, n = space[0], space[1]
    mr, _ = register_tile(target)
    if m > RUNTIME_B_ROWS:
        return sizes
    chosen, sizes[0] = sizes[0], m  # B packed once per column tile
    while _tile_count(space, iterators, sizes) < target.cores and sizes[0] > 2 * mr:
        half = largest_divisor(m, sizes[0] // 2)  # rows split only for idle cores
        if 4 * half < sizes[0]:  # no good divisor (197 rows): ``choose``'s, peeled
            sizes[0] = chosen
            break
        sizes[0] = half
    return sizes


IMPLICIT_GEMM_ROWS = 256
"""Filters per row tile of a CPU convolution's implicit GEMM: every row tile reads its B
panels from the image again."""


def implicit_gemm(space: list[int], sizes: list[int], target: Target) -> list[int]:
    """``sizes`` of a CPU convolution's implicit GEMM (M filters, N output pixels, K =
    C*KH*KW), whose micro-kernels read their B panels from the image on every call: up to
    ``IMPLICIT_GEMM_ROWS`` filters per row tile (fewer re-reads of the image), halved only
    while the row and column tiles together are fewer than the cores (64 filters at 56x56 on
    2 threads: 49 column tiles of 64 rows, not 98 of 32 rows that read the image twice --
    3x3 1.25 -> 1.15 ms, the 7x7 s2 stem 1.41 -> 1.27 ms) -- and also while the only
    column tiles that would give every core one are narrower than a register panel or mask
    a larger share of their panels than the best column tile (256 filters at 14x14 on 2
    threads: 2 x 128 filters x 196 columns, not 7 tiles of 28 columns, 1.46 -> 1.31 ms, nor
    2 of 98 columns, 1.54 ms); k chunks that fill L1 (a 12-row A group and a k x nr
    panel); columns by ``_line_columns`` (up to 8 whole panels; a 28x28 image: all 784
    columns -- 392-column tiles start mid-line, 112-column ones are 3.5 panels and ran 1.6x
    slower than 392 on a 48 KiB-L1 core). Measured on 3x3
    convolutions, one thread: 512 filters at 7x7 2.87 -> 2.27 ms, 256 at 14x14 2.30 -> 1.86,
    128 at 28x28 2.90 -> 1.66, 128 at 56x56 stride 2 3.22 -> 1.79."""
    if not isinstance(target, CpuTarget):
        return sizes
    m, n, k = space
    mr, nr = register_tile(target)
    kc = max(16, min(256, _pow2_floor(target.l1 / (4 * (microkernel_rows(target) + nr)))))
    rows = min(m, IMPLICIT_GEMM_ROWS)
    candidates = _line_columns(n, nr, 8)
    while True:
        for cols in candidates:
            if -(-m // rows) * (n // cols) >= target.cores and \
                    _fair_columns(cols, n, nr, candidates):
                break
        else:
            cols = candidates[0]
        if -(-m // rows) * (n // cols) >= target.cores or rows <= 2 * mr:
            break
        rows = -(-rows // 2)
    return [rows, cols, k if k <= 2 * kc else kc]


WHOLE_COLUMNS_MAX = 1024
"""A column extent up to this many is a column tile candidate of its own even when it is
not whole register panels (784 = a 28x28 image: 24.5 panels)."""


def _line_columns(n: int, nr: int, panels: int) -> list[int]:
    """Column tile sizes for ``n`` columns whose tiles all start on a vector (64-byte with
    AVX-512) boundary, best first: divisors of whole ``nr``-wide panels (largest first, up to
    ``panels`` panels), then -- by the share of their last panel left masked -- ``n`` itself
    (up to ``WHOLE_COLUMNS_MAX``) and divisors that are multiples of a vector; where no such
    size exists, ``_panel_columns``. A tile that starts mid-line splits every C row access
    and every B panel read across two cache lines: 32->192 1x1 at 28x28 on 2 threads ran
    0.067 ms as 192 x 392 tiles and 0.055 ms as 96 x 784 tiles (3x3 128->128 at 28x28: 1.20
    -> 1.15 ms; one thread, 784-column tiles: 2.33 -> 2.20 ms)."""
    lanes = max(nr // 2, 1)
    ranked = _panel_columns(n, nr, panels)
    whole = [d for d in ranked if d % nr == 0]
    rest = [d for d in ranked if d % nr and d % lanes == 0]
    if n <= WHOLE_COLUMNS_MAX and n % nr:
        rest.append(n)
    rest.sort(key=lambda d: (_masked_share(d, nr), -d))
    return whole + rest or ranked


def _fair_columns(cols: int, n: int, nr: int, candidates: list[int]) -> bool:
    """Whether a column tile taken to give the cores their share is worth it: at least one
    register panel wide (or all of ``n``) and masking no larger share of its panels than the
    best candidate (``candidates[0]``). Else rows are split instead."""
    return (cols >= nr or cols == n) and \
        _masked_share(cols, nr) <= _masked_share(candidates[0], nr)


def _masked_share(cols: int, nr: int) -> float:
    """The share of a ``cols``-column tile's register panels that is masked off."""
    return (-cols) % nr / cols


def _panel_columns(n: int, nr: int, panels: int) -> list[int]:
    """Column tile sizes for ``n`` columns, best first: divisors of whole ``nr``-wide panels
    (largest first, up to ``panels`` panels), then divisors up to 16 panels by the share of
    their last panel left masked (then larger first)."""
    divisors = [d for d in range(1, min(n, 16 * nr) + 1) if n % d == 0]
    whole = sorted((d for d in divisors if d % nr == 0 and d <= panels * nr), reverse=True)
    waste = sorted((d for d in divisors if d not in whole),
                   key=lambda d: (_masked_share(d, nr), -d))
    return whole + waste


def ragged(space: list[int], sizes: list[int]) -> list[int]:
    """The dims whose tile size does not divide the extent (to be peeled)."""
    return [d for d, (e, s) in enumerate(zip(space, sizes)) if e % s]


GPU_WINDOW_TILE = 2048
"""Outputs of a GPU window tile: 8 KiB, and its input window (stride 2, 3x3) about 4x that,
inside the 48 KiB of static shared memory a block may use."""


def window(space: list[int], target: Target, user: tuple[int, ...] = ()) -> list[int]:
    """Tile sizes of a sliding-window kernel over the output ``(n, c, oh, ow)``.

    A tile is whole output rows of one channel — ``(1, 1, th, ow)`` — so vectors run along
    the row (a ragged row end is a masked vector, never a narrower tile); ``th`` is the
    whole height, halved (to a divisor) until there are >= cores tiles. On a GPU target the
    tile (and the input window it reads) lives in shared memory: ``th`` is halved until a tile
    holds at most ``GPU_WINDOW_TILE`` outputs. User sizes as in ``choose``.
    """
    if user:
        wanted = ([1] * len(space) + list(user))[-len(space):]
        return [largest_divisor(e, w) for e, w in zip(space, wanted)]
    n, c, oh, ow = space
    rows = oh
    cores = target.cores if isinstance(target, CpuTarget) else 1
    while n * c * (oh // rows) < cores and rows > 1:
        rows = largest_divisor(oh, rows // 2)
    while not isinstance(target, CpuTarget) and rows * ow > GPU_WINDOW_TILE and rows > 1:
        rows = largest_divisor(oh, rows // 2)
    return [1, 1, rows, ow]
