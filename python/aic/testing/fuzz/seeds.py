"""The small ONNX models the fuzz campaigns start from: one per op family (convolution and
pooling, matmul chains, normalisation, shape ops, broadcasting elementwise, Gemm/Clip).

Small on purpose: a mutated model compiles in well under a second, so hundreds of cases fit in
minutes. None has a data-dependent index input (Gather & co. are checked elsewhere).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
OPSET = 17


def _model(nodes, inputs, outputs, inits=()) -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes, "seed", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        [numpy_helper.from_array(v, n) for n, v in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


def _weights(seed: int, *shape) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def conv_pool() -> onnx.ModelProto:
    return _model([helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
                   helper.make_node("Relu", ["c"], ["r"]),
                   helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[2, 2], strides=[2, 2])],
                  [("x", F, [1, 3, 8, 8])], [("y", F, [1, 4, 4, 4])],
                  [("w", _weights(1, 4, 3, 3, 3)), ("b", _weights(2, 4))])


def mlp() -> onnx.ModelProto:
    return _model([helper.make_node("MatMul", ["x", "w1"], ["h"]),
                   helper.make_node("Add", ["h", "b1"], ["a"]),
                   helper.make_node("Tanh", ["a"], ["t"]),
                   helper.make_node("MatMul", ["t", "w2"], ["y"])],
                  [("x", F, [2, 8])], [("y", F, [2, 4])],
                  [("w1", _weights(3, 8, 16)), ("b1", _weights(4, 16)), ("w2", _weights(5, 16, 4))])


def norm_softmax() -> onnx.ModelProto:
    return _model([helper.make_node("LayerNormalization", ["x", "g", "b"], ["n"], axis=-1),
                   helper.make_node("Softmax", ["n"], ["y"], axis=-1)],
                  [("x", F, [2, 3, 8])], [("y", F, [2, 3, 8])],
                  [("g", _weights(6, 8)), ("b", _weights(7, 8))])


def shape_ops() -> onnx.ModelProto:
    shape = np.array([6, 4], np.int64)
    return _model([helper.make_node("Transpose", ["x"], ["t"], perm=[1, 0, 2]),
                   helper.make_node("Reshape", ["t", "s"], ["r"]),
                   helper.make_node("Concat", ["r", "r"], ["c"], axis=0),
                   helper.make_node("ReduceMean", ["c"], ["y"], axes=[1], keepdims=1)],
                  [("x", F, [2, 3, 4])], [("y", F, [12, 1])], [("s", shape)])


def broadcast() -> onnx.ModelProto:
    return _model([helper.make_node("Mul", ["x", "v"], ["m"]),
                   helper.make_node("Sigmoid", ["m"], ["s"]),
                   helper.make_node("Greater", ["s", "v"], ["g"]),
                   helper.make_node("Where", ["g", "s", "m"], ["y"])],
                  [("x", F, [2, 3]), ("v", F, [3])], [("y", F, [2, 3])])


def gemm_clip() -> onnx.ModelProto:
    lo, hi = np.array(-0.5, np.float32), np.array(0.5, np.float32)
    return _model([helper.make_node("Gemm", ["x", "w", "b"], ["g"], transB=1, alpha=0.5),
                   helper.make_node("Clip", ["g", "lo", "hi"], ["y"])],
                  [("x", F, [3, 5])], [("y", F, [3, 2])],
                  [("w", _weights(8, 2, 5)), ("b", _weights(9, 2)), ("lo", lo), ("hi", hi)])


SEEDS = {f.__name__: f for f in (conv_pool, mlp, norm_softmax, shape_ops, broadcast, gemm_clip)}
