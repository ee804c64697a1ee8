"""DeformConv (a deformable im2col of gathered bilinear taps, then one matmul per group)
against ONNX's reference and onnxruntime: offsets that move taps
across and off the image, masks, bias, groups, offset groups, strides, pads, dilations."""

import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import aic
from aic.runner import onnxruntime_session

F = TensorProto.FLOAT

CASES = [  # x shape, out channels, kernel, group, offset_group, strides, pads, dilations, mask, bias
    ([1, 2, 6, 7], 3, [3, 3], 1, 1, [1, 1], [1, 1, 1, 1], [1, 1], False, False),
    ([2, 4, 7, 6], 4, [2, 3], 2, 2, [2, 1], [0, 1, 1, 0], [1, 2], True, True),
    ([1, 6, 5, 5], 2, [3, 2], 1, 3, [1, 2], [1, 0, 1, 1], [2, 1], True, False),
]


def _case(shape, oc, kernel, group, offset_group, strides, pads, dilations, mask, bias):
    rng = np.random.default_rng(sum(shape))
    attrs = dict(kernel_shape=kernel, group=group, offset_group=offset_group, strides=strides,
                 pads=pads, dilations=dilations)
    out = [(i + p0 + p1 - ((k - 1) * d + 1)) // s + 1 for i, p0, p1, k, s, d in
           zip(shape[2:], pads[:2], pads[2:], kernel, strides, dilations)]
    taps = kernel[0] * kernel[1]
    feed = {"x": rng.standard_normal(shape).astype(np.float32),
            "w": rng.standard_normal([oc, shape[1] // group, *kernel]).astype(np.float32),
            "offset": (rng.standard_normal([shape[0], offset_group * taps * 2, *out]) * 1.5)
            .astype(np.float32)}
    names = ["x", "w", "offset"]
    if bias or mask:
        feed["b"] = rng.standard_normal([oc]).astype(np.float32)
        names.append("b" if bias else "")
    if mask:
        feed["mask"] = rng.random([shape[0], offset_group * taps, *out]).astype(np.float32)
        names.append("mask")
    if not bias:
        feed.pop("b", None)
    node = helper.make_node("DeformConv", names, ["y"], **attrs)
    graph = helper.make_graph([node], "deform_conv",
                              [helper.make_tensor_value_info(k, F, list(v.shape))
                               for k, v in feed.items()],
                              [helper.make_tensor_value_info("y", F, [shape[0], oc, *out])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)], ir_version=9)
    return model, feed


@pytest.mark.parametrize("case", CASES)
def test_deform_conv_matches_the_reference_and_onnxruntime(case):
    model, feed = _case(*case)
    got = aic.compile(model, cache=False)(**feed)[0]
    want = ReferenceEvaluator(model).run(None, feed)[0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    want = onnxruntime_session(model.SerializeToString()).run(None, feed)[0]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
