"""RoiAlign (a decomposition: sample coordinates computed from the run-time boxes, four
gathered taps per sample, a bin reduction) against onnxruntime and ONNX's reference:
boxes inside, across and outside the image, several images, both coordinate modes, avg and
max, non-square outputs."""

import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import aic
from aic.runner import onnxruntime_session


def _model(opset, rois, out_hw, **attrs):
    node = helper.make_node("RoiAlign", ["x", "rois", "idx"], ["y"], output_height=out_hw[0],
                            output_width=out_hw[1], **attrs)
    graph = helper.make_graph(
        [node], "roi_align",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 12, 9]),
         helper.make_tensor_value_info("rois", TensorProto.FLOAT, [rois, 4]),
         helper.make_tensor_value_info("idx", TensorProto.INT64, [rois])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [rois, 3, *out_hw])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                             ir_version=8)


def _feed(scale: float):
    rng = np.random.default_rng(3)
    boxes = np.array([[0, 0, 8, 11], [1.5, 2.25, 6.5, 4], [-3, -2, 4, 5], [6, 9, 14, 16],
                      [3, 3, 3.2, 3.1], [-9, -9, -4, -5]], np.float32) / scale
    return {"x": rng.standard_normal((2, 3, 12, 9)).astype(np.float32), "rois": boxes,
            "idx": np.array([0, 1, 1, 0, 1, 0], np.int64)}


CASES = [  # opset, attributes
    (16, dict(mode="avg", sampling_ratio=2, coordinate_transformation_mode="half_pixel")),
    (16, dict(mode="avg", sampling_ratio=3, spatial_scale=0.5,
              coordinate_transformation_mode="output_half_pixel")),
    (16, dict(mode="max", sampling_ratio=2, coordinate_transformation_mode="output_half_pixel")),
    (10, dict(mode="avg", sampling_ratio=1)),
]


@pytest.mark.parametrize("opset,attrs", CASES)
def test_roi_align_matches_onnxruntime_and_the_reference(opset, attrs):
    m = _model(opset, 6, (3, 4), **attrs)
    feed = _feed(attrs.get("spatial_scale", 1.0))
    got = aic.compile(m, cache=False)(**feed)[0]
    if opset >= 16:  # ONNX 1.23's reference reads opset 10 with opset 16's half_pixel default
        np.testing.assert_allclose(got, ReferenceEvaluator(m).run(None, feed)[0], rtol=1e-5,
                                   atol=1e-5)
    want = onnxruntime_session(m.SerializeToString()).run(None, feed)[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_adaptive_sampling_is_refused():
    with pytest.raises(aic.UnsupportedError, match="sampling_ratio=0"):
        aic.compile(_model(16, 6, (3, 4)), cache=False)
