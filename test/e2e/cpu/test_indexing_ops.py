"""GatherND, ScatterND, ScatterElements, Compress and GridSample (issue 9) compiled and run
against onnxruntime with indices (grids) fed at run time; out-of-range indices become
``aic.InputError``; inputs are never written."""

import numpy as np
import pytest
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

import aic
from aic.runner import onnxruntime_session

F, I64 = TensorProto.FLOAT, TensorProto.INT64
RNG = np.random.default_rng(9)


def model(node, inputs, out_shape, opset=18):
    graph = helper.make_graph(
        [node], "t", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info("y", F, out_shape)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)


def check(m, feed, tol=1e-6):
    before = {k: v.copy() for k, v in feed.items()}
    got = aic.compile(m)(**feed)[0]
    for k, v in feed.items():  # a scatter never writes into its input's buffer
        np.testing.assert_array_equal(v, before[k])
    want = onnxruntime_session(m.SerializeToString()).run(None, feed)[0]
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    return got


def test_gather_nd_batch_dims_against_onnxruntime():
    x = RNG.standard_normal((2, 5, 4, 3)).astype(np.float32)
    idx = np.array([[[0, 1], [4, -1], [-5, 2]], [[3, 3], [1, 0], [2, -4]]], np.int64)
    node = helper.make_node("GatherND", ["x", "i"], ["y"], batch_dims=1, name="g")
    m = model(node, [("x", F, [2, 5, 4, 3]), ("i", I64, [2, 3, 2])], [2, 3, 3])
    check(m, {"x": x, "i": idx})


def test_gather_nd_out_of_range_is_an_input_error():
    node = helper.make_node("GatherND", ["x", "i"], ["y"], name="g")
    compiled = aic.compile(model(node, [("x", F, [4, 6]), ("i", I64, [2, 2])], [2]))
    x = np.zeros((4, 6), np.float32)
    with pytest.raises(aic.InputError, match=r"index 6 is out of range \[-6, 6\) for GatherND "
                                             r"node 'g'"):
        compiled(x, np.array([[0, 1], [3, 6]], np.int64))


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
def test_scatter_nd_reductions_against_onnxruntime(reduction):
    x = RNG.standard_normal((5, 3, 2)).astype(np.float32)
    # duplicate targets: ONNX defines them for the reductions only
    idx = (np.array([[1, 0], [4, 2], [-1, 1], [0, 0]], np.int64) if reduction == "none"
           else np.array([[1, 0], [4, 2], [1, 0], [-1, 2]], np.int64))
    upd = RNG.standard_normal((4, 2)).astype(np.float32)
    node = helper.make_node("ScatterND", ["x", "i", "u"], ["y"], reduction=reduction)
    m = model(node, [("x", F, [5, 3, 2]), ("i", I64, [4, 2]), ("u", F, [4, 2])], [5, 3, 2])
    check(m, {"x": x, "i": idx, "u": upd})


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
def test_scatter_elements_reductions_against_onnxruntime(reduction):
    x = RNG.standard_normal((4, 6)).astype(np.float32)
    idx = np.array([[0, 5, -1], [2, 2, 3], [1, 0, 4]], np.int64)
    if reduction == "none":
        idx[1, 1] = -2
    upd = RNG.standard_normal((3, 3)).astype(np.float32)
    node = helper.make_node("ScatterElements", ["x", "i", "u"], ["y"], axis=1,
                            reduction=reduction)
    m = model(node, [("x", F, [4, 6]), ("i", I64, [3, 3]), ("u", F, [3, 3])], [4, 6])
    got = check(m, {"x": x, "i": idx, "u": upd})
    np.testing.assert_array_equal(got[3], x[3])  # rows past the indices are x's


def test_compress_with_a_constant_condition():
    x = RNG.standard_normal((3, 5)).astype(np.float32)
    cond = helper.make_tensor("c", TensorProto.BOOL, [4], [True, False, False, True])
    graph = helper.make_graph(
        [helper.make_node("Compress", ["x", "c"], ["y"], axis=1)], "t",
        [helper.make_tensor_value_info("x", F, [3, 5])],
        [helper.make_tensor_value_info("y", F, [3, 2])], initializer=[cond])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], ir_version=9)
    np.testing.assert_array_equal(check(m, {"x": x}), x[:, [0, 3]])


def test_compress_with_a_run_time_condition_specialises_on_it():
    """The condition decides the output's shape: aic.compile specialises on its value at the
    call (one variant per condition); with specialize=False it is refused, naming it."""
    node = helper.make_node("Compress", ["x", "c"], ["y"], axis=0)
    m = model(node, [("x", F, [3]), ("c", TensorProto.BOOL, [3])], [None], opset=11)
    with pytest.raises(aic.UnsupportedError, match="condition .* must be known at compile time"):
        aic.compile(m, specialize=False)
    compiled = aic.compile(m, cache=False)
    x = np.array([1.5, -2.0, 3.0], np.float32)
    for c in ([True, False, True], [False, True, False]):
        (got,) = compiled(x, np.array(c))
        np.testing.assert_array_equal(got, x[np.array(c)])
    assert compiled.variant_count == 2


@pytest.mark.parametrize("mode,padding,align", [
    ("linear", "zeros", 0), ("linear", "border", 1), ("nearest", "reflection", 0),
    ("cubic", "zeros", 1), ("cubic", "border", 0), ("linear", "reflection", 1)])
def test_grid_sample_against_onnxruntime(mode, padding, align):
    x = RNG.standard_normal((2, 3, 5, 6)).astype(np.float32)
    grid = RNG.uniform(-1.4, 1.4, (2, 4, 7, 2)).astype(np.float32)  # some points outside
    node = helper.make_node("GridSample", ["x", "g"], ["y"], mode=mode, padding_mode=padding,
                            align_corners=align)
    m = model(node, [("x", F, [2, 3, 5, 6]), ("g", F, [2, 4, 7, 2])], [2, 3, 4, 7], opset=22)
    if (mode, padding) != ("cubic", "border"):
        check(m, {"x": x, "g": grid}, tol=1e-5)
        return
    # onnxruntime clamps each cubic tap (as PyTorch does); the ONNX spec and its reference
    # clamp the coordinate, then take 4 taps around it (up to 0.22 apart here): aic follows
    # the spec
    got = aic.compile(m)(x, grid)[0]
    want = ReferenceEvaluator(m).run(None, {"x": x, "g": grid})[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
