"""Tile sizes and the core count: tiles split only for cores that exist, and evenly."""

import pytest

from aic.dialects.tiled import tiling
from aic.targets import resolve, with_cores

MATMUL = ([256, 256, 256], ["parallel", "parallel", "reduction"])
ELEMENTWISE = ([64, 1920], ["parallel", "parallel"])


def _tiles(space, iterators, sizes) -> int:
    count = 1
    for extent, it, size in zip(space, iterators, sizes):
        if it == "parallel":
            count *= extent // size
    return count


def test_one_core_keeps_cache_sized_tiles():
    target = with_cores(resolve("cpu-avx512"), 1)
    assert tiling.contraction_k(target) == 512  # a 512 x 128 B block: 256 KiB of 2 MiB L2
    assert tiling.choose(*MATMUL, target) == [64, 128, 256]  # 8*mr, 4*nr, all of k
    one_tile = ([8, 256], ["parallel", "parallel"])
    assert tiling.choose(*one_tile, target) == [8, 256]
    assert tiling.choose(*one_tile, with_cores(target, 2)) == [8, 256]  # too little work
    one_big_tile = ([64, 128, 8192], ["parallel", "parallel", "reduction"])  # 67M FMAs
    assert tiling.choose(*one_big_tile, target) == [64, 128, 512]
    assert tiling.choose(*one_big_tile, with_cores(target, 2)) == [64, 64, 512]  # split


@pytest.mark.parametrize("cores", [2, 3, 4, 8])
@pytest.mark.parametrize("case", [MATMUL, ELEMENTWISE])
def test_every_core_gets_a_fair_share(cores, case):
    space, iterators = case
    sizes = tiling.choose(space, iterators, with_cores(resolve("cpu-avx512"), cores))
    tiles = _tiles(space, iterators, sizes)
    assert tiles >= cores and (tiles % cores == 0 or tiles >= 4 * cores), (sizes, tiles)


def test_runtime_b_rows_take_every_row_up_to_the_limit():
    """A run-time B is packed in every micro-kernel call: up to RUNTIME_B_ROWS rows, one row
    tile packs it once -- unless the column tiles alone leave a core idle."""
    space = [128, 768, 3072]  # a transformer FFN's down projection
    one, two = (with_cores(resolve("cpu-avx512"), c) for c in (1, 2))
    for target in (one, two):
        sizes = tiling.choose(space, MATMUL[1], target)
        assert sizes[0] < 128
        assert tiling.runtime_b_rows(space, sizes, target) == [128] + sizes[1:]
    big = [512, 768, 3072]  # more rows than the limit: several row tiles (B packed apart)
    sizes = tiling.choose(big, MATMUL[1], one)
    assert tiling.runtime_b_rows(big, sizes, one) == sizes
    narrow = [128, 128, 3072]  # one column tile: whole rows would leave the second core idle
    sizes = tiling.choose(narrow, MATMUL[1], two)
    assert tiling.runtime_b_rows(narrow, sizes, two) == sizes


def test_contraction_k_follows_l2():
    """A quarter of L2 holds the tile's k x 4nr B block, capped at 512 steps."""
    small = resolve("cpu-avx512")
    small = type(small)(**{**vars(small), "l2": 256 * 1024})
    assert tiling.contraction_k(small) == 128  # 64 KiB / (128 columns x 4 bytes)
    assert tiling.contraction_k(resolve("cpu-avx512")) == 512


