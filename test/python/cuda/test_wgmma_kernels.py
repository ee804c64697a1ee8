"""sm_90's warpgroup tensor-core kernels (``mma_lib.wgmma``): f32 contraction blocks of whole
64-row warpgroups become ``wgmma.mma_async`` kernels; the PTX assembles with ``ptxas -v`` for
sm_90a without spills, and the kernels run in CPU emulation (``mma_lib.emulate``: the matrix
descriptors decoded, PTX's accumulator fragment, the proxy fence and barriers checked) against
numpy at the TF32 bound of ``test_mma_kernels``. No GPU is needed; none has run these kernels.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from aic.passes.hw.mma_lib.emulate import EmulationError, mma_reference, tf32_bits
from onnx import numpy_helper
from test_mma_kernels import (CONVS, _without, batched_model, check_conv, check_tf32,
                              conv_model, emulate, host_constants, kernels,
                              matmul_model, ptx_of, to_gpu, two_input_matmul_model)

SM90 = "cuda-sm90"
WGMMA = "nvvm.wgmma.mma_async"


@pytest.fixture(scope="module")
def matmul_1024(ctx):
    return to_gpu(matmul_model(), ctx, target=SM90)


def block_threads(module) -> int:
    func = kernels(module)[0].regions[0].blocks[0].operations[0]
    return int(re.search(r"array<i32: (\d+)", str(func.attributes["known_block_size"]))[1])


def test_matmul_1024_gives_wgmma_ptx(matmul_1024, ctx):
    assert len(kernels(matmul_1024)) == 1 and block_threads(matmul_1024) == 256
    ptx = ptx_of(matmul_1024, ctx, "sm_90")
    # 128x128 blocks of 2 warpgroups, 16-deep slices: two m64n128k8 per slice
    assert ptx.count("wgmma.mma_async.sync.aligned.m64n128k8.f32.tf32.tf32") == 2
    assert "mma.sync.aligned" not in ptx
    assert re.search(r"fence\.proxy\.async\.shared::cta;\s+bar\.sync\s+0;\s+"
                     r"wgmma\.fence\.sync\.aligned;", ptx)
    assert re.search(r"wgmma\.commit_group\.sync\.aligned;\s+wgmma\.wait_group\.sync\.aligned"
                     r"\s+0;", ptx)
    assert "cvt.rna.tf32.f32" in ptx and ".shared .align 128" in ptx


def test_sm80_keeps_mma_sync(ctx):
    module = to_gpu(matmul_model(256, 64, 256), ctx)
    assert WGMMA not in str(module) and "nvgpu.mma.sync" in str(module)


def test_f16_keeps_mma_sync_on_sm90(ctx):
    module = to_gpu(matmul_model(256, 64, 256, np.float16), ctx, target=SM90)
    assert WGMMA not in str(module) and "nvgpu.mma.sync" in str(module)


def test_constant_b_is_transposed_and_rounded_at_compile_time(ctx):
    """A constant B reaches the warpgroup kernel as the n x k TF32-rounded transpose, so it
    is copied in 16-byte chunks along K and not rounded in the kernel; a run-time B is copied
    one element at a time and rounded (``two_input_matmul_model``)."""
    model = matmul_model(256, 64, 512)
    w = numpy_helper.to_array(model.graph.initializer[0])
    module = to_gpu(model, ctx, target=SM90)
    b = host_constants(module)[1]
    assert b.shape == (512, 64) and np.array_equal(b.view(np.uint32), tf32_bits(w.T))
    constant, runtime = (str(kernels(m)[0]) for m in
                         (module, to_gpu(two_input_matmul_model(256, 64, 512), ctx, target=SM90)))
    assert WGMMA in constant and WGMMA in runtime
    element_copies = re.compile(r"nvgpu\.device_async_copy .*, 1, %")
    assert not element_copies.search(constant) and element_copies.search(runtime)
    assert "memref.store" not in constant and "memref.store" in runtime
    x = np.random.default_rng(9).standard_normal((256, 64)).astype(np.float32)
    check_tf32(emulate(module, [x, w], (256, 512)), x, w)
    xw = [x, np.random.default_rng(10).standard_normal((64, 512)).astype(np.float32)]
    check_tf32(emulate(to_gpu(two_input_matmul_model(256, 64, 512), ctx, target=SM90), xw,
                       (256, 512)), *xw)


@pytest.mark.skipif(shutil.which("ptxas") is None, reason="needs ptxas (CUDA toolkit or the "
                    "nvidia-cuda-nvcc wheel) on PATH")
@pytest.mark.parametrize("which", ["matmul", "conv", "batched"])
def test_ptxas_accepts_wgmma_without_spills(which, matmul_1024, ctx, tmp_path):
    module = {"matmul": lambda: matmul_1024,
              "conv": lambda: to_gpu(conv_model(32, 64, 32), ctx, target=SM90),
              "batched": lambda: to_gpu(batched_model(4, 128, 64, 128), ctx, target=SM90)}[which]()
    assert WGMMA in str(module)
    ptx = tmp_path / "k.ptx"
    ptx.write_text(ptx_of(module, ctx, "sm_90"))
    run = subprocess.run(["ptxas", "-v", "-arch=sm_90a", str(ptx), "-o", str(tmp_path / "k")],
                         check=False, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    spills = re.findall(r"(\d+) bytes spill stores, (\d+) bytes spill loads", run.stderr)
    assert spills and all(s == ("0", "0") for s in spills), run.stderr


def test_emulated_wgmma_matmul_1024_matches_numpy(matmul_1024):
    model = matmul_model()
    w = numpy_helper.to_array(model.graph.initializer[0])
    x = np.random.default_rng(2).standard_normal((1024, 1024)).astype(np.float32)
    check_tf32(emulate(matmul_1024, [x, w], (1024, 1024)), x, w)


# (m, k, n): 64x32 blocks of one warpgroup; 128x128 blocks of two; 64x64 blocks, K of one
# 8-deep slice (the block tile policy wants >= 32 blocks: smaller problems get blocks under 64
# rows and the mma.sync kernel)
@pytest.mark.parametrize("m,k,n", [(256, 64, 256), (512, 48, 1024), (256, 8, 512)])
def test_emulated_wgmma_matmul_matches_numpy(ctx, m, k, n):
    model = matmul_model(m, k, n)
    module = to_gpu(model, ctx, target=SM90)
    assert WGMMA in str(module)
    w = numpy_helper.to_array(model.graph.initializer[0])
    x = np.random.default_rng(3).standard_normal((m, k)).astype(np.float32)
    check_tf32(emulate(module, [x, w], (m, n)), x, w)


# on wgmma: 128x64 blocks (256 filters at 32x32), 64x32 blocks (the 7x7 stem at 64 px)
WGMMA_CONVS = {"3x3_256_filters": (32, 256, 32, 3, 1, 1, 1),
               "stem_7x7_s2": CONVS["stem_7x7_s2"]}


@pytest.mark.parametrize("case", list(CONVS) + ["3x3_256_filters"])
def test_emulated_sm90_conv_matches_numpy(case, ctx):
    """Every implicit-GEMM case on sm_90 (blocks of whole warpgroups on wgmma, the image
    gathered into the core-matrix layout; smaller blocks on mma.sync)."""
    c, f, hw, k, stride, pad, dilation = {**CONVS, **WGMMA_CONVS}[case]
    model = conv_model(c, f, hw, k, stride, pad, dilation)
    module = to_gpu(model, ctx, target=SM90)
    if case in WGMMA_CONVS:
        assert WGMMA in str(module)
    check_conv(module, model, (c, f, hw, k, stride, pad, dilation))


def test_emulated_wgmma_batched_matmul(ctx):
    module = to_gpu(batched_model(4, 128, 64, 128), ctx, target=SM90)
    assert WGMMA in str(module)
    rng = np.random.default_rng(7)
    x, w = (rng.standard_normal(s).astype(np.float32) for s in ((4, 128, 64), (4, 64, 128)))
    out = emulate(module, [x, w], (4, 128, 128))
    for i in range(4):
        check_tf32(out[i], x[i], w[i])


ROUNDING_STORES = r"(vector|memref)\.store .*#gpu\.address_space<workgroup>>"


@pytest.mark.parametrize("pattern,error", [
    (r"nvvm\.fence\.proxy", "fence.proxy"),  # generic writes not made visible to wgmma
    (r"^\s*gpu\.barrier$", "race"),  # no barriers: another thread's copies are read
    (ROUNDING_STORES, None),  # inputs not rounded: the tensor core truncates them
])
def test_emulation_catches_a_broken_wgmma_kernel(ctx, pattern, error):
    module = to_gpu(two_input_matmul_model(256, 64, 512), ctx, target=SM90)
    assert WGMMA in str(module)
    x, w = (np.random.default_rng(i).standard_normal(s).astype(np.float32)
            for i, s in ((4, (256, 64)), (5, (64, 512))))
    scale = np.abs(x).astype(np.float64) @ np.abs(w)
    assert np.all(np.abs(emulate(module, [x, w], (256, 512)) - mma_reference(x, w))
                  <= 1e-5 * scale)
    broken = _without(module, ctx, pattern)
    assert str(broken) != str(module)
    if error:
        with pytest.raises(EmulationError, match=error):
            emulate(broken, [x, w], (256, 512))
    else:
        assert np.any(np.abs(emulate(broken, [x, w], (256, 512)) - mma_reference(x, w))
                      > 1e-5 * scale)
