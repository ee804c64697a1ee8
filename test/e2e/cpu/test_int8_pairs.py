"""Quantized matmuls on the i16-pairs micro-kernel (``linalg_to_tiled_lib.pairs``): their
centred 8-bit operands fit i16, so the i32 matmul runs on i16 operands, two k steps per
multiply-add (``vpdpwssd`` on AVX-512 VNNI). Results are integers: exact against onnxruntime.
"""

import re

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.runner import onnxruntime_session


def _matmul_integer(m, k, n, a_type=TensorProto.UINT8, b_type=TensorProto.INT8, seed=0,
                    runtime_b=False) -> onnx.ModelProto:
    """MatMulInteger of a run-time A and B (a constant unless ``runtime_b``) with zero
    points; the i32 result."""
    rng = np.random.default_rng(seed)
    a_np = np.uint8 if a_type == TensorProto.UINT8 else np.int8
    b_np = np.uint8 if b_type == TensorProto.UINT8 else np.int8
    w = rng.integers(np.iinfo(b_np).min, np.iinfo(b_np).max + 1, (k, n)).astype(b_np)
    inits = [numpy_helper.from_array(np.array(7, a_np), "za"),
             numpy_helper.from_array(np.array(-3 if b_np == np.int8 else 130, b_np), "zb")]
    inputs = [helper.make_tensor_value_info("a", a_type, [m, k])]
    if runtime_b:
        inputs.append(helper.make_tensor_value_info("w", b_type, [k, n]))
    else:
        inits.append(numpy_helper.from_array(w, "w"))
    node = helper.make_node("MatMulInteger", ["a", "w", "za", "zb"], ["y"], name="mmi")
    graph = helper.make_graph([node], "mmi", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.INT32, [m, n])],
                              inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _dynamic_quant_linear(m, k, n, seed=1) -> onnx.ModelProto:
    """What ``quantize_dynamic`` makes of a Linear: DynamicQuantizeLinear of the f32 input,
    MatMulInteger with an int8 weight, the scale applied in f32."""
    rng = np.random.default_rng(seed)
    w = rng.integers(-128, 128, (k, n)).astype(np.int8)
    nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
             helper.make_node("MatMulInteger", ["xq", "w", "xz", "zb"], ["acc"]),
             helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["accf", "xs"], ["y"])]
    graph = helper.make_graph(
        nodes, "dq", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array(3, np.int8), "zb")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _check_exact(model, feed):
    got = aic.compile(model, cache=False)(**feed)
    session = onnxruntime_session(model.SerializeToString())
    want = session.run(None, feed)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and np.array_equal(g, w)


def _pairs_kernels(model, tmp_path) -> list[str]:
    """The i16 x i16 -> i32 matmuls of the model's `tiled` level."""
    aic.compile(model, cache=False, dump_dir=str(tmp_path))
    tiled = next(p for p in tmp_path.iterdir() if p.name.endswith("-tiled.mlir")).read_text()
    return re.findall(r"linalg\.matmul ins\([^:]*: tensor<\w+xi16>, tensor<\w+xi16>\) "
                      r"outs\([^:]*: tensor<\w+xi32>\)", tiled)


# (m, k, n): whole panels; N ragged (masked last panel); rows that no row group divides; a
# k longer than the shared functions' scratch chunk; one pair
SHAPES = [(64, 128, 64), (37, 96, 50), (130, 1100, 48), (8, 2, 16)]


@pytest.mark.parametrize("m,k,n", SHAPES)
@pytest.mark.parametrize("types", ["u8s8", "s8s8", "u8u8"])
def test_matmul_integer_on_pairs_is_exact(m, k, n, types, tmp_path):
    a_type, b_type = {"u8s8": (TensorProto.UINT8, TensorProto.INT8),
                      "s8s8": (TensorProto.INT8, TensorProto.INT8),
                      "u8u8": (TensorProto.UINT8, TensorProto.UINT8)}[types]
    model = _matmul_integer(m, k, n, a_type, b_type)
    assert _pairs_kernels(model, tmp_path)
    rng = np.random.default_rng(2)
    a_np = np.uint8 if a_type == TensorProto.UINT8 else np.int8
    a = rng.integers(np.iinfo(a_np).min, np.iinfo(a_np).max + 1, (m, k)).astype(a_np)
    _check_exact(model, {"a": a})


def test_run_time_b_is_packed_in_pairs_per_call(tmp_path):
    model = _matmul_integer(48, 64, 40, runtime_b=True)
    assert _pairs_kernels(model, tmp_path)
    rng = np.random.default_rng(3)
    _check_exact(model, {"a": rng.integers(0, 256, (48, 64)).astype(np.uint8),
                         "w": rng.integers(-128, 128, (64, 40)).astype(np.int8)})


def test_odd_k_stays_on_the_i32_kernel(tmp_path):
    model = _matmul_integer(32, 33, 32)
    assert not _pairs_kernels(model, tmp_path)
    _check_exact(model, {"a": np.random.default_rng(4).integers(0, 256, (32, 33))
                         .astype(np.uint8)})


def test_dynamic_quantized_linear_matches_onnxruntime(tmp_path):
    model = _dynamic_quant_linear(128, 768, 768)
    assert _pairs_kernels(model, tmp_path)
    x = np.random.default_rng(5).standard_normal((128, 768)).astype(np.float32)
    got = aic.compile(model, cache=False)(x=x)[0]
    session = onnxruntime_session(model.SerializeToString())
    (want,) = session.run(None, {"x": x})
    # the i32 accumulator is exact; the f32 scaling of it is the same product
    np.testing.assert_array_equal(got, want)
