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
    m = model([helper.make_node("Add", ["a", "b"], ["s"]), helper.make_node("Div", ["a", "b"], ["q"]),
                helper.make_node("Less", ["a", "b"], ["l"])],
              [("a", t, [3, 4]), ("b", t, [4])],
              [("s", t, [3, 4]), ("q", t, [3, 4]), ("l", TensorProto.BOOL, [3, 4])])
    s, q, lt = aic.compile(m)(a, b)
    assert s.dtype == np.int16
    np.testing.assert_array_equal(s, a + b)
    np.testing.assert_array_equal(q, np.trunc(a / b).astype(np.int16))  # toward zero
    np.testing.assert_array_equal(lt, a < b)
