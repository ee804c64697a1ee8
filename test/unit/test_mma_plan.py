"""The tensor-core plan of a contraction on a CUDA target (``aic.passes.hw.mma_lib.plan``)."""

import dataclasses

import pytest
from aic.passes.hw.mma_lib.plan import MAX_ACC_REGS, STATIC_SMEM, block_tile, plan
from aic.targets import CUDA_PRESETS

SM80 = CUDA_PRESETS["cuda-sm80"]


def test_big_f32_gemm_gets_128x128_blocks_of_tf32_tiles():
    p = plan(1024, 1024, 1024, "f32", SM80)
    assert (p.block, p.warps, p.warp_tile, p.mma) == ((128, 128, 16), (2, 4), (64, 32),
                                                      (16, 8, 8))
    assert (p.threads, p.grid, p.stages) == (256, (8, 8, 1), 2)
    assert p.smem_bytes == 2 * (128 * 20 + 16 * 132) * 4 <= STATIC_SMEM
    assert p.acc_registers == MAX_ACC_REGS


def test_f16_uses_m16n8k16_and_32_deep_slices():
    p = plan(1024, 1024, 1024, "f16", SM80)
    assert (p.block, p.mma, p.pad) == ((128, 128, 32), (16, 8, 16), 8)


def test_small_gemms_get_enough_blocks():
    assert block_tile(3136, 64) == (64, 64)  # 49 blocks
    assert block_tile(32, 1024) == (32, 32)  # 32 blocks
    assert block_tile(64, 64) == (16, 8)  # the smallest: 32 blocks


@pytest.mark.parametrize("args,why", [
    ((100, 64, 64, "f32"), "rows not whole m16 tiles"),
    ((64, 64, 12, "f32"), "k not whole k8 steps"),
    ((64, 64, 64, "f64"), "no f64 tensor-core path"),
])
def test_no_plan(args, why):
    assert plan(*args, SM80) is None, why


def test_full_f32_precision_and_old_gpus_have_no_plan():
    assert plan(64, 64, 64, "f32", SM80, precision="f32") is None
    assert plan(64, 64, 64, "f32", dataclasses.replace(SM80, sm=75)) is None


def test_an_imposed_block_tile_must_be_whole_mma_tiles():
    assert plan(256, 192, 128, "f32", SM80, block=(64, 64)).warp_tile == (32, 16)
    assert plan(240, 192, 128, "f32", SM80, block=(40, 64)) is None
