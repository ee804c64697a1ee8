"""The CPU micro-kernel's register tiles: rows per tile by target and element width, and the
row groups of a block that the tile rows do not divide."""

import pytest

from aic.dialects.tiled import tiling
from aic.passes.memref.lower_microkernels_lib import row_groups
from aic.targets import resolve


def test_microkernel_rows_follow_the_register_file():
    assert tiling.microkernel_rows(resolve("cpu-avx512")) == 12  # 24 of 32 zmm accumulate
    assert tiling.microkernel_rows(resolve("cpu-avx512"), 64) == 8  # f64: the tile-size mr
    assert tiling.microkernel_rows(resolve("cpu-avx2")) == 6  # 16 ymm: 12 accumulators
    assert tiling.microkernel_rows(resolve("cpu-generic")) == \
        tiling.register_tile(resolve("cpu-generic"))[0]


@pytest.mark.parametrize("m", range(1, 130))
@pytest.mark.parametrize("mr", [4, 6, 8, 12])
def test_row_groups_cover_every_row_once(m, mr):
    groups = row_groups(m, mr)
    rows = [first + g * size + r for first, count, size in groups
            for g in range(count) for r in range(size)]
    assert rows == list(range(m))
    assert all(1 <= size <= mr and count >= 1 for _, count, size in groups)
    if m >= mr:  # no tile under half of mr rows when a full one can give rows to it
        assert all(2 * size >= mr or size == m for _, _, size in groups)


def test_row_groups_of_a_64_row_block():
    assert row_groups(64, 12) == [(0, 4, 12), (48, 2, 8)]
    assert row_groups(64, 8) == [(0, 8, 8)]
    assert row_groups(32, 12) == [(0, 2, 12), (24, 1, 8)]
    assert row_groups(13, 12) == [(0, 1, 6), (6, 1, 7)]
    assert row_groups(5, 12) == [(0, 1, 5)]
