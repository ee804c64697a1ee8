"""Small real-model generators (onnx.helper, random weights with a fixed seed).

Each function returns an ``onnx.ModelProto`` that onnxruntime runs: a ResNet-style CNN, a
MobileNet-style block, a transformer encoder layer, a GPT-style decoder block with a causal
mask, an MLP, an opset-9 model as old exporters wrote them (weights also listed as graph
inputs) and models with symbolic batch/sequence dims. ``python -m aic.testing.models DIR``
writes them all to DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class _Builder:
    """Accumulates nodes and initializers with generated unique names."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, shape, scale: float | None = None, prefix: str = "w") -> str:
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
        scale = scale if scale is not None else 1.0 / np.sqrt(max(fan_in, 1))
        return self.const((self.rng.standard_normal(shape) * scale).astype(np.float32), prefix)

    def const(self, array, prefix: str = "c") -> str:
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, **attrs) -> str | list[str]:
        outs = [self.name(op_type.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=self.name(op_type), **attrs))
        return outs[0] if n_out == 1 else outs

    def model(self, inputs, outputs, opset: int, name: str) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                  producer_name="aic.testing.models")
        model.ir_version = min(model.ir_version, 8)
        onnx.checker.check_model(model)
        return model


def _f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def _conv_bn(b: _Builder, x: str, cin: int, cout: int, k: int, stride=1, group=1, act="relu"):
    w = b.weight([cout, cin // group, k, k])
    y = b.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride],
             pads=[k // 2] * 4, group=group)
    scale = b.const(b.rng.uniform(0.5, 1.5, cout).astype(np.float32))
    bias = b.const(b.rng.standard_normal(cout).astype(np.float32) * 0.1)
    mean = b.const(b.rng.standard_normal(cout).astype(np.float32) * 0.1)
    var = b.const(b.rng.uniform(0.5, 1.5, cout).astype(np.float32))
    y = b.op("BatchNormalization", [y, scale, bias, mean, var], epsilon=1e-5)
    if act == "relu":
        y = b.op("Relu", [y])
    elif act == "relu6":
        y = b.op("Clip", [y, b.const(np.float32(0.0)), b.const(np.float32(6.0))])
    return y


def resnet_cnn(seed: int = 0) -> onnx.ModelProto:
    """Conv-BN-ReLU stem, one residual block, max pool, strided conv, global pool, Gemm."""
    b = _Builder(seed)
    x = _conv_bn(b, "image", 3, 16, 3)
    r = _conv_bn(b, x, 16, 16, 3)
    r = _conv_bn(b, r, 16, 16, 3, act=None)
    x = b.op("Relu", [b.op("Add", [x, r])])
    x = b.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = _conv_bn(b, x, 16, 32, 3, stride=2)
    x = b.op("GlobalAveragePool", [x])
    x = b.op("Flatten", [x], axis=1)
    b.op("Gemm", [x, b.weight([10, 32]), b.weight([10], 0.1)], transB=1)
    b.nodes[-1].output[0] = "logits"
    return b.model([_f32("image", [1, 3, 32, 32])], [_f32("logits", [1, 10])], 13, "resnet_cnn")


def mobilenet_block(seed: int = 1) -> onnx.ModelProto:
    """Inverted residual: 1x1 expand + ReLU6, 3x3 depthwise + ReLU6, 1x1 project, residual."""
    b = _Builder(seed)
    y = _conv_bn(b, "x", 16, 64, 1, act="relu6")
    y = _conv_bn(b, y, 64, 64, 3, group=64, act="relu6")
    y = _conv_bn(b, y, 64, 16, 1, act=None)
    b.op("Add", ["x", y])
    b.nodes[-1].output[0] = "y"
    return b.model([_f32("x", [1, 16, 16, 16])], [_f32("y", [1, 16, 16, 16])], 13, "mobilenet")


def _attention(b: _Builder, x: str, seq: int, d: int, heads: int, mask: str | None):
    hd = d // heads
    q, k, v = (b.op("MatMul", [x, b.weight([d, d])]) for _ in range(3))
    split = b.const(np.array([1, seq, heads, hd], np.int64))
    q, k, v = (b.op("Reshape", [t, split]) for t in (q, k, v))
    q = b.op("Transpose", [q], perm=[0, 2, 1, 3])
    kt = b.op("Transpose", [k], perm=[0, 2, 3, 1])
    v = b.op("Transpose", [v], perm=[0, 2, 1, 3])
    s = b.op("Div", [b.op("MatMul", [q, kt]), b.const(np.float32(np.sqrt(hd)))])
    if mask is not None:
        s = b.op("Where", [mask, s, b.const(np.float32(-1e9))])
    p = b.op("Softmax", [s], axis=-1)
    o = b.op("Transpose", [b.op("MatMul", [p, v])], perm=[0, 2, 1, 3])
    o = b.op("Reshape", [o, b.const(np.array([1, seq, d], np.int64))])
    return b.op("MatMul", [o, b.weight([d, d])])


def _layer_norm(b: _Builder, x: str, d: int) -> str:
    scale = b.const(b.rng.uniform(0.5, 1.5, d).astype(np.float32))
    bias = b.const(b.rng.standard_normal(d).astype(np.float32) * 0.1)
    return b.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=1e-5)


def _gelu_erf(b: _Builder, x: str) -> str:
    e = b.op("Erf", [b.op("Div", [x, b.const(np.float32(np.sqrt(2.0)))])])
    half = b.op("Mul", [x, b.const(np.float32(0.5))])
    return b.op("Mul", [half, b.op("Add", [e, b.const(np.float32(1.0))])])


def transformer_encoder(seed: int = 2, seq: int = 8, d: int = 32, heads: int = 4):
    """Pre-norm encoder layer: LayerNorm, multi-head attention, residual, LayerNorm, FFN with
    Gelu written as Erf (as exporters emit it), residual."""
    b = _Builder(seed)
    h = b.op("Add", ["x", _attention(b, _layer_norm(b, "x", d), seq, d, heads, None)])
    f = b.op("MatMul", [_layer_norm(b, h, d), b.weight([d, 4 * d])])
    f = _gelu_erf(b, b.op("Add", [f, b.weight([4 * d], 0.1)]))
    f = b.op("MatMul", [f, b.weight([4 * d, d])])
    b.op("Add", [h, f])
    b.nodes[-1].output[0] = "y"
    return b.model([_f32("x", [1, seq, d])], [_f32("y", [1, seq, d])], 17, "encoder")


def gpt_decoder(seed: int = 3, seq: int = 8, d: int = 32, heads: int = 4):
    """Decoder block with a causal mask built by Trilu and applied with Where; Gelu op."""
    b = _Builder(seed)
    ones = b.const(np.ones((seq, seq), np.float32))
    lower = b.op("Trilu", [ones], upper=0)
    mask = b.op("Cast", [lower], to=TensorProto.BOOL)
    h = b.op("Add", ["x", _attention(b, _layer_norm(b, "x", d), seq, d, heads, mask)])
    f = b.op("MatMul", [_layer_norm(b, h, d), b.weight([d, 4 * d])])
    f = b.op("Gelu", [f], approximate="tanh")
    f = b.op("MatMul", [f, b.weight([4 * d, d])])
    b.op("Add", [h, f])
    b.nodes[-1].output[0] = "y"
    return b.model([_f32("x", [1, seq, d])], [_f32("y", [1, seq, d])], 20, "gpt_decoder")


def mlp(seed: int = 4, batch=4, sizes=(64, 128, 128, 10)) -> onnx.ModelProto:
    """MatMul + Add + Relu layers, softmax at the end; ``batch`` may be a symbolic name."""
    b = _Builder(seed)
    x = "x"
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        x = b.op("Add", [b.op("MatMul", [x, b.weight([n_in, n_out])]), b.weight([n_out], 0.1)])
        if i < len(sizes) - 2:
            x = b.op("Relu", [x])
    b.op("Softmax", [x], axis=-1)
    b.nodes[-1].output[0] = "probs"
    return b.model([_f32("x", [batch, sizes[0]])], [_f32("probs", [batch, sizes[-1]])], 17, "mlp")


def old_exporter_cnn(seed: int = 5) -> onnx.ModelProto:
    """Opset 9, every weight listed both as an initializer and as a graph input."""
    b = _Builder(seed)
    y = _conv_bn(b, "data", 3, 8, 3)
    y = b.op("MaxPool", [y], kernel_shape=[2, 2], strides=[2, 2])
    y = b.op("Flatten", [y], axis=1)
    b.op("Gemm", [y, b.weight([5, 8 * 8 * 8]), b.weight([5], 0.1)], transB=1)
    b.nodes[-1].output[0] = "out"
    weights = [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in b.inits]
    return b.model([_f32("data", [1, 3, 16, 16])] + weights, [_f32("out", [1, 5])], 9, "old")


def symbolic_encoder(seed: int = 6) -> onnx.ModelProto:
    """The MLP with a symbolic batch dim ``batch``."""
    return mlp(seed, batch="batch")


def symbolic_attention(seed: int = 7, d: int = 32, heads: int = 4) -> onnx.ModelProto:
    """Self-attention over x[batch, seq, d] with symbolic batch and seq, as exporters write
    it: head reshapes computed from the runtime shape (Shape -> Gather -> Unsqueeze ->
    Concat -> Reshape), so compiling it means folding those subgraphs once shapes are given."""
    b = _Builder(seed)
    hd = d // heads
    shape = b.op("Shape", ["x"])
    batch = b.op("Unsqueeze", [b.op("Gather", [shape, b.const(np.array(0, np.int64))], axis=0),
                               b.const(np.array([0], np.int64))])
    seq = b.op("Unsqueeze", [b.op("Gather", [shape, b.const(np.array(1, np.int64))], axis=0),
                             b.const(np.array([0], np.int64))])
    heads_shape = b.op("Concat", [batch, seq, b.const(np.array([heads, hd], np.int64))], axis=0)
    q, k, v = (b.op("Reshape", [b.op("MatMul", ["x", b.weight([d, d])]), heads_shape])
               for _ in range(3))
    q = b.op("Transpose", [q], perm=[0, 2, 1, 3])
    kt = b.op("Transpose", [k], perm=[0, 2, 3, 1])
    v = b.op("Transpose", [v], perm=[0, 2, 1, 3])
    s = b.op("Div", [b.op("MatMul", [q, kt]), b.const(np.float32(np.sqrt(hd)))])
    o = b.op("Transpose", [b.op("MatMul", [b.op("Softmax", [s], axis=-1), v])], perm=[0, 2, 1, 3])
    flat = b.op("Concat", [batch, seq, b.const(np.array([d], np.int64))], axis=0)
    b.op("Add", ["x", b.op("MatMul", [b.op("Reshape", [o, flat]), b.weight([d, d])])])
    b.nodes[-1].output[0] = "y"
    return b.model([_f32("x", ["batch", "seq", d])], [_f32("y", ["batch", "seq", d])], 17,
                   "symbolic_attention")


ALL = {
    "resnet_cnn": resnet_cnn,
    "mobilenet_block": mobilenet_block,
    "transformer_encoder": transformer_encoder,
    "gpt_decoder": gpt_decoder,
    "mlp": mlp,
    "old_exporter_cnn": old_exporter_cnn,
    "symbolic_mlp": symbolic_encoder,
    "symbolic_attention": symbolic_attention,
}


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else ".")
    folder.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        onnx.save(make(), str(folder / f"{name}.onnx"))
        print(folder / f"{name}.onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
