"""End to end on the CPU: depthwise convolution and pooling on the fast path, against
onnxruntime.

Each case is a one-node ONNX model. It must form a sliding-window `tiled.kernel` (global
pooling: a row-reduction kernel), its tiles must become vector code under `aic-hw-vectorize`
(no scalar depthwise/pooling op left), and the compiled model must match onnxruntime on
random inputs. Shapes cover the benchmark sizes, odd extents (17x13, rows that no vector
width divides), channel counts that are not multiples of 16, strides 1 and 2, dilation,
asymmetric pads, ceil_mode and count_include_pad both ways.
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

import aic
from aic.compiler.driver import CompileOptions, compile_module, run_pipeline
from aic.runner import onnxruntime_session

ort = pytest.importorskip("onnxruntime")


def model(op: str, inputs, out_shape, elem=TensorProto.FLOAT, **attrs):
    node = helper.make_node(op, [n for n, _ in inputs], ["y"], **attrs)
    graph = helper.make_graph(
        [node], op.lower(), [helper.make_tensor_value_info(n, elem, s) for n, s in inputs],
        [helper.make_tensor_value_info("y", elem, out_shape)])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    m.ir_version = 9
    return m


def fast_path_ir(m) -> tuple[str, str]:
    """(hw-level IR, the same after aic-hw-vectorize)."""
    result = compile_module(m, CompileOptions(emit="hw"))
    hw = str(result.module)
    run_pipeline(result.module, "aic-hw-vectorize", "vectorize")
    return hw, str(result.module)


def check(m, window_op: str | None, dtype=np.float32, rtol=1e-5, atol=1e-5):
    hw, vec = fast_path_ir(m)
    if window_op is not None:
        assert f"linalg.{window_op}" in hw and "hw.parallel" in hw
        assert f"linalg.{window_op}" not in vec and "vector.transfer_read" in vec
    rng = np.random.default_rng(0)
    feed = {i.name: (rng.standard_normal(
        [d.dim_value for d in i.type.tensor_type.shape.dim]) * 4).astype(dtype)
        for i in m.graph.input}
    got = aic.compile(m)(**feed)[0]
    want = onnxruntime_session(m.SerializeToString(), threads=1).run(None, feed)[0]
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def out_extent(size, k, stride, lo, hi, dil=1, ceil=False):
    span = size + lo + hi - dil * (k - 1) - 1
    return (-(-span // stride) if ceil else span // stride) + 1


DEPTHWISE = [  # c, h, w, k, stride, pads (top, left, bottom, right), dilation, bias, n
    (64, 56, 56, 3, 1, [1, 1, 1, 1], 1, True, 1),
    (32, 112, 112, 3, 1, [1, 1, 1, 1], 1, True, 1),
    (64, 56, 56, 3, 2, [1, 1, 1, 1], 1, False, 1),
    (5, 17, 13, 3, 1, [1, 1, 1, 1], 1, True, 1),
    (20, 17, 13, 3, 2, [0, 1, 2, 1], 1, True, 1),
    (3, 9, 30, 3, 2, [0, 0, 0, 0], 1, False, 2),
    (7, 23, 41, 5, 1, [2, 2, 2, 2], 1, True, 1),
    (6, 19, 37, 3, 1, [2, 2, 2, 2], 2, True, 1),
    (18, 11, 100, 3, 3, [1, 0, 1, 2], 1, True, 1),
]


@pytest.mark.parametrize("c,h,w,k,stride,pads,dil,bias,n", DEPTHWISE)
def test_depthwise_conv(c, h, w, k, stride, pads, dil, bias, n):
    oh = out_extent(h, k, stride, pads[0], pads[2], dil)
    ow = out_extent(w, k, stride, pads[1], pads[3], dil)
    inputs = [("x", [n, c, h, w]), ("w", [c, 1, k, k])] + ([("b", [c])] if bias else [])
    m = model("Conv", inputs, [n, c, oh, ow], group=c, kernel_shape=[k, k],
              strides=[stride, stride], pads=pads, dilations=[dil, dil])
    check(m, "depthwise_conv_2d_nchw_chw", rtol=1e-4, atol=1e-4)


def test_depthwise_conv_f16():
    """f16 in, f32 accumulation (as onnxruntime and ONNX's reference do), f16 out."""
    m = model("Conv", [("x", [1, 5, 9, 21]), ("w", [5, 1, 3, 3]), ("b", [5])], [1, 5, 9, 21],
              elem=TensorProto.FLOAT16, group=5, kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    hw, vec = fast_path_ir(m)
    assert "linalg.depthwise_conv_2d_nchw_chw" in hw
    assert "linalg.depthwise_conv_2d_nchw_chw" not in vec
    rng = np.random.default_rng(0)
    shapes = ([1, 5, 9, 21], [5, 1, 3, 3], [5])
    x, w, b = (rng.standard_normal(s).astype(np.float16) for s in shapes)
    got = aic.compile(m)(x, w, b)[0]
    xp = np.pad(x.astype(np.float32), ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.broadcast_to(b.astype(np.float32)[None, :, None, None], (1, 5, 9, 21)).copy()
    for i in range(3):
        for j in range(3):
            want += xp[:, :, i:i + 9, j:j + 21] * w[None, :, 0, i, j, None, None].astype(np.float32)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(np.float32), want, rtol=2e-3, atol=2e-3)


MAXPOOL = [  # c, h, w, k, stride, pads, ceil_mode, dilation
    (64, 112, 112, 3, 2, [1, 1, 1, 1], 0, 1),
    (64, 112, 112, 3, 2, [0, 0, 0, 0], 0, 1),
    (5, 17, 13, 3, 2, [1, 1, 1, 1], 1, 1),
    (5, 17, 13, 3, 2, [0, 0, 0, 0], 1, 1),
    (20, 13, 17, 2, 2, [0, 0, 0, 0], 0, 1),
    (3, 16, 40, 3, 1, [1, 0, 1, 2], 0, 2),
]


@pytest.mark.parametrize("c,h,w,k,stride,pads,ceil,dil", MAXPOOL)
def test_max_pool(c, h, w, k, stride, pads, ceil, dil):
    oh = out_extent(h, k, stride, pads[0], pads[2], dil, ceil)
    ow = out_extent(w, k, stride, pads[1], pads[3], dil, ceil)
    m = model("MaxPool", [("x", [1, c, h, w])], [1, c, oh, ow], kernel_shape=[k, k],
              strides=[stride, stride], pads=pads, ceil_mode=ceil, dilations=[dil, dil])
    check(m, "pooling_nchw_max", rtol=0, atol=0)


def test_max_pool_int8():
    m = model("MaxPool", [("x", [1, 6, 15, 21])], [1, 6, 8, 11], elem=TensorProto.INT8,
              kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    check(m, "pooling_nchw_max", dtype=np.int8, rtol=0, atol=0)


def test_max_pool_propagates_nan():
    m = model("MaxPool", [("x", [1, 2, 6, 20])], [1, 2, 3, 10], kernel_shape=[2, 2],
              strides=[2, 2])
    x = np.arange(240, dtype=np.float32).reshape(1, 2, 6, 20)
    x[0, 1, 2, 7] = np.nan
    got = aic.compile(m)(x)[0]
    want = x.reshape(1, 2, 3, 2, 10, 2).max(axis=(3, 5))  # numpy max propagates NaN
    np.testing.assert_array_equal(got, want)


AVGPOOL = [  # c, h, w, k, stride, pads, ceil_mode, count_include_pad
    (64, 56, 56, 3, 1, [1, 1, 1, 1], 0, 0),
    (64, 56, 56, 3, 1, [1, 1, 1, 1], 0, 1),
    (5, 17, 13, 3, 2, [1, 1, 1, 1], 1, 0),
    (5, 17, 13, 3, 2, [1, 0, 2, 1], 0, 1),
    (20, 14, 14, 2, 2, [0, 0, 0, 0], 0, 0),
]


@pytest.mark.parametrize("c,h,w,k,stride,pads,ceil,include", AVGPOOL)
def test_average_pool(c, h, w, k, stride, pads, ceil, include):
    oh = out_extent(h, k, stride, pads[0], pads[2], 1, ceil)
    ow = out_extent(w, k, stride, pads[1], pads[3], 1, ceil)
    m = model("AveragePool", [("x", [1, c, h, w])], [1, c, oh, ow], kernel_shape=[k, k],
              strides=[stride, stride], pads=pads, ceil_mode=ceil, count_include_pad=include)
    check(m, "pooling_nchw_sum")


@pytest.mark.parametrize("op", ["GlobalAveragePool", "GlobalMaxPool"])
@pytest.mark.parametrize("shape", [[1, 512, 7, 7], [2, 20, 5, 3], [1, 3, 40, 40]])
def test_global_pool(op, shape):
    m = model(op, [("x", shape)], shape[:2] + [1, 1])
    hw, vec = fast_path_ir(m)
    # a max's lanes are combined by a butterfly of shuffles, a sum's by vector.reduction
    combine = "vector.shuffle" if op == "GlobalMaxPool" else "vector.reduction"
    assert "hw.parallel" in hw and combine in vec
    check(m, None)


MAXPOOL_INDICES = [  # shape, kernel, strides, pads, dilations, ceil_mode, storage_order
    ([2, 3, 9, 7], [3, 3], [2, 2], [1, 1, 1, 1], [1, 1], 0, 0),
    ([1, 2, 8, 10], [2, 3], [1, 2], [0, 1, 1, 0], [2, 1], 1, 1),
    ([2, 2, 7], [3], [2], [1, 1], [1], 1, 0),
    ([1, 2, 5, 4, 6], [2, 2, 3], [1, 2, 2], [0, 0, 1, 1, 0, 0], [1, 1, 1], 0, 1),
]


@pytest.mark.parametrize("shape,kernel,strides,pads,dil,ceil,order", MAXPOOL_INDICES)
def test_max_pool_indices(shape, kernel, strides, pads, dil, ceil, order):
    """MaxPool's Indices output (flat positions of each window's maximum; storage_order 1:
    the spatial dims column-major) and its values, against onnxruntime."""
    node = helper.make_node("MaxPool", ["x"], ["y", "i"], kernel_shape=kernel, strides=strides,
                            pads=pads, dilations=dil, ceil_mode=ceil, storage_order=order)
    graph = helper.make_graph([node], "maxpool_indices",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None] * len(shape)),
                               helper.make_tensor_value_info("i", TensorProto.INT64, [None] * len(shape))])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
    m.ir_version = 8
    x = np.random.default_rng(len(shape)).standard_normal(shape).astype(np.float32)
    want = onnxruntime_session(m.SerializeToString()).run(None, {"x": x})
    got = aic.compile(m, cache=False)(x)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