@pytest.mark.parametrize("cores, space, want", [
    (1, [64, 3136, 576], [64, 224]),     # 3x3 64->64 at 56x56: whole filters, 7-panel tiles
    (2, [64, 3136, 576], [64, 224]),     # 14 column tiles: no second read of the image
    (2, [64, 12544, 147], [64, 256]),    # the stem: likewise
    (1, [256, 196, 2304], [256, 196]),   # 3x3 256->256 at 14x14: one tile
    (2, [256, 196, 2304], [128, 196]),   # halve the filters, not 7 tiles of 28 columns
    (2, [512, 49, 4608], [256, 49]),     # 7x7: the whole image per tile
    (1, [128, 784, 1152], [128, 784]),   # 28x28: the whole row, every tile line-aligned
    (2, [128, 784, 1152], [64, 784]),    # not 392-column tiles that start mid-line
])
def test_implicit_gemm_splits_filters_before_masked_columns(cores, space, want):
    """A convolution's row tiles each re-read the image; its column tiles each copy A's rows:
    filters are halved for the cores only while the column tiles alone are too few or
    narrower / more masked than the best column tile."""
    sizes = tiling.implicit_gemm(space, [64, 64, 64], with_cores(resolve("cpu-avx512"), cores))
    assert sizes[:2] == want
    assert -(-space[0] // sizes[0]) * (space[1] // sizes[1]) >= cores


def test_runtime_b_rows_split_for_cores_keep_aligned_columns():
    """A run-time-B 1x1 convolution 32->192 at 28x28 on 2 threads: two 96-row tiles of all
    784 columns (B packed twice, every tile line-aligned), not 392-column tiles that start
    mid-line; 197 rows (prime) keep ``choose``'s 64-row tiles (peeled), not 1-row ones."""
    two = with_cores(resolve("cpu-avx512"), 2)
    space = [192, 784, 32]
    assert tiling.runtime_b_rows(space, tiling.choose(space, MATMUL[1], two), two)[:2] == \
        [96, 784]
    space = [197, 64, 64]
    assert tiling.runtime_b_rows(space, tiling.choose(space, MATMUL[1], two), two)[:2] == \
        [64, 64]


def test_three_cores_split_eight_tiles_further():
    target = with_cores(resolve("cpu-avx512"), 3)
    assert tiling.choose(*MATMUL, target) == [64, 64, 256]  # 16 tiles: >= 4 per core


def test_no_good_divisor_contraction_rows_are_ragged():
    """197 rows (prime): the register-tile rows keep the wanted size (peeled later); the k
    extent 197 is taken whole; a good divisor is still preferred."""
    target = with_cores(resolve("cpu-avx512"), 1)
    space = [197, 768, 197]
    sizes = tiling.choose(space, ["parallel", "parallel", "reduction"], target)
    assert sizes == [64, 128, 197]
    assert tiling.ragged(space, sizes) == [0]
    assert tiling.choose([192, 768, 768], ["parallel", "parallel", "reduction"], target) == \
        [64, 128, 384]


def test_no_good_divisor_innermost_takes_the_whole_extent():
    """An innermost extent up to twice the wanted size is one tile (masked vectors take the
    end); elementwise rows keep the divisor (no peel)."""
    target = with_cores(resolve("cpu-avx512"), 1)
    assert tiling.choose([12, 197, 197], ["parallel"] * 3, target) == [1, 1, 197]
    assert tiling.ragged([12, 197, 197], [1, 1, 197]) == []


def test_user_sizes_always_divide():
    target = with_cores(resolve("cpu-avx512"), 1)
    assert tiling.choose([197, 64], ["parallel", "parallel"], target, (64, 64)) == [1, 64]


def test_gpu_window_tiles_fit_shared_memory():
    """A GPU window tile (whole rows of one channel) holds at most GPU_WINDOW_TILE outputs,
    so it and its input window stay inside 48 KiB of static shared memory (a 128-wide UNet
    level or MobileNetV2's 112-wide depthwise stem once needed 66-200 KiB); a CPU target keeps
    whole-height tiles on one core."""
    gpu = resolve("cuda-sm80")
    assert tiling.window([1, 16, 128, 128], gpu) == [1, 1, 16, 128]
    assert tiling.window([1, 32, 112, 112], gpu) == [1, 1, 14, 112]
    assert tiling.window([1, 64, 14, 14], gpu) == [1, 1, 14, 14]  # small maps stay whole
    cpu = with_cores(resolve("cpu-avx512"), 1)
    assert tiling.window([1, 16, 128, 128], cpu) == [1, 1, 128, 128]


def test_gpu_kernels_get_enough_blocks():
    """Off the tensor-core path a GPU kernel's 64 x 64 tiles are halved until it has 256
    blocks or a tile is down to 256 elements: a 49 x 960 pointwise convolution gets 210 blocks
    of 7 x 32, not 15 of 49 x 64; a big elementwise kernel keeps its tiles."""
    gpu = resolve("cuda-sm80")
    pointwise = ([49, 960, 160], ["parallel", "parallel", "reduction"])
    assert tiling.choose(*pointwise, gpu) == [7, 32, 32]
    big = ([1024, 4096], ["parallel", "parallel"])
    assert tiling.choose(*big, gpu) == [64, 64]
