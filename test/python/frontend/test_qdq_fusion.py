"""``aic.frontend.onnx.qdq.fuse``: which QDQ contractions become integer nodes, and which are
left in float (each condition has a negative case)."""

from __future__ import annotations

import collections

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.frontend.onnx.qdq import fuse
from aic.runner import onnxruntime_session

RNG = np.random.default_rng(5)


def _qdq_matmul(bias_scale: float | None = None, extra_use: bool = False, per_column=True):
    """x -> Q -> DQ -> MatMul(DQ(w)) [-> Add(DQ(bias))] -> Q -> DQ -> y (Gemm with a bias)."""
    w = RNG.integers(-127, 128, (16, 8)).astype(np.int8)
    w_scale = (RNG.uniform(0.01, 0.02, 8) if per_column else np.array(0.015)).astype(np.float32)
    inits = {"xs": np.array(0.05, np.float32), "xz": np.array(3, np.int8), "w": w,
             "ws": w_scale, "wz": np.zeros(w_scale.shape, np.int8),
             "ys": np.array(0.2, np.float32), "yz": np.array(-5, np.int8)}
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
             helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], axis=1)]
    if bias_scale is None:
        nodes.append(helper.make_node("MatMul", ["xd", "wd"], ["mm"]))
    else:
        inits.update(b=RNG.integers(-500, 500, 8).astype(np.int32),
                     bs=(np.float32(bias_scale) * w_scale).astype(np.float32),
                     bz=np.zeros(8, np.int32))
        nodes += [helper.make_node("DequantizeLinear", ["b", "bs", "bz"], ["bd"], axis=0),
                  helper.make_node("Gemm", ["xd", "wd", "bd"], ["mm"])]
    nodes += [helper.make_node("QuantizeLinear", ["mm", "ys", "yz"], ["yq"]),
              helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    outputs = [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])]
    if extra_use:
        nodes.append(helper.make_node("Relu", ["mm"], ["r"]))
        outputs.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, [4, 8]))
    graph = helper.make_graph(nodes, "qdq", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, [4, 16])], outputs,
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def _ops(model) -> collections.Counter:
    return collections.Counter(n.op_type for n in model.graph.node)


def _matches_onnxruntime(model):
    x = RNG.standard_normal((4, 16)).astype(np.float32) * 3
    got = aic.compile(model, cache=False)(x=x)
    want = onnxruntime_session(model.SerializeToString()).run(None, {"x": x})
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_matmul_becomes_qlinear_matmul():
    model = _qdq_matmul()
    ops = _ops(fuse(model))
    assert ops["QLinearMatMul"] == 1 and ops["MatMul"] == 0 and ops["QuantizeLinear"] == 1
    _matches_onnxruntime(model)


def test_gemm_with_bias_becomes_matmul_integer():
    model = _qdq_matmul(bias_scale=0.05)
    ops = _ops(fuse(model))
    assert ops["MatMulInteger"] == 1 and ops["Gemm"] == 0
    _matches_onnxruntime(model)


def test_negative_bias_of_another_scale_stays_float():
    model = _qdq_matmul(bias_scale=0.07)
    assert fuse(model) is model


def test_negative_contraction_read_twice_stays_float():
    model = _qdq_matmul(extra_use=True)
    assert fuse(model) is model
    _matches_onnxruntime(model)


def test_per_tensor_weights_fuse():
    """Per-tensor weights fuse too (the per-column case is the default above)."""
    assert _ops(fuse(_qdq_matmul(per_column=False)))["QLinearMatMul"] == 1


def test_fusion_does_not_modify_its_input():
    model = _qdq_matmul()
    before = model.SerializeToString()
    fuse(model)
    assert model.SerializeToString() == before
    onnx.checker.check_model(fuse(model))


def test_activation_product_becomes_qlinear_matmul():
    """DQ(a) @ DQ(b) -> Q with both operands values (attention's scores): QLinearMatMul."""
    inits = {"s": np.array(0.05, np.float32), "z": np.array(2, np.int8),
             "ys": np.array(0.4, np.float32), "yz": np.array(-1, np.int8)}
    nodes = [helper.make_node("QuantizeLinear", [v, "s", "z"], [f"{v}q"]) for v in "ab"]
    nodes += [helper.make_node("DequantizeLinear", [f"{v}q", "s", "z"], [f"{v}d"]) for v in "ab"]
    nodes += [helper.make_node("MatMul", ["ad", "bd"], ["mm"]),
              helper.make_node("QuantizeLinear", ["mm", "ys", "yz"], ["y"])]
    graph = helper.make_graph(
        nodes, "qk", [helper.make_tensor_value_info(v, TensorProto.FLOAT, [2, 6, 6]) for v in "ab"],
        [helper.make_tensor_value_info("y", TensorProto.INT8, [2, 6, 6])],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    assert _ops(fuse(model))["QLinearMatMul"] == 1
    feed = {v: RNG.standard_normal((2, 6, 6)).astype(np.float32) * 4 for v in "ab"}
    (got,) = aic.compile(model, cache=False)(**feed)
    (want,) = onnxruntime_session(model.SerializeToString()).run(None, feed)
    np.testing.assert_array_equal(got, want)
