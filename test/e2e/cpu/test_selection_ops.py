"""End-to-end tests of the ops whose result length depends on the data (NonMaxSuppression,
Unique, NonZero: ONNX -> aic.compile -> JIT) against onnxruntime: the data-sized result comes
back as an array of the length computed at run time, and may feed further ops."""

import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import aic
from aic.runner import onnxruntime_session

RNG = np.random.default_rng(0)
F, I64 = TensorProto.FLOAT, TensorProto.INT64


def model(nodes, inputs, outputs, opset=17):
    graph = helper.make_graph(nodes, "t", [helper.make_tensor_value_info(*i) for i in inputs],
                              [helper.make_tensor_value_info(*o) for o in outputs])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)


def check(m, feeds):
    """aic vs onnxruntime on each feed, one compiled model for all (exact: indices)."""
    compiled = aic.compile(m)
    session = onnxruntime_session(m.SerializeToString())
    for feed in feeds:
        got = compiled(**feed)
        want = session.run(None, feed)
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype, (g, w)
            np.testing.assert_array_equal(g, w)


def boxes(b, n, center=False):
    lo = RNG.uniform(0, 10, (b, n, 2)).astype(np.float32)
    size = RNG.uniform(0.5, 4, (b, n, 2)).astype(np.float32)
    if center:
        return np.concatenate([lo, size], -1)
    corners = np.concatenate([lo, lo + size], -1)
    flip = RNG.random((b, n)) < 0.3  # corners in either order
    corners[flip] = corners[flip][:, [2, 3, 0, 1]]
    return corners


def nms_model(b, c, n, center=False, score_threshold=True):
    ins = ["boxes", "scores", "max_out", "iou"] + (["score_min"] if score_threshold else [])
    node = helper.make_node("NonMaxSuppression", ins, ["selected"],
                            center_point_box=int(center))
    inputs = [("boxes", F, [b, n, 4]), ("scores", F, [b, c, n]), ("max_out", I64, [1]),
              ("iou", F, [1])] + ([("score_min", F, [1])] if score_threshold else [])
    return model([node], inputs, [("selected", I64, ["k", 3])])


@pytest.mark.parametrize("center", [False, True])
def test_nms_random_boxes_thresholds_at_run_time(center):
    """Many overlapping boxes, two batches, three classes; the limits are inputs at run time
    (one compiled model serves every value)."""
    m = nms_model(2, 3, 40, center)
    feeds = []
    for max_out, iou, floor in ((5, 0.5, 0.2), (100, 0.3, 0.0), (0, 0.5, 0.0), (3, 0.9, 0.6)):
        feeds.append({"boxes": boxes(2, 40, center),
                      "scores": RNG.random((2, 3, 40)).astype(np.float32),
                      "max_out": np.array([max_out], np.int64),
                      "iou": np.array([iou], np.float32),
                      "score_min": np.array([floor], np.float32)})
    check(m, feeds)


def test_nms_equal_scores_keep_the_lower_index_and_no_score_threshold():
    m = nms_model(1, 1, 8, score_threshold=False)
    scores = np.array([[[0.5, 0.9, 0.5, 0.9, 0.1, 0.5, 0.9, 0.0]]], np.float32)
    check(m, [{"boxes": boxes(1, 8), "scores": scores, "max_out": np.array([8], np.int64),
               "iou": np.array([0.2], np.float32)}])


def test_nms_result_feeds_gather():
    """The selected box indices (a data-sized column) pick the kept boxes."""
    nodes = [helper.make_node("NonMaxSuppression", ["boxes", "scores", "max_out", "iou"],
                              ["selected"]),
             helper.make_node("Gather", ["selected", "col"], ["box_index"], axis=1),
             helper.make_node("Squeeze", ["boxes", "zero"], ["flat"]),
             helper.make_node("Gather", ["flat", "box_index"], ["kept"], axis=0)]
    m = model(nodes, [("boxes", F, [1, 30, 4]), ("scores", F, [1, 1, 30]), ("max_out", I64, [1]),
                      ("iou", F, [1]), ("col", I64, []), ("zero", I64, [1])],
              [("kept", F, ["k", 4])])
    check(m, [{"boxes": boxes(1, 30), "scores": RNG.random((1, 1, 30)).astype(np.float32),
               "max_out": np.array([10], np.int64), "iou": np.array([0.4], np.float32),
               "col": np.array(2, np.int64), "zero": np.array([0], np.int64)}])


UNIQUE_OUTS = ["y", "indices", "inverse", "counts"]


