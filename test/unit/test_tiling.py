"""Tile sizes and the core count: tiles split only for cores that exist, and evenly."""

import pytest

from aic.dialects.tiled import tiling
from aic.targets import resolve, with_cores

MATMUL = ([256, 256, 256], ["parallel", "parallel", "reduction"])
ELEMENTWISE = ([64, 192], ["parallel", "parallel"])


def _tiles(space, iterators, sizes) -> int:
    count = 1
    for extent, it, size in zip(space, iterators, sizes):
        if it == "parallel":
            count *= extent // size
    return count


def test_one_core_keeps_cache_sized_tiles():
    target = with_cores(resolve("cpu-avx512"), 1)
    assert tiling.choose(*MATMUL, target) == [64, 128, 128]  # 8*mr, 4*nr, kc
    one_tile = ([8, 256], ["parallel", "parallel"])
    assert tiling.choose(*one_tile, target) == [8, 256]
    assert tiling.choose(*one_tile, with_cores(target, 2)) == [8, 128]  # two cores: split


@pytest.mark.parametrize("cores", [2, 3, 4, 8])
@pytest.mark.parametrize("case", [MATMUL, ELEMENTWISE])
def test_every_core_gets_a_fair_share(cores, case):
    space, iterators = case
    sizes = tiling.choose(space, iterators, with_cores(resolve("cpu-avx512"), cores))
    tiles = _tiles(space, iterators, sizes)
    assert tiles >= cores and (tiles % cores == 0 or tiles >= 4 * cores), (sizes, tiles)


def test_three_cores_split_eight_tiles_further():
    target = with_cores(resolve("cpu-avx512"), 3)
    assert tiling.choose(*MATMUL, target) == [64, 64, 128]  # 16 tiles: >= 4 per core
