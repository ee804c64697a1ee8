"""Old-opset forms (opset 6-9, as the model zoo's exporters wrote them) compile and match
onnxruntime: Dropout-7 with its mask output, BatchNormalization-7 with ``spatial`` 1 and 0,
Upsample-7 (scales attribute) and -9 (scales input), multi-input Sum/Max/Min/Mean with
broadcasting (opset 8), Gemm-7 with a broadcast C."""

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic

F = TensorProto.FLOAT
RNG = np.random.default_rng(0)


def _model(nodes, inputs, outputs, opset, inits=()):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, F, s) for n, s in inputs],
                              [helper.make_tensor_value_info(n, F, s) for n, s in outputs],
                              initializer=[numpy_helper.from_array(v, k) for k, v in inits])
    if opset < 9:  # IR 3: initializers are graph inputs too
        graph.input.extend(helper.make_tensor_value_info(k, F, list(v.shape)) for k, v in inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 4 if opset >= 9 else 3
    return model


def _r(*shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, shape).astype(np.float32)


CASES = {
    "dropout7_mask": _model([helper.make_node("Dropout", ["x"], ["y", "m"], ratio=0.3)],
                            [("x", [2, 5])], [("y", [2, 5]), ("m", [2, 5])], 7),
    "batchnorm7_spatial": _model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "mu", "v"], ["y"], spatial=1,
                          epsilon=1e-3)],
        [("x", [2, 3, 4, 4])], [("y", [2, 3, 4, 4])], 7,
        [("s", _r(3)), ("b", _r(3)), ("mu", _r(3)), ("v", _r(3, low=0.5, high=2))]),
    "batchnorm7_per_activation": _model(
        [helper.make_node("BatchNormalization", ["x", "s", "b", "mu", "v"], ["y"], spatial=0)],
        [("x", [2, 3, 4, 4])], [("y", [2, 3, 4, 4])], 7,
        [("s", _r(3, 4, 4)), ("b", _r(3, 4, 4)), ("mu", _r(3, 4, 4)),
         ("v", _r(3, 4, 4, low=0.5, high=2))]),
    "upsample7_nearest": _model(
        [helper.make_node("Upsample", ["x"], ["y"], mode="nearest", scales=[1.0, 1.0, 2.0, 3.0])],
        [("x", [1, 2, 3, 3])], [("y", [1, 2, 6, 9])], 7),
    "upsample9_linear": _model(
        [helper.make_node("Upsample", ["x", "sc"], ["y"], mode="linear")],
        [("x", [1, 2, 3, 3])], [("y", [1, 2, 6, 6])], 9,
        [("sc", np.array([1, 1, 2, 2], np.float32))]),
    "sum_max_min_mean8": _model(
        [helper.make_node("Sum", ["a", "b", "c"], ["s"]),
         helper.make_node("Max", ["a", "b", "c"], ["mx"]),
         helper.make_node("Min", ["a", "b", "c"], ["mn"]),
         helper.make_node("Mean", ["a", "b", "c"], ["me"])],
        [("a", [2, 3, 4]), ("b", [3, 1]), ("c", [4])],
        [("s", [2, 3, 4]), ("mx", [2, 3, 4]), ("mn", [2, 3, 4]), ("me", [2, 3, 4])], 8),
    "sum6_same_shapes": _model([helper.make_node("Sum", ["a", "b", "c"], ["s"])],
                               [("a", [2, 3]), ("b", [2, 3]), ("c", [2, 3])], [("s", [2, 3])], 6),
    "gemm7_broadcast_c": _model(
        [helper.make_node("Gemm", ["x", "w", "c"], ["y"], transB=1, alpha=0.5, beta=2.0)],
        [("x", [3, 5])], [("y", [3, 4])], 7, [("w", _r(4, 5)), ("c", _r(4))]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_old_opset_matches_onnxruntime(name):
    model = CASES[name]
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    inits = {t.name for t in model.graph.initializer}
    feed = {i.name: _r(*[d.dim_value for d in i.type.tensor_type.shape.dim])
            for i in model.graph.input if i.name not in inits}
    want = session.run(None, feed)
    got = aic.compile(model)(**feed)
    if name == "dropout7_mask":
        # the mask of an inference Dropout: nothing dropped, all ones as in ONNX's reference
        # (onnx.reference Dropout_7) and the bool mask of Dropout-10+; onnxruntime fills
        # zeros (its kernel memsets the mask in inference mode)
        np.testing.assert_array_equal(got.pop(), np.ones((2, 5), np.float32))
        want.pop()
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
