"""Row kernels (softmax, layer norm) on CUDA: one block per row, the row reduced by the
block's threads in tree stages (aic-hw-split-reductions), checked in the CPU emulation of the
CUDA mapping against onnxruntime (same tolerance as test_emulation.py)."""

import sys
from pathlib import Path

import aic
import numpy as np
import pytest
from aic.compiler.driver import CompileOptions, compile_module
from aic.mlir_api import ir
from aic.runner import onnxruntime_session
from aic.verify import walk

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the checkout: benchmarks/
from benchmarks import kernels

RTOL, ATOL = 1e-4, 1e-5
CASES = {
    "softmax_64x512": lambda: kernels.softmax([64, 512]),
    "softmax_2x3x40": lambda: kernels.softmax([2, 3, 40]),
    "layer_norm_16x768": lambda: kernels.layer_norm(16, 768),
}


@pytest.mark.parametrize("name", list(CASES))
def test_emulated_row_kernel_matches_onnxruntime(name):
    model = CASES[name]()
    compiled = aic.compile(model, target="cuda", emulate=True, cache=False)
    rng = np.random.default_rng(0)
    feed = {t.name: rng.standard_normal(t.shape).astype(np.float32) * 4 for t in compiled.inputs}
    want = onnxruntime_session(model.SerializeToString()).run(None, feed)
    for got, ref in zip(compiled(**feed), want):
        np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL)


def test_softmax_is_a_block_per_row_with_tree_stages():
    result = compile_module(kernels.softmax([64, 512]), CompileOptions(target="cuda", emit="gpu"))
    with result.module.context:
        launches = [op for op in walk(result.module.operation) if op.operation.name == "gpu.launch"]
        row_kernel = [op for op in launches if any(
            c.operation.name == "gpu.barrier" for c in walk(op.operation))]
        assert len(row_kernel) == 1
        grid = row_kernel[0].operation.operands[0].owner
        assert grid.attributes["value"] == ir.IntegerAttr.get(ir.IndexType.get(), 64)
        barriers = [c for c in walk(row_kernel[0].operation) if c.operation.name == "gpu.barrier"]
    # max: 4 stages, exp, sum: 4 stages, divide -- each a phase ended by a barrier
    assert len(barriers) >= 9
