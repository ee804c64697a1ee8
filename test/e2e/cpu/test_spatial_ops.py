"""AffineGrid, MaxUnpool, ReverseSequence, MeanVarianceNormalization (``spatial.py``),
CumProd (``reduce.py``) and Det (``misc.py``) -- decompositions into graph ops -- end to end
against onnxruntime (ONNX's reference where the two differ, numpy where onnxruntime has no
kernel)."""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import aic
from aic.runner import onnxruntime_session

F, I64 = TensorProto.FLOAT, TensorProto.INT64
RNG = np.random.default_rng(11)


def _model(nodes, inputs, outputs, opset, inits=()):
    graph = helper.make_graph(nodes, "spatial",
                              [helper.make_tensor_value_info(*i) for i in inputs],
                              [helper.make_tensor_value_info(*o) for o in outputs],
                              initializer=[numpy_helper.from_array(a, k) for k, a in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)


def _check(m, feed, reference=False):
    got = aic.compile(m, cache=False)(**feed)
    want = (ReferenceEvaluator(m).run(None, feed) if reference else
            onnxruntime_session(m.SerializeToString()).run(None, feed))
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("size,align", [([3, 2, 5, 7], 0), ([3, 2, 4, 1], 1),
                                        ([2, 1, 3, 4, 5], 0), ([2, 1, 2, 3, 4], 1)])
def test_affine_grid(size, align):
    k = len(size) - 2
    m = _model([helper.make_node("AffineGrid", ["theta", "size"], ["grid"],
                                 align_corners=align)],
               [("theta", F, [size[0], k, k + 1])], [("grid", F, [size[0], *size[2:], k])], 20,
               inits=[("size", np.array(size, np.int64))])
    # a dim of size 1 with align_corners: ONNX's reference (its function body) places the
    # one sample at -1, onnxruntime (as PyTorch) at 0 -- aic follows ONNX's reference
    _check(m, {"theta": RNG.standard_normal((size[0], k, k + 1)).astype(np.float32)},
           reference=align and 1 in size[2:])


def test_max_unpool_of_max_pool_indices():
    """MaxPool's values and flat indices (over N, C, H, W) unpooled: the maxima back in place."""
    pool = helper.make_node("MaxPool", ["x"], ["v", "i"], kernel_shape=[2, 3], strides=[2, 2],
                            pads=[0, 1, 1, 0])
    unpool = helper.make_node("MaxUnpool", ["v", "i"], ["y"], kernel_shape=[2, 3],
                              strides=[2, 2], pads=[0, 1, 1, 0])
    m = _model([pool, unpool], [("x", F, [2, 3, 7, 8])], [("y", F, [2, 3, 7, 8])], 11)
    _check(m, {"x": RNG.standard_normal((2, 3, 7, 8)).astype(np.float32)})


def test_max_unpool_to_a_larger_output_shape():
    """The indices address the inferred shape, zero-padded at the end (ONNX's reference)."""
    m = _model([helper.make_node("MaxUnpool", ["v", "i", "shape"], ["y"], kernel_shape=[2, 2],
                                 strides=[2, 2])],
               [("v", F, [1, 2, 2, 2]), ("i", I64, [1, 2, 2, 2])], [("y", F, [1, 2, 5, 6])], 11,
               inits=[("shape", np.array([1, 2, 5, 6], np.int64))])
    idx = np.array([0, 3, 9, 14, 16, 22, 25, 31], np.int64).reshape(1, 2, 2, 2)
    _check(m, {"v": RNG.standard_normal((1, 2, 2, 2)).astype(np.float32), "i": idx},
           reference=True)


@pytest.mark.parametrize("shape,batch_axis,time_axis", [([5, 3, 2], 1, 0), ([3, 6], 0, 1)])
def test_reverse_sequence(shape, batch_axis, time_axis):
    lengths = np.array([1, 5, 3][:shape[batch_axis]], np.int64)
    m = _model([helper.make_node("ReverseSequence", ["x", "lens"], ["y"], batch_axis=batch_axis,
                                 time_axis=time_axis)],
               [("x", F, shape), ("lens", I64, [shape[batch_axis]])], [("y", F, shape)], 10)
    _check(m, {"x": RNG.standard_normal(shape).astype(np.float32), "lens": lengths})


@pytest.mark.parametrize("axes", [None, [1], [2, 3]])
def test_mean_variance_normalization(axes):
    attrs = {} if axes is None else {"axes": axes}
    m = _model([helper.make_node("MeanVarianceNormalization", ["x"], ["y"], **attrs)],
               [("x", F, [2, 3, 4, 5])], [("y", F, [2, 3, 4, 5])], 13)
    _check(m, {"x": (RNG.standard_normal((2, 3, 4, 5)) * 3 + 1).astype(np.float32)})


@pytest.mark.parametrize("shape,axis,exclusive,reverse", [([7], 0, 0, 0), ([3, 5], 1, 1, 0),
                                                          ([4, 3, 2], 0, 0, 1),
                                                          ([2, 6], -1, 1, 1)])
def test_cumprod(shape, axis, exclusive, reverse):
    """CumProd (opset 26; onnxruntime 1.32 has no kernel): against numpy's cumprod."""
    m = _model([helper.make_node("CumProd", ["x", "a"], ["y"], exclusive=exclusive,
                                 reverse=reverse)],
               [("x", F, shape)], [("y", F, shape)], 26,
               inits=[("a", np.array(axis, np.int64))])
    x = (RNG.uniform(0.5, 1.5, shape) * RNG.choice([-1, 1], shape)).astype(np.float32)
    y = np.flip(x, axis) if reverse else x
    want = np.cumprod(y, axis=axis)
    if exclusive:
        ones = np.ones_like(np.take(y, [0], axis=axis))
        want = np.concatenate([ones, np.delete(want, -1, axis=axis)], axis=axis)
    want = np.flip(want, axis) if reverse else want
    (got,) = aic.compile(m, cache=False)(x)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [[1, 1], [3, 3], [2, 4, 4], [2, 1, 5, 5]])
def test_det(shape):
    m = _model([helper.make_node("Det", ["x"], ["y"])], [("x", F, shape)],
               [("y", F, shape[:-2])], 11)
    x = RNG.standard_normal(shape).astype(np.float32)
    _check(m, {"x": x})
    np.testing.assert_allclose(aic.compile(m, cache=False)(x)[0], np.linalg.det(x), rtol=1e-4,
                               atol=1e-5)
