"""Single-kernel benchmark models: the op shapes that dominate real CNNs and transformers.

Each entry of ``KERNELS`` maps a row name to a maker returning a one- or few-node ONNX model.
Weights, filters and biases are initializers (constants, as in an exported model) except where
the name says ``runtimeB``: then B is a graph input, so nothing about it can be prepared at
compile time. Names: ``matmul_MxKxN`` (square: ``matmul_N``), ``conv{k}x{k}[s2]_{cin}to{cout}_{H}``,
``dwconv3x3_{channels}ch_{H}``, ``maxpool3x3s2_{channels}ch_{H}`` (H is the input side).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def _weight(rng: np.random.Generator, shape: list[int]) -> np.ndarray:
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32)


def _model(nodes, inputs, output: tuple[str, list[int]], consts: dict):
    """``consts`` maps an initializer name to a shape (seeded-random weight) or an array."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(v if isinstance(v, np.generic | np.ndarray) else _weight(rng, v), n)
             for n, v in consts.items()]
    graph = helper.make_graph(
        nodes, nodes[0].op_type.lower(),
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info(output[0], TensorProto.FLOAT, output[1])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # onnxruntime reads IR versions up to 13
    onnx.checker.check_model(model)
    return model


def matmul(m: int, k: int, n: int, constant_b: bool) -> onnx.ModelProto:
    node = helper.make_node("MatMul", ["a", "b"], ["y"])
    inputs = [("a", [m, k])] + ([] if constant_b else [("b", [k, n])])
    return _model([node], inputs, ("y", [m, n]), {"b": [k, n]} if constant_b else {})


def conv(cin: int, cout: int, side: int, k: int, stride: int = 1, group: int = 1):
    """Conv with bias, 'same' padding (k // 2), NCHW batch 1."""
    out = (side + 2 * (k // 2) - k) // stride + 1
    node = helper.make_node("Conv", ["x", "w", "bias"], ["y"], kernel_shape=[k, k],
                            strides=[stride] * 2, pads=[k // 2] * 4, group=group)
    return _model([node], [("x", [1, cin, side, side])], ("y", [1, cout, out, out]),
                  {"w": [cout, cin // group, k, k], "bias": [cout]})


def max_pool(channels: int, side: int) -> onnx.ModelProto:
    """3x3 stride-2 pad-1 max pool (ResNet's stem pool)."""
    node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2],
                            pads=[1, 1, 1, 1])
    out = (side - 1) // 2 + 1
    return _model([node], [("x", [1, channels, side, side])], ("y", [1, channels, out, out]), {})


def softmax(shape: list[int]) -> onnx.ModelProto:
    node = helper.make_node("Softmax", ["x"], ["y"], axis=-1)
    return _model([node], [("x", shape)], ("y", shape), {})


def layer_norm(rows: int, d: int) -> onnx.ModelProto:
    node = helper.make_node("LayerNormalization", ["x", "scale", "bias"], ["y"], axis=-1,
                            epsilon=1e-5)
    return _model([node], [("x", [rows, d])], ("y", [rows, d]), {"scale": [d], "bias": [d]})


def add(rows: int, cols: int) -> onnx.ModelProto:
    node = helper.make_node("Add", ["a", "b"], ["y"])
    return _model([node], [("a", [rows, cols]), ("b", [rows, cols])], ("y", [rows, cols]), {})


def linear_gelu(rows: int, n_in: int, n_out: int) -> onnx.ModelProto:
    """``nn.Linear(n_in, n_out)`` on a 2-D input (Gemm, transB=1) then Erf-form GELU."""
    consts = {"w": [n_out, n_in], "bias": [n_out], "sqrt2": np.float32(np.sqrt(2.0)),
              "one": np.float32(1.0), "half": np.float32(0.5)}
    nodes = [
        helper.make_node("Gemm", ["x", "w", "bias"], ["h"], transB=1),
        helper.make_node("Div", ["h", "sqrt2"], ["s"]),
        helper.make_node("Erf", ["s"], ["e"]),
        helper.make_node("Add", ["e", "one"], ["e1"]),
        helper.make_node("Mul", ["h", "e1"], ["m"]),
        helper.make_node("Mul", ["m", "half"], ["y"]),
    ]
    return _model(nodes, [("x", [rows, n_in])], ("y", [rows, n_out]), consts)


def unary(op: str, shape: list[int]) -> onnx.ModelProto:
    """One elementwise op (transcendental throughput: Exp, Tanh, Erf)."""
    return _model([helper.make_node(op, ["x"], ["y"])], [("x", shape)], ("y", shape), {})


def global_avg_pool(channels: int, side: int) -> onnx.ModelProto:
    node = helper.make_node("GlobalAveragePool", ["x"], ["y"])
    return _model([node], [("x", [1, channels, side, side])], ("y", [1, channels, 1, 1]), {})


def _matmuls() -> dict:
    out = {}
    for m, k, n in [(s, s, s) for s in (256, 512, 1024, 2048)] + [(128, 3072, 768)]:
        shape = f"{m}" if m == k == n else f"{m}x{k}x{n}"
        for constant_b, tag in [(True, "constB"), (False, "runtimeB")]:
            out[f"matmul_{shape}_{tag}"] = (lambda m=m, k=k, n=n, c=constant_b:
                                           matmul(m, k, n, c))
    return out


KERNELS = {
    **_matmuls(),
    "conv3x3_64to64_56": lambda: conv(64, 64, 56, 3),
    "conv1x1_256to64_56": lambda: conv(256, 64, 56, 1),
    "conv7x7s2_3to64_224": lambda: conv(3, 64, 224, 7, stride=2),
    "dwconv3x3_64ch_56": lambda: conv(64, 64, 56, 3, group=64),
    "dwconv3x3_32ch_112": lambda: conv(32, 32, 112, 3, group=32),
    "dwconv3x3s2_64ch_56": lambda: conv(64, 64, 56, 3, stride=2, group=64),
    "maxpool3x3s2_64ch_112": lambda: max_pool(64, 112),
    "globalavgpool_512ch_7": lambda: global_avg_pool(512, 7),
    "softmax_12x197x197": lambda: softmax([12, 197, 197]),
    "layernorm_128x768": lambda: layer_norm(128, 768),
    "linear_gelu_128x768to3072": lambda: linear_gelu(128, 768, 3072),
    "add_1024x1024": lambda: add(1024, 1024),
    "exp_1M": lambda: unary("Exp", [1024, 1024]),
    "tanh_1M": lambda: unary("Tanh", [1024, 1024]),
    "erf_1M": lambda: unary("Erf", [1024, 1024]),
}
