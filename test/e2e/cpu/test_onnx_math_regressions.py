"""End-to-end regressions of ONNX math/nn ops found by the conformance run (ONNX -> aic.compile
-> JIT), each against numpy: float Mod with fmod=0 on edge values, f16 conv accumulation,
constant folding of rank-0 values, int16 arithmetic."""

import numpy as np
import pytest
from onnx import TensorProto, helper

import aic
from aic.mlir_api import ir
from aic.context import make_context
from aic.rewriting import elements_attr

RNG = np.random.default_rng(0)


def model(nodes, inputs, outputs, opset=17):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


@pytest.mark.parametrize("dtype,onnx_type", [(np.float32, TensorProto.FLOAT),
                                             (np.float64, TensorProto.DOUBLE)])
def test_float_mod_python_semantics_on_edge_values(dtype, onnx_type):
    a = np.array([-3, 3, -1, 1, 0, -0.0, 5.5, -5.5, np.inf, 1, np.nan, 7], dtype)
    b = np.array([np.inf, np.inf, -np.inf, -np.inf, -2, 2, -2, 2, 2, 0, 2, -3], dtype)
    m = model([helper.make_node("Mod", ["a", "b"], ["y"], fmod=0)],
              [("a", onnx_type, [12]), ("b", onnx_type, [12])], [("y", onnx_type, [12])])
    (got,) = aic.compile(m)(a, b)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(got, np.mod(a, b))  # -3 mod inf = inf, 3 mod inf = 3


def test_f16_depthwise_conv_accumulates_in_f32():
    x = RNG.uniform(0.5, 2.0, (2, 4, 16)).astype(np.float16)
    w = RNG.uniform(0.5, 2.0, (4, 1, 8)).astype(np.float16)
    m = model([helper.make_node("Conv", ["x", "w"], ["y"], group=4)],
              [("x", TensorProto.FLOAT16, [2, 4, 16]), ("w", TensorProto.FLOAT16, [4, 1, 8])],
              [("y", TensorProto.FLOAT16, [2, 4, 9])])
    (got,) = aic.compile(m)(x, w)
    xf, wf = x.astype(np.float32), w.astype(np.float32)
    want = np.stack([np.stack([np.correlate(xf[n, c], wf[c, 0], "valid") for c in range(4)])
                     for n in range(2)]).astype(np.float16)
    # rounded once from f32: at most one f16 ulp away (f16 accumulation is off by several)
    np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=1e-3)


def test_rank0_constant_folding_keeps_rank0():
    """sqrt(constant scalar) folds to a rank-0 constant (numpy's ascontiguousarray made it 1-d)."""
    c = helper.make_node("Constant", [], ["c"], value=helper.make_tensor("v", 1, [], [2.0]))
    m = model([c, helper.make_node("Sqrt", ["c"], ["s"]), helper.make_node("Mul", ["x", "s"],
                                                                            ["y"])],
              [("x", TensorProto.FLOAT, [3])], [("y", TensorProto.FLOAT, [3])])
    x = np.array([1, 2, 3], np.float32)
    (got,) = aic.compile(m)(x)
    np.testing.assert_allclose(got, x * np.sqrt(np.float32(2)), rtol=1e-6)
    with make_context(), ir.Location.unknown():
        t = ir.RankedTensorType.get([], ir.F32Type.get())
        assert str(elements_attr(np.float32(0.5), t).type) == "tensor<f32>"


def test_int16_arith_and_compare():
    a = RNG.integers(-300, 300, (3, 4)).astype(np.int16)
    b = (RNG.integers(1, 9, (4,)) * np.array([1, -1, 1, -1])).astype(np.int16)
    t = TensorProto.INT16
    nodes = [helper.make_node(op, ["a", "b"], [y]) for op, y in (("Add", "s"), ("Div", "q"),
                                                                   ("Less", "l"))]
    m = model(nodes,
              [("a", t, [3, 4]), ("b", t, [4])],
              [("s", t, [3, 4]), ("q", t, [3, 4]), ("l", TensorProto.BOOL, [3, 4])])
    s, q, lt = aic.compile(m)(a, b)
    assert s.dtype == np.int16
    np.testing.assert_array_equal(s, a + b)
    np.testing.assert_array_equal(q, np.trunc(a / b).astype(np.int16))  # toward zero
    np.testing.assert_array_equal(lt, a < b)


def test_batch_norm_training_mode_outputs_running_stats():
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    s, b, mean, var = (RNG.uniform(0.5, 1.5, 3).astype(np.float32) for _ in range(4))
    f = TensorProto.FLOAT
    m = model([helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"],
                                ["y", "rm", "rv"], training_mode=1, momentum=0.8,
                                epsilon=1e-2)],
              [("x", f, [2, 3, 4, 5])] + [(k, f, [3]) for k in "sbmv"],
              [("y", f, [2, 3, 4, 5]), ("rm", f, [3]), ("rv", f, [3])], opset=15)
    y, rm, rv = aic.compile(m)(x, s, b, mean, var)
    bm, bv = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))  # population variance
    c = (slice(None), None, None)
    np.testing.assert_allclose(y, (x - bm[c]) / np.sqrt(bv[c] + 1e-2) * s[c] + b[c],
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(rm, mean * 0.8 + bm * 0.2, rtol=1e-5)
    np.testing.assert_allclose(rv, var * 0.8 + bv * 0.2, rtol=1e-5)


def test_conv_transpose_output_shape_larger_than_full_grows_at_end():
    x = RNG.standard_normal((1, 1, 3, 3)).astype(np.float32)
    w = RNG.standard_normal((1, 2, 3, 3)).astype(np.float32)
    f = TensorProto.FLOAT
    node = helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[3, 2],
                            output_shape=[10, 8])
    m = model([node], [("x", f, [1, 1, 3, 3]), ("w", f, [1, 2, 3, 3])],
              [("y", f, [1, 2, 10, 8])])
    (got,) = aic.compile(m)(x, w)
    want = np.zeros((1, 2, 10, 8), np.float32)  # the full 9x7 result, then zero rows/cols
    for i in range(3):
        for j in range(3):
            want[0, :, 3 * i:3 * i + 3, 2 * j:2 * j + 3] += x[0, 0, i, j] * w[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_castlike_of_a_constant_is_known_at_import():
    """Pad's constant_value must be known at compile time: CastLike(constant, x) folds."""
    c = helper.make_node("Constant", [], ["c"], value=helper.make_tensor("v", 1, [], [-1.5]))
    f = TensorProto.FLOAT16
    m = model([c, helper.make_node("CastLike", ["c", "x"], ["cv"]),
               helper.make_node("Pad", ["x", "p", "cv"], ["y"])],
              [("x", f, [2]), ("p", TensorProto.INT64, [2])], [("y", f, [4])])
    m.graph.input.pop()  # pads as an initializer
    m.graph.initializer.append(helper.make_tensor("p", TensorProto.INT64, [2], [1, 1]))
    x = np.array([1, 2], np.float16)
    (got,) = aic.compile(m)(x)
    np.testing.assert_array_equal(got, np.array([-1.5, 1, 2, -1.5], np.float16))
