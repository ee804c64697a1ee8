"""Implicit GEMM: a group-1 2-D convolution (batch 1, f32, CPU) builds no patch matrix; the
micro-kernel's B panels are read straight from the unpadded image, padding lanes masked
(``tiled_to_hw_lib.im2col_pack``). Checked end to end: the numbers against onnxruntime for
unit strides (masked contiguous rows, one per output row a panel touches: wide and narrow
outputs), stride 2 (wide reads and a shuffle: the stem), stride 3 (gathers), dilations,
asymmetric pads, 1x1 kernels with strides, ragged panels, several row tiles; and in the hw
IR, that no 6-D patch tensor is left.
"""

import re

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
import aic.targets
from aic.dialects.tiled import tiling
from aic.runner import onnxruntime_session

RNG = np.random.default_rng(11)


def _conv(c, f, h, w, k, stride=1, dilation=1, pads=(1, 1, 1, 1), bias=True):
    wt = (RNG.standard_normal((f, c, k, k)) / np.sqrt(c * k * k)).astype(np.float32)
    inits = [numpy_helper.from_array(wt, "w")]
    names = ["x", "w"]
    if bias:
        inits.append(numpy_helper.from_array(RNG.standard_normal(f).astype(np.float32), "b"))
        names.append("b")
    node = helper.make_node("Conv", names, ["y"], kernel_shape=[k, k], pads=list(pads),
                            strides=[stride, stride], dilations=[dilation, dilation])
    graph = helper.make_graph(
        [node], "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, h, w])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, f, None, None])],
        initializer=inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


def _first(got):
    return np.asarray(got[0] if isinstance(got, (list, tuple)) else got)


CASES = {  # name: (c, f, h, w, k, stride, dilation, pads)
    "3x3_wide_rows": (16, 32, 40, 40, 3, 1, 1, (1, 1, 1, 1)),
    "3x3_narrow_rows": (32, 64, 7, 7, 3, 1, 1, (1, 1, 1, 1)),
    "3x3_ragged_panels": (8, 16, 13, 11, 3, 1, 1, (1, 1, 1, 1)),
    "3x3_stride2": (16, 32, 29, 29, 3, 2, 1, (1, 1, 1, 1)),
    "3x3_stride3": (8, 16, 23, 20, 3, 3, 1, (1, 2, 0, 1)),
    "3x3_dilation2": (8, 16, 20, 18, 3, 1, 2, (2, 2, 2, 2)),
    "5x5_asymmetric_pads": (4, 8, 15, 17, 5, 1, 1, (0, 2, 1, 3)),
    "1x1_stride2": (32, 64, 28, 28, 1, 2, 1, (0, 0, 0, 0)),
    "7x7_stride2_stem": (3, 64, 64, 64, 7, 2, 1, (3, 3, 3, 3)),
    "3x3_many_row_tiles": (16, 256, 14, 14, 3, 1, 1, (1, 1, 1, 1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("threads", [1, 2])
def test_conv_matches_onnxruntime(tmp_path, name, threads):
    c, f, h, w, k, stride, dilation, pads = CASES[name]
    model = _conv(c, f, h, w, k, stride, dilation, pads)
    x = RNG.standard_normal((1, c, h, w)).astype(np.float32)
    compiled = aic.compile(model, threads=threads, dump_dir=str(tmp_path))
    want = onnxruntime_session(model.SerializeToString()).run(None, {"x": x})[0]
    np.testing.assert_allclose(_first(compiled(x)), want, rtol=1e-4, atol=1e-4)
    hw = next(p for p in tmp_path.iterdir() if p.name.endswith("-hw.mlir")).read_text()
    assert not re.search(r"tensor<1x\d+x\d+x\d+x\d+x\d+xf32>", hw), "a patch tensor is left"


def _hw(model, x, tmp_path):
    compiled = aic.compile(model, threads=2, dump_dir=str(tmp_path))
    want = onnxruntime_session(model.SerializeToString()).run(None, {"x": x})[0]
    np.testing.assert_allclose(_first(compiled(x)), want, rtol=1e-4, atol=1e-4)
    return next(p for p in tmp_path.iterdir() if p.name.endswith("-hw.mlir")).read_text()


def test_panels_are_read_from_the_image(tmp_path):
    """3x3 64->64 at 56x56: each micro-kernel call reads its B block (the tile's column panels
    x its k chunk x 32, as ``tiling.implicit_gemm`` sizes them for this machine's L1: 7 x 192
    x 32 with 48 KiB, 7 x 96 x 32 with 32 KiB) from the unpadded image right before it: no
    patch matrix, no padded copy, no gathers."""
    hw = _hw(_conv(64, 64, 56, 56, 3), RNG.standard_normal((1, 64, 56, 56)).astype(np.float32),
             tmp_path)
    target = aic.targets.with_cores(aic.targets.host(), 2)
    _, cols, kc = tiling.implicit_gemm([64, 56 * 56, 64 * 9], [64, 64, 64], target)
    k = tiling.largest_divisor(64 * 9, kc)
    assert f"tensor.empty() : tensor<{cols // 32}x{k}x32xf32>" in hw
    assert "1x64x58x58" not in hw and "vector.gather" not in hw
    assert "1x64x3x3x56x56" not in hw
