"""How ONNX patterns become kernels, checked end to end: the numbers against onnxruntime and
the tiled IR's kernel structure (``aic.compile(dump_dir=...)``).

* 197-row matmuls (ViT tokens) peel into a full-tile kernel and a 5-row remainder;
* softmax over 197 is one row kernel (max, exp, sum, 1/sum per row, scale);
* GELU after a Linear is one generic, fused into the matmul's epilogue;
* a conv's bias, ReLU and residual add join the conv matmul's epilogue (through the reshape),
  and its patch copy is left to the hw level (implicit GEMM, test_implicit_gemm.py).
"""

import re

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.runner import onnxruntime_session

F = TensorProto.FLOAT
RNG = np.random.default_rng(7)


def _model(nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, F, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, F, s) for n, s in outputs],
        initializer=[numpy_helper.from_array(a, n) for n, a in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


def _run(m, feed, tmp_path, rtol=1e-4, atol=1e-4):
    compiled = aic.compile(m, dump_dir=str(tmp_path), threads=2)
    got = compiled(**feed)
    got = got if isinstance(got, (list, tuple)) else [got]
    want = onnxruntime_session(m.SerializeToString()).run(None, feed)
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g), w, rtol=rtol, atol=atol)
    tiled = next(p for p in tmp_path.iterdir() if p.name.endswith("-tiled.mlir"))
    return tiled.read_text()


def _kernels(tiled: str) -> list[str]:
    return re.findall(r'kind = "([^"]*)", outs_indexing = array<i64[^>]*>, '
                      r'space = array<i64: ([0-9, ]*)>', tiled)


def _rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_197_rows_peel_into_full_tiles_and_remainder(tmp_path):
    w, b = _rand(768, 256), _rand(256)
    m = _model([helper.make_node("MatMul", ["x", "w"], ["y"]),
                helper.make_node("Add", ["y", "b"], ["z"])],
               [("x", [1, 197, 768])], [("z", [1, 197, 256])], [("w", w), ("b", b)])
    tiled = _run(m, {"x": _rand(1, 197, 768)}, tmp_path, rtol=1e-3, atol=1e-3)
    spaces = [space for kind, space in _kernels(tiled) if kind.startswith("matmul")]
    assert sorted(spaces) == ["192, 256, 768", "5, 256, 768"], spaces


def test_attention_scores_and_softmax_over_197(tmp_path):
    q, k = _rand(1, 4, 197, 32), _rand(1, 4, 32, 197)
    m = _model([helper.make_node("MatMul", ["q", "k"], ["s"]),
                helper.make_node("Softmax", ["s"], ["p"], axis=-1)],
               [("q", [1, 4, 197, 32]), ("k", [1, 4, 32, 197])], [("p", [1, 4, 197, 197])])
    tiled = _run(m, {"q": q, "k": k}, tmp_path, rtol=1e-4, atol=1e-5)
    kinds = [kind for kind, _ in _kernels(tiled)]
    assert kinds.count("rows:reduce+map+reduce+map+map") == 1, kinds  # max, exp, sum, 1/sum, scale
    assert sum(kind.startswith("batch_matmul") for kind in kinds) == 2, kinds  # peeled


def test_linear_gelu_is_one_kernel(tmp_path):
    w, b = _rand(64, 96), _rand(96)
    half, one, root2 = (np.array(v, np.float32) for v in (0.5, 1.0, np.sqrt(2.0)))
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]),
             helper.make_node("Add", ["h", "b"], ["hb"]),
             helper.make_node("Div", ["hb", "root2"], ["d"]),
             helper.make_node("Erf", ["d"], ["e"]),
             helper.make_node("Add", ["e", "one"], ["e1"]),
             helper.make_node("Mul", ["hb", "e1"], ["g"]),
             helper.make_node("Mul", ["g", "half"], ["y"])]
    m = _model(nodes, [("x", [32, 64])], [("y", [32, 96])],
               [("w", w), ("b", b), ("half", half), ("one", one), ("root2", root2)])
    tiled = _run(m, {"x": _rand(32, 64)}, tmp_path)
    assert [kind for kind, _ in _kernels(tiled)] == ["matmul+generic"]


