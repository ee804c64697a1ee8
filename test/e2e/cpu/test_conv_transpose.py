"""Transposed convolutions vs onnxruntime, in particular those whose kernel equals their stride
(UNet's up-convolutions), which ``aic-graph-simplify`` turns into a 1x1 conv plus a pixel
shuffle."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.compiler.driver import CompileOptions, compile_module

ort = pytest.importorskip("onnxruntime")


def _model(xs, ws, bias: bool, kernel, strides, weight_input: bool = False, **attrs):
    rng = np.random.default_rng(0)
    w = rng.standard_normal(ws).astype(np.float32)
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, xs)]
    inits = []
    if weight_input:
        inputs.append(helper.make_tensor_value_info("W", TensorProto.FLOAT, ws))
    else:
        inits.append(numpy_helper.from_array(w, "W"))
    names = ["x", "W"]
    if bias:
        inits.append(numpy_helper.from_array(rng.standard_normal(ws[1]).astype(np.float32), "B"))
        names.append("B")
    node = helper.make_node("ConvTranspose", names, ["y"], kernel_shape=kernel,
                            strides=strides, **attrs)
    graph = helper.make_graph([node], "ct", inputs, [helper.make_empty_tensor_value_info("y")],
                              inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return onnx.shape_inference.infer_shapes(model), w


CASES = {
    "2d_k2s2_bias": ([1, 8, 5, 6], [8, 3, 2, 2], True, [2, 2], [2, 2], {}),
    "2d_k2s2_batch2": ([2, 16, 7, 7], [16, 8, 2, 2], False, [2, 2], [2, 2], {}),
    "1d_k3s3": ([2, 4, 7], [4, 5, 3], False, [3], [3], {}),
    "3d_k212": ([1, 3, 2, 3, 4], [3, 2, 2, 1, 2], True, [2, 1, 2], [2, 1, 2], {}),
    "2d_k3s2_overlapping": ([1, 4, 5, 5], [4, 3, 3, 3], True, [3, 3], [2, 2], {}),
    "2d_k2s2_padded": ([1, 4, 5, 5], [4, 3, 2, 2], True, [2, 2], [2, 2], {"pads": [1, 0, 1, 0]}),
}


@pytest.mark.parametrize("weight_input", [False, True], ids=["constant_w", "runtime_w"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_conv_transpose_matches_onnxruntime(case, weight_input):
    xs, ws, bias, kernel, strides, attrs = CASES[case]
    model, w = _model(xs, ws, bias, kernel, strides, weight_input, **attrs)
    x = np.random.default_rng(1).standard_normal(xs).astype(np.float32)
    feeds = {"x": x, "W": w} if weight_input else {"x": x}
    (want,) = ort.InferenceSession(model.SerializeToString()).run(None, feeds)
    (got,) = aic.compile(model, cache=False)(*feeds.values())
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_kernel_equal_to_stride_becomes_a_pointwise_conv():
    model, _ = _model([1, 8, 5, 6], [8, 3, 2, 2], True, [2, 2], [2, 2])
    options = CompileOptions("cpu", None, emit="graph")
    text = str(compile_module(model, options).module)
    assert "graph.conv_transpose" not in text
    assert "tensor<12x8x1x1xf32>" in text  # the folded 1x1 weight: M*KH*KW x C
