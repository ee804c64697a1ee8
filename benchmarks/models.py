"""Benchmark models at realistic sizes, written the way ``torch.onnx.export`` writes them.

PyTorch is not a dependency, so the graphs are built with ``onnx.helper`` (seeded-random
weights) in the node patterns the exporter emits for these architectures: Conv with bias +
BatchNormalization + Relu (Clip(0, 6) for ReLU6), Flatten + Gemm(transB=1) for a ``Linear``
on 2-D input, MatMul + Add for a ``Linear`` on 3-D input, the LayerNormalization op (opset 17),
GELU in its Erf form (GPT-2's ``gelu_new`` in its Tanh form), Softmax over the last axis,
Reshape/Transpose for attention heads, ConvTranspose + Concat in the UNet and the LSTM op.

Every maker takes its size parameters (image side, sequence length, layer count) so that
``--quick`` can build the same architecture smaller; the defaults are the full sizes.
``MODELS`` maps a row name (which states the size, and the layer count where it is reduced)
to ``(maker, quick_kwargs)``.
"""

from __future__ import annotations

import numpy as np
import onnx

from aic.testing import dynamic_models
from aic.testing.models import _Builder as Builder
from aic.testing.models import _f32 as f32

OPSET = 17


def _vec(b: Builder, n: int, lo: float, hi: float) -> str:
    return b.const(b.rng.uniform(lo, hi, n).astype(np.float32))


