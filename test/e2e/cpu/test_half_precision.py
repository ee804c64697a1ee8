"""f16 and bf16 matmuls on the CPU run on the f32 micro-kernel, their operands widened first
(``linalg_to_tiled_lib.widen``: a constant weight converted at compile time, a run-time
operand by an element-wise copy). Checked against the exact product (float64) rounded to the
element type -- aic sums in f32 and rounds once (a Gemm's bias added in f32 too), so within
one rounding of it -- for a constant weight, two run-time operands, a batched product and a
Gemm with a transposed weight and a bias, at ragged sizes (37 x 300 x 45); and in the tiled
IR, that the matmul kernel multiplies f32 tiles. Also the f16/bf16 normalisations, whose
statistics are computed in f32.
"""

import re

import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic

RNG = np.random.default_rng(11)
TYPES = {"bf16": (TensorProto.BFLOAT16, ml_dtypes.bfloat16, 2.0 ** -8),
         "f16": (TensorProto.FLOAT16, np.float16, 2.0 ** -11)}
M, K, N = 37, 300, 45


def _case(kind: str, elem: int, dtype):
    if kind == "constant_weight":
        nodes = [helper.make_node("MatMul", ["x", "w"], ["y"])]
        inputs, inits, out = [("x", [M, K])], {"w": [K, N]}, [M, N]
    elif kind == "runtime_operands":
        nodes = [helper.make_node("MatMul", ["x", "w"], ["y"])]
        inputs, inits, out = [("x", [M, K]), ("w", [K, N])], {}, [M, N]
    elif kind == "batched":
        nodes = [helper.make_node("MatMul", ["x", "w"], ["y"])]
        inputs, inits, out = [("x", [3, M, K]), ("w", [3, K, N])], {}, [3, M, N]
    else:  # gemm: transposed weight and a bias
        nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)]
        inputs, inits, out = [("x", [M, K])], {"w": [N, K], "b": [N]}, [M, N]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(n, elem, s) for n, s in inputs],
        [helper.make_tensor_value_info("y", elem, out)],
        [numpy_helper.from_array(RNG.standard_normal(s).astype(dtype), n)
         for n, s in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    feed = {n: RNG.standard_normal(s).astype(dtype) for n, s in inputs}
    return model, feed


@pytest.mark.parametrize("kind", ["constant_weight", "runtime_operands", "batched", "gemm"])
@pytest.mark.parametrize("type_name", list(TYPES))
def test_half_matmul_matches_the_reference(kind, type_name):
    elem, dtype, ulp = TYPES[type_name]
    model, feed = _case(kind, elem, dtype)
    (got,) = aic.compile(model)(**feed)
    assert got.dtype == dtype
    x = feed["x"].astype(np.float64)
    w = (feed["w"] if "w" in feed else _init(model, "w")).astype(np.float64)
    exact = x @ (w.T if kind == "gemm" else w)
    if kind == "gemm":
        exact = exact + _init(model, "b").astype(np.float64)
    np.testing.assert_allclose(got.astype(np.float64), exact, rtol=ulp, atol=ulp)


def _init(model, name):
    return next(numpy_helper.to_array(t) for t in model.graph.initializer if t.name == name)


def test_half_matmul_is_an_f32_micro_kernel(tmp_path):
    model, _ = _case("constant_weight", *TYPES["bf16"][:2])
    aic.compile(model, cache=False, dump_dir=str(tmp_path))
    tiled = next(p for p in tmp_path.iterdir() if p.name.endswith("-tiled.mlir")).read_text()
    products = re.findall(r"linalg\.matmul ins\([^:]*: ([^)]*)\)", tiled)
    assert products and all(p.count("xf32>") == 2 for p in products), products


@pytest.mark.parametrize("type_name", list(TYPES))
@pytest.mark.parametrize("op", ["LayerNormalization", "GroupNormalization"])
def test_half_normalisation_stashes_in_f32(op, type_name):
    """LayerNormalization and GroupNormalization of f16/bf16 compute mean, variance and the
    normalised values in f32 (``stash_type = 1``, the default), rounded once: within one
    rounding of the exact result (computed in f16 the mean and variance of 1024 values
    were 5 f16 ulps off)."""
    elem, dtype, ulp = TYPES[type_name]
    rows, width = 8, 1024
    if op == "LayerNormalization":
        node = helper.make_node(op, ["x", "s", "b"], ["y"], axis=-1)
        shape, groups, params = [rows, width], None, width
    else:
        node = helper.make_node(op, ["x", "s", "b"], ["y"], num_groups=4)
        shape, groups, params = [2, 8, 16, 16], 4, 8
    inits = [numpy_helper.from_array(np.ones(params, dtype), "s"),
             numpy_helper.from_array(np.zeros(params, dtype), "b")]
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", elem, shape)],
                              [helper.make_tensor_value_info("y", elem, shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    x = (RNG.standard_normal(shape) * 2 + 5).astype(dtype)
    (got,) = aic.compile(model)(x=x)
    xf = x.astype(np.float64)
    grouped = xf.reshape(rows, -1) if groups is None else xf.reshape(2, groups, -1)
    mean = grouped.mean(-1, keepdims=True)
    exact = ((grouped - mean) / np.sqrt(grouped.var(-1, keepdims=True) + 1e-5)).reshape(shape)
    rounding = np.abs(exact.astype(dtype).astype(np.float64) - exact).max()
    assert np.abs(got.astype(np.float64) - exact).max() <= rounding
