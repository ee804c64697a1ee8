"""Models with dynamic axes, written the way ``torch.onnx.export(..., dynamic_axes=...)``
writes them (onnx.helper, seeded random weights; PyTorch is not a dependency).

With dynamic axes the exporter no longer bakes sizes into the graph: head reshapes read
``Shape(x)`` and build their target with ``Gather -> Unsqueeze -> Concat``; position ids are
a slice of a registered buffer to the sequence length; GPT-2's causal mask is a slice of a
``[1, 1, max, max]`` bool buffer from ``key_len - query_len`` to ``key_len``; the padding
mask is ``(1 - mask[:, None, None, :]) * -10000``. Every maker takes its sizes, so tests build
them small and benchmarks at realistic sizes.

* ``bert(...)``: ``input_ids``, ``attention_mask`` ``[batch, seq]`` (int64) ->
  ``hidden [batch, seq, d]``.
* ``gpt2(...)``: ``input_ids [batch, seq]`` -> ``hidden [batch, seq, d]``.
* ``resnet(...)``: ``image [batch, 3, H, W]`` -> ``logits [batch, classes]``.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper

from aic.testing.models import _Builder, _f32

OPSET = 17


def _i64(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.INT64, shape)


def _dim(b: _Builder, x: str, axis: int) -> str:
    """``x.size(axis)`` as a 1-element int64 tensor (Shape -> Gather -> Unsqueeze)."""
    d = b.op("Gather", [b.op("Shape", [x]), b.const(np.array(axis, np.int64))], axis=0)
    return b.op("Unsqueeze", [d, b.const(np.array([0], np.int64))])


def _linear(b: _Builder, x: str, n_in: int, n_out: int) -> str:
    return b.op("Add", [b.op("MatMul", [x, b.weight([n_in, n_out])]), b.weight([n_out], 0.1)])


def _layer_norm(b: _Builder, x: str, d: int) -> str:
    scale = b.const(b.rng.uniform(0.5, 1.5, d).astype(np.float32))
    bias = b.const(b.rng.uniform(-0.1, 0.1, d).astype(np.float32))
    return b.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=1e-5)


def _gelu(b: _Builder, x: str) -> str:
    e = b.op("Erf", [b.op("Div", [x, b.const(np.float32(np.sqrt(2.0)))])])
    return b.op("Mul", [b.op("Mul", [x, b.op("Add", [e, b.const(np.float32(1.0))])]),
                        b.const(np.float32(0.5))])


def _split_heads(b: _Builder, t: str, heads: int, hd: int, perm) -> str:
    target = b.op("Concat", [_dim(b, t, 0), _dim(b, t, 1),
                             b.const(np.array([heads, hd], np.int64))], axis=0)
    return b.op("Transpose", [b.op("Reshape", [t, target])], perm=perm)


def _attention(b: _Builder, x: str, q: str, k: str, v: str, d: int, heads: int,
               add_mask: str | None = None, keep_mask=None) -> str:
    hd = d // heads
    q = _split_heads(b, q, heads, hd, [0, 2, 1, 3])
    kt = _split_heads(b, k, heads, hd, [0, 2, 3, 1])
    v = _split_heads(b, v, heads, hd, [0, 2, 1, 3])
    s = b.op("Div", [b.op("MatMul", [q, kt]), b.const(np.float32(np.sqrt(hd)))])
    if add_mask is not None:
        s = b.op("Add", [s, add_mask])
    if keep_mask is not None:
        s = b.op("Where", [keep_mask, s, b.const(np.float32(-3.4028235e38))])
    o = b.op("Transpose", [b.op("MatMul", [b.op("Softmax", [s], axis=-1), v])], perm=[0, 2, 1, 3])
    merged = b.op("Concat", [_dim(b, x, 0), _dim(b, x, 1), b.const(np.array([d], np.int64))],
                  axis=0)
    return _linear(b, b.op("Reshape", [o, merged]), d, d)


def _positions(b: _Builder, ids: str, max_pos: int, d: int) -> str:
    """Position embeddings of ``position_ids[:, :seq]`` (a registered buffer, sliced)."""
    buffer = b.const(np.arange(max_pos, dtype=np.int64).reshape(1, max_pos), "position_ids")
    pos = b.op("Slice", [buffer, b.const(np.array([0], np.int64)), _dim(b, ids, 1),
                         b.const(np.array([1], np.int64))])
    return b.op("Gather", [b.weight([max_pos, d], 0.02), pos], axis=0)


def bert(layers: int = 2, d: int = 32, heads: int = 4, ffn: int = 64, vocab: int = 100,
         max_pos: int = 128, seed: int = 30) -> onnx.ModelProto:
    """BERT encoder (post-norm) with word + position embeddings and a padding mask."""
    b = _Builder(seed)
    x = b.op("Add", [b.op("Gather", [b.weight([vocab, d], 0.02), "input_ids"], axis=0),
                     _positions(b, "input_ids", max_pos, d)])
    x = _layer_norm(b, x, d)
    m = b.op("Unsqueeze", ["attention_mask", b.const(np.array([1, 2], np.int64))])
    m = b.op("Cast", [m], to=TensorProto.FLOAT)
    m = b.op("Mul", [b.op("Sub", [b.const(np.float32(1.0)), m]), b.const(np.float32(-10000.0))])
    for _ in range(layers):
        q, k, v = (_linear(b, x, d, d) for _ in range(3))
        x = _layer_norm(b, b.op("Add", [x, _attention(b, x, q, k, v, d, heads, add_mask=m)]), d)
        x = _layer_norm(b, b.op("Add", [x, _linear(b, _gelu(b, _linear(b, x, d, ffn)), ffn, d)]),
                        d)
    b.nodes[-1].output[0] = "hidden"
    return b.model([_i64("input_ids", ["batch", "seq"]), _i64("attention_mask", ["batch", "seq"])],
                   [_f32("hidden", ["batch", "seq", d])], OPSET, "bert_dynamic")


def gpt2(layers: int = 2, d: int = 32, heads: int = 4, vocab: int = 100, max_pos: int = 128,
         seed: int = 31) -> onnx.ModelProto:
    """GPT-2 decoder (pre-norm): fused QKV split in three, the causal mask sliced from the
    ``bias`` buffer, final LayerNorm."""
    b = _Builder(seed)
    x = b.op("Add", [b.op("Gather", [b.weight([vocab, d], 0.02), "input_ids"], axis=0),
                     _positions(b, "input_ids", max_pos, d)])
    bias = b.const(np.tril(np.ones((max_pos, max_pos), bool)).reshape(1, 1, max_pos, max_pos),
                   "bias")
    key_len = query_len = _dim(b, "input_ids", 1)
    rows = b.op("Slice", [bias, b.op("Sub", [key_len, query_len]), key_len,
                          b.const(np.array([2], np.int64))])
    causal = b.op("Slice", [rows, b.const(np.array([0], np.int64)), key_len,
                            b.const(np.array([3], np.int64))])
    for _ in range(layers):
        qkv = _linear(b, _layer_norm(b, x, d), d, 3 * d)
        q, k, v = b.op("Split", [qkv, b.const(np.array([d, d, d], np.int64))], n_out=3, axis=2)
        x = b.op("Add", [x, _attention(b, x, q, k, v, d, heads, keep_mask=causal)])
        h = _linear(b, _gelu(b, _linear(b, _layer_norm(b, x, d), d, 4 * d)), 4 * d, d)
        x = b.op("Add", [x, h])
    _layer_norm(b, x, d)
    b.nodes[-1].output[0] = "hidden"
    return b.model([_i64("input_ids", ["batch", "seq"])], [_f32("hidden", ["batch", "seq", d])],
                   OPSET, "gpt2_dynamic")


def _conv_bn_relu(b: _Builder, x: str, cin: int, cout: int, k: int, stride: int = 1,
                  relu: bool = True) -> str:
    y = b.op("Conv", [x, b.weight([cout, cin, k, k]), b.weight([cout], 0.1)], kernel_shape=[k, k],
             strides=[stride, stride], pads=[k // 2] * 4)
    stats = [b.const(b.rng.uniform(lo, hi, cout).astype(np.float32))
             for lo, hi in ((0.5, 1.5), (-0.1, 0.1), (-0.1, 0.1), (0.5, 1.5))]
    y = b.op("BatchNormalization", [y, *stats], epsilon=1e-5)
    return b.op("Relu", [y]) if relu else y


def resnet(width: int = 16, blocks: int = 2, image: int = 32, classes: int = 10,
           seed: int = 32) -> onnx.ModelProto:
    """ResNet-style CNN: stem conv + max pool, basic blocks (the second of each stage with
    stride 2 and a 1x1 projection), global average pool, Flatten + Gemm(transB=1)."""
    b = _Builder(seed)
    x = _conv_bn_relu(b, "image", 3, width, 3)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    c = width
    for i in range(blocks):
        stride, out = (1, c) if i == 0 else (2, 2 * c)
        y = _conv_bn_relu(b, _conv_bn_relu(b, x, c, out, 3, stride), out, out, 3, relu=False)
        short = x if stride == 1 else _conv_bn_relu(b, x, c, out, 1, stride, relu=False)
        x, c = b.op("Relu", [b.op("Add", [y, short])]), out
    x = b.op("Flatten", [b.op("GlobalAveragePool", [x])], axis=1)
    b.op("Gemm", [x, b.weight([classes, c]), b.weight([classes], 0.1)], transB=1)
    b.nodes[-1].output[0] = "logits"
    return b.model([_f32("image", ["batch", 3, image, image])],
                   [_f32("logits", ["batch", classes])], OPSET, "resnet_dynamic")


ALL = {"bert_dynamic": bert, "gpt2_dynamic": gpt2, "resnet_dynamic": resnet}