def conv_bn(b: Builder, x: str, cin: int, cout: int, k: int, stride=1, group=1, act="relu",
            pad=None) -> str:
    """Conv (with bias) + BatchNormalization + Relu / ReLU6 (Clip) / nothing."""
    pad = k // 2 if pad is None else pad
    y = b.op("Conv", [x, b.weight([cout, cin // group, k, k]), b.weight([cout], 0.1)],
             kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4, group=group)
    y = b.op("BatchNormalization", [y, _vec(b, cout, 0.5, 1.5), _vec(b, cout, -0.1, 0.1),
                                    _vec(b, cout, -0.1, 0.1), _vec(b, cout, 0.5, 1.5)],
             epsilon=1e-5)
    if act == "relu":
        return b.op("Relu", [y])
    if act == "relu6":
        return b.op("Clip", [y, b.const(np.float32(0.0)), b.const(np.float32(6.0))])
    return y


def _classifier(b: Builder, x: str, features: int, classes: int) -> str:
    """GlobalAveragePool + Flatten + Linear as Gemm(transB=1), the torchvision head."""
    x = b.op("Flatten", [b.op("GlobalAveragePool", [x])], axis=1)
    return b.op("Gemm", [x, b.weight([classes, features]), b.weight([classes], 0.1)], transB=1)


def _finish(b: Builder, inputs, out_name: str, out_shape, name: str) -> onnx.ModelProto:
    """The last node's output becomes the graph output ``out_name``."""
    b.nodes[-1].output[0] = out_name
    return b.model(inputs, [f32(out_name, out_shape)], OPSET, name)


def _basic_block(b: Builder, x: str, cin: int, cout: int, stride: int) -> str:
    y = conv_bn(b, x, cin, cout, 3, stride)
    y = conv_bn(b, y, cout, cout, 3, act=None)
    if stride != 1 or cin != cout:
        x = conv_bn(b, x, cin, cout, 1, stride, act=None)
    return b.op("Relu", [b.op("Add", [y, x])])


def _bottleneck(b: Builder, x: str, cin: int, width: int, stride: int) -> str:
    y = conv_bn(b, x, cin, width, 1)
    y = conv_bn(b, y, width, width, 3, stride)
    y = conv_bn(b, y, width, 4 * width, 1, act=None)
    if stride != 1 or cin != 4 * width:
        x = conv_bn(b, x, cin, 4 * width, 1, stride, act=None)
    return b.op("Relu", [b.op("Add", [y, x])])


def resnet(depth: int = 18, image: int = 224, classes: int = 1000, seed: int = 10):
    """torchvision ResNet-18 (basic blocks) or ResNet-50 (bottlenecks), NCHW 1x3xHxW."""
    blocks = {18: [2, 2, 2, 2], 50: [3, 4, 6, 3]}[depth]
    b = Builder(seed)
    x = conv_bn(b, "image", 3, 64, 7, 2)
    x = b.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (n, width) in enumerate(zip(blocks, [64, 128, 256, 512])):
        for i in range(n):
            stride = 2 if stage > 0 and i == 0 else 1
            if depth == 18:
                x, cin = _basic_block(b, x, cin, width, stride), width
            else:
                x, cin = _bottleneck(b, x, cin, width, stride), 4 * width
    _classifier(b, x, cin, classes)
    return _finish(b, [f32("image", [1, 3, image, image])], "logits", [1, classes],
                   f"resnet{depth}")


MOBILENET_V2 = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                (6, 160, 3, 2), (6, 320, 1, 1)]  # expansion t, channels c, repeats n, stride s


def mobilenet_v2(image: int = 224, classes: int = 1000, seed: int = 11):
    """torchvision MobileNetV2: inverted residuals (1x1 expand, 3x3 depthwise, 1x1 project)."""
    b = Builder(seed)
    x, cin = conv_bn(b, "image", 3, 32, 3, 2, act="relu6"), 32
    for t, c, n, s in MOBILENET_V2:
        for i in range(n):
            hidden = cin * t
            y = conv_bn(b, x, cin, hidden, 1, act="relu6") if t != 1 else x
            y = conv_bn(b, y, hidden, hidden, 3, s if i == 0 else 1, group=hidden, act="relu6")
            y = conv_bn(b, y, hidden, c, 1, act=None)
            x = b.op("Add", [x, y]) if i > 0 else y
            cin = c
    x = conv_bn(b, x, cin, 1280, 1, act="relu6")
    _classifier(b, x, 1280, classes)
    return _finish(b, [f32("image", [1, 3, image, image])], "logits", [1, classes],
                   "mobilenet_v2")


def linear3d(b: Builder, x: str, n_in: int, n_out: int) -> str:
    """``nn.Linear`` on a 3-D input: MatMul with the transposed weight, then Add of the bias."""
    return b.op("Add", [b.op("MatMul", [x, b.weight([n_in, n_out])]), b.weight([n_out], 0.1)])


def layer_norm(b: Builder, x: str, d: int) -> str:
    return b.op("LayerNormalization", [x, _vec(b, d, 0.5, 1.5), _vec(b, d, -0.1, 0.1)],
                axis=-1, epsilon=1e-5)


def gelu_erf(b: Builder, x: str) -> str:
    """x * 0.5 * (1 + erf(x / sqrt(2))), the order in which the exporter writes it."""
    e = b.op("Erf", [b.op("Div", [x, b.const(np.float32(np.sqrt(2.0)))])])
    return b.op("Mul", [b.op("Mul", [x, b.op("Add", [e, b.const(np.float32(1.0))])]),
                        b.const(np.float32(0.5))])


def gelu_tanh(b: Builder, x: str) -> str:
    """GPT-2's gelu_new: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))."""
    cube = b.op("Mul", [b.op("Pow", [x, b.const(np.float32(3.0))]), b.const(np.float32(0.044715))])
    inner = b.op("Mul", [b.op("Add", [x, cube]), b.const(np.float32(np.sqrt(2.0 / np.pi)))])
    half = b.op("Mul", [b.const(np.float32(0.5)), x])
    return b.op("Mul", [half, b.op("Add", [b.const(np.float32(1.0)), b.op("Tanh", [inner])])])


def _heads(b: Builder, t: str, seq: int, heads: int, perm) -> str:
    t = b.op("Reshape", [t, b.const(np.array([1, seq, heads, -1], np.int64))])
    return b.op("Transpose", [t], perm=perm)


def attention(b: Builder, q: str, k: str, v: str, seq: int, d: int, heads: int,
              mask: str | None = None) -> str:
    """Scaled dot-product attention over [1, seq, d] projections, heads split by Reshape and
    Transpose; ``mask`` (bool [seq, seq]) keeps scores with Where, as GPT-2 exports do."""
    q = _heads(b, q, seq, heads, [0, 2, 1, 3])
    kt = _heads(b, k, seq, heads, [0, 2, 3, 1])
    v = _heads(b, v, seq, heads, [0, 2, 1, 3])
    s = b.op("Div", [b.op("MatMul", [q, kt]), b.const(np.float32(np.sqrt(d // heads)))])
    if mask is not None:
        s = b.op("Where", [mask, s, b.const(np.float32(-3.4028235e38))])
    o = b.op("MatMul", [b.op("Softmax", [s], axis=-1), v])
    o = b.op("Transpose", [o], perm=[0, 2, 1, 3])
    return b.op("Reshape", [o, b.const(np.array([1, seq, d], np.int64))])


def _self_attention(b: Builder, x: str, seq: int, d: int, heads: int) -> str:
    q, k, v = (linear3d(b, x, d, d) for _ in range(3))
    return linear3d(b, attention(b, q, k, v, seq, d, heads), d, d)


def _ffn(b: Builder, x: str, d: int, hidden: int, gelu=gelu_erf) -> str:
    return linear3d(b, gelu(b, linear3d(b, x, d, hidden)), hidden, d)


def bert(layers: int = 2, seq: int = 128, d: int = 768, heads: int = 12, ffn: int = 3072,
         seed: int = 12, vocab: int = 0):
    """BERT-base encoder layers (post-norm) over token embeddings x[1, seq, d]: position
    embeddings + LayerNorm, then per layer attention, Add + LayerNorm, FFN, Add + LayerNorm.
    ``vocab`` > 0: the input is ``input_ids[1, seq]`` (int64), looked up in a word-embedding
    table ``[vocab, d]`` with Gather (an index checked at run time)."""
    b = Builder(seed)
    if vocab:
        embeddings = b.op("Gather", [b.weight([vocab, d], 0.02), "input_ids"], axis=0)
        source = onnx.helper.make_tensor_value_info("input_ids", onnx.TensorProto.INT64, [1, seq])
    else:
        embeddings, source = "embeddings", f32("embeddings", [1, seq, d])
    x = layer_norm(b, b.op("Add", [embeddings, b.weight([1, seq, d], 0.02)]), d)
    for _ in range(layers):
        x = layer_norm(b, b.op("Add", [x, _self_attention(b, x, seq, d, heads)]), d)
        x = layer_norm(b, b.op("Add", [x, _ffn(b, x, d, ffn)]), d)
    return _finish(b, [source], "hidden", [1, seq, d], "bert")


def gpt2(layers: int = 2, seq: int = 128, d: int = 768, heads: int = 12, seed: int = 13):
    """GPT-2 decoder blocks (pre-norm) over token embeddings: fused QKV projection split in
    three, causal mask (constant bool, Where), gelu_new FFN, final LayerNorm; no LM head."""
    b = Builder(seed)
    mask = b.const(np.tril(np.ones((seq, seq), bool)), "mask")
    x = b.op("Add", ["embeddings", b.weight([1, seq, d], 0.02)])
    for _ in range(layers):
        qkv = linear3d(b, layer_norm(b, x, d), d, 3 * d)
        q, k, v = b.op("Split", [qkv, b.const(np.array([d, d, d], np.int64))], n_out=3, axis=2)
        x = b.op("Add", [x, linear3d(b, attention(b, q, k, v, seq, d, heads, mask), d, d)])
        x = b.op("Add", [x, _ffn(b, layer_norm(b, x, d), d, 4 * d, gelu_tanh)])
    layer_norm(b, x, d)
    return _finish(b, [f32("embeddings", [1, seq, d])], "hidden", [1, seq, d], "gpt2")


def vit(layers: int = 2, image: int = 224, patch: int = 16, d: int = 768, heads: int = 12,
        classes: int = 1000, seed: int = 14):
    """ViT-B/16: patch embedding Conv (stride = kernel = 16), Flatten + Transpose to tokens,
    class token Concat (197 tokens at 224²), position embeddings, pre-norm encoder layers,
    LayerNorm, class-token Gather, Linear head as Gemm(transB=1)."""
    b = Builder(seed)
    seq = (image // patch) ** 2 + 1
    x = b.op("Conv", ["image", b.weight([d, 3, patch, patch]), b.weight([d], 0.1)],
             kernel_shape=[patch, patch], strides=[patch, patch])
    x = b.op("Transpose", [b.op("Reshape", [x, b.const(np.array([1, d, -1], np.int64))])],
             perm=[0, 2, 1])
    x = b.op("Concat", [b.weight([1, 1, d], 0.02), x], axis=1)
    x = b.op("Add", [x, b.weight([1, seq, d], 0.02)])
    for _ in range(layers):
        x = b.op("Add", [x, _self_attention(b, layer_norm(b, x, d), seq, d, heads)])
        x = b.op("Add", [x, _ffn(b, layer_norm(b, x, d), d, 4 * d)])
    cls = b.op("Gather", [layer_norm(b, x, d), b.const(np.array(0, np.int64))], axis=1)
    b.op("Gemm", [cls, b.weight([classes, d]), b.weight([classes], 0.1)], transB=1)
    return _finish(b, [f32("image", [1, 3, image, image])], "logits", [1, classes], "vit")


def _double_conv(b: Builder, x: str, cin: int, cout: int) -> str:
    return conv_bn(b, conv_bn(b, x, cin, cout, 3), cout, cout, 3)


def unet(image: int = 256, base: int = 32, depth: int = 4, classes: int = 2, seed: int = 15):
    """UNet: double 3x3 conv + BN + ReLU per level, MaxPool 2x2 down, ConvTranspose 2x2 up,
    Concat with the skip connection, 1x1 conv to ``classes`` channels."""
    b = Builder(seed)
    x, cin, skips = "image", 3, []
    for level in range(depth):
        x = _double_conv(b, x, cin, base << level)
        skips.append((x, base << level))
        x, cin = b.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2]), base << level
    x, cin = _double_conv(b, x, cin, base << depth), base << depth
    for skip, c in reversed(skips):
        up = b.op("ConvTranspose", [x, b.weight([cin, c, 2, 2]), b.weight([c], 0.1)],
                  kernel_shape=[2, 2], strides=[2, 2])
        x, cin = _double_conv(b, b.op("Concat", [skip, up], axis=1), 2 * c, c), c
    b.op("Conv", [x, b.weight([classes, cin, 1, 1]), b.weight([classes], 0.1)],
             kernel_shape=[1, 1])
    return _finish(b, [f32("image", [1, 3, image, image])], "mask",
                   [1, classes, image, image], "unet")


def lstm(layers: int = 2, seq: int = 32, features: int = 256, hidden: int = 512,
         classes: int = 10, seed: int = 16):
    """``nn.LSTM(features, hidden, layers)`` on x[seq, 1, features]: one LSTM op per layer
    (gates iofc, W/R/B initializers) and Squeeze of its direction axis, then a Linear head on
    the last step's output. aic runs the steps as one loop (one copy of the cell), so its
    compile time does not depend on ``seq``."""
    b = Builder(seed)
    x, n_in = "x", features
    for _ in range(layers):
        w = b.weight([1, 4 * hidden, n_in])
        r = b.weight([1, 4 * hidden, hidden])
        y = b.op("LSTM", [x, w, r, b.weight([1, 8 * hidden], 0.1)], hidden_size=hidden)
        x, n_in = b.op("Squeeze", [y, b.const(np.array([1], np.int64))]), hidden
    last = b.op("Gather", [x, b.const(np.array(seq - 1, np.int64))], axis=0)
    b.op("Gemm", [last, b.weight([classes, hidden]), b.weight([classes], 0.1)], transB=1)
    return _finish(b, [f32("x", [seq, 1, features])], "logits", [1, classes], "lstm")


def mlp(sizes=(784, 512, 512, 10), batch: int = 1, seed: int = 17):
    """``nn.Sequential`` of Linear + ReLU on a 2-D input (Gemm, transB=1): at batch 1 its time
    is mostly per-call overhead, which this row measures."""
    b = Builder(seed)
    x = "x"
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        x = b.op("Gemm", [x, b.weight([n_out, n_in]), b.weight([n_out], 0.1)], transB=1)
        if i < len(sizes) - 2:
            x = b.op("Relu", [x])
    return _finish(b, [f32("x", [batch, sizes[0]])], "logits", [batch, sizes[-1]], "mlp")


def resnet18_qdq_int8(image: int = 224, **k):
    """ResNet-18 quantized by onnxruntime's ``quantize_static`` (QDQ, int8 activations and
    per-channel weights, batch norms folded, seeded calibration)."""
    from aic.testing.quant_models import quantize_static_qdq
    return quantize_static_qdq(resnet(18, image=image, **k), "image", [1, 3, image, image])


def bert_dynamic_int8(**k):
    """``bert`` quantized by onnxruntime's ``quantize_dynamic`` (MatMulInteger, uint8
    activations quantized at run time, int8 weights)."""
    from aic.testing.quant_models import quantize_dynamic_model
    return quantize_dynamic_model(bert(**k))


def half(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` in f16 end to end (weights, activations, inputs and outputs), as onnxruntime's
    ``convert_float_to_float16`` writes it (Cast-free: ``keep_io_types=False``)."""
    from onnxruntime.transformers.float16 import convert_float_to_float16
    return convert_float_to_float16(model, keep_io_types=False)


MODELS = {
    "resnet18_224": (lambda **k: resnet(18, **k), {"image": 64}),
    "resnet50_224": (lambda **k: resnet(50, **k), {"image": 64}),
    "mobilenetv2_224": (mobilenet_v2, {"image": 64}),
    "vit_b16_2layers_197tok": (vit, {"image": 64, "layers": 1}),
    "bert_base_2layers_seq128": (bert, {"seq": 32, "layers": 1}),
    "bert_base_2layers_seq128_ids": (lambda **k: bert(vocab=30522, **k),
                                     {"seq": 32, "layers": 1}),
    "gpt2_2layers_seq128": (gpt2, {"seq": 32, "layers": 1}),
    "unet_base32_256": (unet, {"image": 64}),
    "lstm_2x512_seq32": (lstm, {"seq": 8}),
    "mlp_batch1_784x512x512x10": (mlp, {}),
    "resnet18_224_qdq_int8": (resnet18_qdq_int8, {"image": 64}),
    "bert_base_2layers_seq128_dynamic_int8": (bert_dynamic_int8, {"seq": 32, "layers": 1}),
    "bert_base_2layers_seq128_f16": (lambda **k: half(bert(**k)), {"seq": 32, "layers": 1}),
}


LARGE_MODELS = {
    # BERT-base size (hidden 768, 12 layers, seq 128, 30522-word embedding: 110 M parameters,
    # 440 MB of weights): the compile-time and memory acceptance of docs/compile-time.md, not
    # part of the benchmark suite.
    "bert_base_12layers_seq128_ids": (lambda **k: bert(**{"layers": 12, "vocab": 30522, **k}),
                                      {"seq": 32, "layers": 1}),
}


def with_dynamic_batch(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` with dim 0 of its (single) input and output named ``batch``: a CNN exported
    with ``dynamic_axes={"image": {0: "batch"}, ...}`` (Conv..Flatten+Gemm take any batch)."""
    for value in (*model.graph.input[:1], *model.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = "batch"
    return model


def _bert_dynamic(**k):
    return dynamic_models.bert(**{"layers": 2, "d": 768, "heads": 12, "ffn": 3072,
                                  "vocab": 30522, "max_pos": 512, **k})


def _tokens(batch: int, seq: int) -> dict:
    return {"input_ids": [batch, seq], "attention_mask": [batch, seq]}


DYNAMIC_MODELS = {
    # name: (maker, call shapes, quick kwargs, quick call shapes). Each row compiles the model
    # once without input shapes (dynamic) and once specialised to the call shapes, and times
    # both against onnxruntime at those shapes.
    "resnet18_224_dynamic_b1": (lambda **k: with_dynamic_batch(resnet(18, **k)),
                                {"image": [1, 3, 224, 224]}, {"image": 64},
                                {"image": [1, 3, 64, 64]}),
    "resnet18_224_dynamic_b4": (lambda **k: with_dynamic_batch(resnet(18, **k)),
                                {"image": [4, 3, 224, 224]}, {"image": 64},
                                {"image": [4, 3, 64, 64]}),
    "bert_base_2layers_dynamic_seq128": (_bert_dynamic, _tokens(1, 128), {"layers": 1},
                                         _tokens(1, 32)),
}


def build(name: str, quick: bool = False) -> onnx.ModelProto:
    """Model ``name`` of ``MODELS``, ``DYNAMIC_MODELS`` or ``LARGE_MODELS``; ``quick``: its
    small variant."""
    if name in DYNAMIC_MODELS:
        make, _, quick_kwargs, _ = DYNAMIC_MODELS[name]
        return make(**(quick_kwargs if quick else {}))
    make, quick_kwargs = MODELS[name] if name in MODELS else LARGE_MODELS[name]
    return make(**(quick_kwargs if quick else {}))


def call_shapes(name: str, quick: bool = False) -> dict:
    """The input shapes a ``DYNAMIC_MODELS`` row is called (and specialised) with."""
    _, shapes, _, quick_shapes = DYNAMIC_MODELS[name]
    return quick_shapes if quick else shapes