@pytest.mark.parametrize("sorted_", [1, 0])
@pytest.mark.parametrize("dtype,proto", [(np.float32, F), (np.int64, I64)])
def test_unique_flattened(sorted_, dtype, proto):
    m = model([helper.make_node("Unique", ["x"], UNIQUE_OUTS, sorted=sorted_)],
              [("x", proto, [3, 7])],
              [("y", proto, ["u"]), ("indices", I64, ["u"]), ("inverse", I64, [21]),
               ("counts", I64, ["u"])])
    check(m, [{"x": RNG.integers(-4, 5, (3, 7)).astype(dtype)},
              {"x": np.full((3, 7), 2, dtype)},
              {"x": np.arange(21, dtype=dtype).reshape(3, 7)[::-1].copy()}])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unique_slices_sorted(axis):
    """Slices along an axis compare lexicographically; the middle axis's result is copied out
    of its strided buffer."""
    x = RNG.integers(0, 2, (3, 6, 2)).astype(np.float32)
    shape = list(x.shape)
    shape[axis] = "u"
    m = model([helper.make_node("Unique", ["x"], UNIQUE_OUTS, axis=axis, sorted=1)],
              [("x", F, [3, 6, 2])],
              [("y", F, shape), ("indices", I64, ["u"]), ("inverse", I64, [x.shape[axis]]),
               ("counts", I64, ["u"])])
    check(m, [{"x": x}, {"x": np.zeros_like(x)}])


@pytest.mark.parametrize("sorted_", [1, 0])
def test_unique_many_rows(sorted_):
    """Enough slices for several merge passes of the sort (37 rows, 1000 elements)."""
    rows = RNG.integers(0, 3, (37, 3)).astype(np.float32)
    m = model([helper.make_node("Unique", ["x"], UNIQUE_OUTS, axis=0, sorted=sorted_)],
              [("x", F, [37, 3])],
              [("y", F, ["u", 3]), ("indices", I64, ["u"]), ("inverse", I64, [37]),
               ("counts", I64, ["u"])])
    check(m, [{"x": rows}])
    m = model([helper.make_node("Unique", ["x"], UNIQUE_OUTS, sorted=sorted_)],
              [("x", I64, [1000])],
              [("y", I64, ["u"]), ("indices", I64, ["u"]), ("inverse", I64, [1000]),
               ("counts", I64, ["u"])])
    check(m, [{"x": RNG.integers(-300, 300, 1000)}])


def test_unique_merges_nans_and_sorts_them_last():
    """As numpy's unique (ONNX's reference): NaNs equal each other and sort after numbers."""
    m = model([helper.make_node("Unique", ["x"], UNIQUE_OUTS, sorted=1)], [("x", F, [7])],
              [("y", F, ["u"]), ("indices", I64, ["u"]), ("inverse", I64, [7]),
               ("counts", I64, ["u"])])
    x = np.array([2, np.nan, -1, np.nan, 2, -np.inf, np.inf], np.float32)
    for g, w in zip(aic.compile(m)(x), ReferenceEvaluator(m).run(None, {"x": x})):
        np.testing.assert_array_equal(g, w)


def test_unique_values_feed_an_elementwise_op():
    nodes = [helper.make_node("Unique", ["x"], ["y"]), helper.make_node("Mul", ["y", "y"], ["z"])]
    m = model(nodes, [("x", F, [10])], [("z", F, ["u"])])
    check(m, [{"x": RNG.integers(0, 4, 10).astype(np.float32)}])


def test_a_reduction_over_a_data_sized_dim_is_a_located_error():
    nodes = [helper.make_node("Unique", ["x"], ["y"]),
             helper.make_node("ReduceSum", ["y"], ["z"], keepdims=0)]
    m = model(nodes, [("x", F, [10])], [("z", F, [])])
    with pytest.raises(aic.AicError, match=r"ReduceSum_1\(ReduceSum\).*dynamic dim 0 of a "
                                           r"tensor<\?xf32> value, known only at run time"):
        aic.compile(m)


@pytest.mark.parametrize("dtype,proto", [(np.float32, F), (np.bool_, TensorProto.BOOL),
                                         (np.int32, TensorProto.INT32)])
def test_nonzero(dtype, proto):
    m = model([helper.make_node("NonZero", ["x"], ["y"])], [("x", proto, [3, 4, 5])],
              [("y", I64, [3, "n"])])
    x = (RNG.random((3, 4, 5)) < 0.3).astype(dtype)
    check(m, [{"x": x}, {"x": np.zeros_like(x)}, {"x": np.ones_like(x)}])


def test_unique_through_a_library(tmp_path):
    """The C entry hands the data-sized outputs over too (aic.load runs the library)."""
    m = model([helper.make_node("Unique", ["x"], UNIQUE_OUTS, axis=1)], [("x", F, [2, 5])],
              [("y", F, [2, "u"]), ("indices", I64, ["u"]), ("inverse", I64, [5]),
               ("counts", I64, ["u"])])
    x = np.array([[1, 2, 1, 2, 3], [0, 5, 0, 5, 1]], np.float32)
    loaded = aic.load(aic.compile(m, cache=False).save(str(tmp_path / "unique.so")))
    want = onnxruntime_session(m.SerializeToString()).run(None, {"x": x})
    for g, w in zip(loaded(x), want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