def test_conv_bias_relu_residual_in_the_matmul_epilogue(tmp_path):
    w1, b1 = _rand(8, 8, 3, 3) * 0.3, _rand(8)
    w2, b2 = _rand(8, 8, 3, 3) * 0.3, _rand(8)
    conv = dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], **conv),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], **conv),
             helper.make_node("Add", ["c2", "x"], ["s"]),
             helper.make_node("Relu", ["s"], ["y"])]
    m = _model(nodes, [("x", [1, 8, 20, 20])], [("y", [1, 8, 20, 20])],
               [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)])
    tiled = _run(m, {"x": _rand(1, 8, 20, 20)}, tmp_path)
    kinds = [kind for kind, _ in _kernels(tiled)]
    # bias (+ relu / + residual + relu); the patch copies are no kernels at this level: the
    # CPU packs the matmuls' B panels straight from the image at hw level (implicit GEMM)
    assert kinds == ["matmul+generic"] * 2, kinds


@pytest.mark.parametrize("stride,dilation", [(2, 1), (1, 2)])
def test_strided_and_dilated_patches(tmp_path, stride, dilation):
    w, b = _rand(6, 3, 3, 3), _rand(6)
    m = _model([helper.make_node("Conv", ["x", "w", "b"], ["y"], kernel_shape=[3, 3],
                                 pads=[1, 1, 1, 1], strides=[stride, stride],
                                 dilations=[dilation, dilation])],
               [("x", [1, 3, 17, 15])], [("y", [1, 6, None, None])], [("w", w), ("b", b)])
    _run(m, {"x": _rand(1, 3, 17, 15)}, tmp_path)


def test_long_elementwise_chain_is_one_kernel(tmp_path):
    """200 ONNX nodes, one kernel (and one pass over memory); the group grows by a worklist,
    so the pass stays linear in the chain length."""
    ops = ["Relu", "Neg", "Abs", "Sigmoid", "Tanh"]
    nodes, prev = [], "x"
    for i in range(200):
        nodes.append(helper.make_node(ops[i % len(ops)], [prev], [f"t{i}"]))
        prev = f"t{i}"
    nodes[-1].output[0] = "y"
    m = _model(nodes, [("x", [16, 40])], [("y", [16, 40])])
    tiled = _run(m, {"x": _rand(16, 40)}, tmp_path, rtol=1e-5, atol=1e-6)
    assert [kind for kind, _ in _kernels(tiled)] == ["generic"]


def test_runtime_b_rows_in_one_tile_but_not_a_convolutions(tmp_path):
    """A MatMul whose B is an input (packed on every call) takes its 128 rows in one row tile
    (tiling.runtime_b_rows); a constant B keeps 64-row tiles; a convolution's implicit GEMM
    (B read from the image) takes its 128 filters in one row tile too, the image read once,
    and splits its 256 columns for the two cores (tiling.implicit_gemm)."""
    w, f = _rand(256, 256), _rand(128, 128, 3, 3)
    m = _model([helper.make_node("MatMul", ["a", "b"], ["y"]),
                helper.make_node("MatMul", ["a", "w"], ["z"]),
                helper.make_node("Conv", ["x", "f"], ["c"], kernel_shape=[3, 3], pads=[1] * 4)],
               [("a", [128, 256]), ("b", [256, 256]), ("x", [1, 128, 16, 16])],
               [("y", [128, 256]), ("z", [128, 256]), ("c", [1, 128, 16, 16])],
               [("w", w), ("f", f)])
    feed = {"a": _rand(128, 256), "b": _rand(256, 256), "x": _rand(1, 128, 16, 16)}
    tiled = _run(m, feed, tmp_path, rtol=1e-3, atol=1e-3)
    tiles = sorted(tuple(int(x) for x in t.split(",")[:2]) for t in re.findall(
        r'kind = "matmul[^"]*".*?tile_sizes = array<i64: ([0-9, ]*)>', tiled))
    assert tiles == [(64, 128), (128, 128), (128, 128)], tiles
    assert re.search(r'space = array<i64: 128, 256, 1152>, tile_sizes = array<i64: 128, 128,',
                     tiled), "the convolution's tile"
