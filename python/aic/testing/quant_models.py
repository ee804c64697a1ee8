"""Quantized model generators: onnxruntime's own quantization tools applied to seeded models.

``qdq_cnn()`` is a small ResNet-style CNN (Conv+bias, ReLU, a residual Add, MaxPool, a
strided Conv, GlobalAveragePool, Gemm) quantized with ``quantize_static`` (QDQ format, int8
activations and per-channel int8 weights) from a seeded calibration reader;
``dynamic_encoder()`` is a BERT-style encoder layer (``aic.testing.models.transformer_encoder``)
quantized with ``quantize_dynamic`` (DynamicQuantizeLinear + MatMulInteger, uint8
activations, int8 weights); ``qdq_encoder()`` that encoder layer quantized statically. All
need onnxruntime (its ``quantization`` package). ``python -m aic.testing.quant_models DIR``
writes them to DIR.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx

from aic.testing.models import _Builder, _f32, transformer_encoder


def _conv(b: _Builder, x: str, cin: int, cout: int, k: int, stride: int = 1, relu=True) -> str:
    w, bias = b.weight([cout, cin, k, k]), b.weight([cout], 0.1)
    y = b.op("Conv", [x, w, bias], kernel_shape=[k, k], strides=[stride, stride],
             pads=[k // 2] * 4)
    return b.op("Relu", [y]) if relu else y


def float_cnn(seed: int = 10, size: int = 32) -> onnx.ModelProto:
    """The float CNN that ``qdq_cnn`` quantizes (batch norms already folded, as
    ``quantize_static`` expects)."""
    b = _Builder(seed)
    x = _conv(b, "image", 3, 16, 3)
    r = _conv(b, _conv(b, x, 16, 16, 3), 16, 16, 3, relu=False)
    x = b.op("Relu", [b.op("Add", [x, r])])
    x = b.op("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = _conv(b, x, 16, 32, 3, stride=2)
    x = b.op("Flatten", [b.op("GlobalAveragePool", [x])], axis=1)
    b.op("Gemm", [x, b.weight([10, 32]), b.weight([10], 0.1)], transB=1)
    b.nodes[-1].output[0] = "logits"
    return b.model([_f32("image", [1, 3, size, size])], [_f32("logits", [1, 10])], 13,
                   "float_cnn")


class _Calibration:
    """Seeded calibration batches for ``quantize_static`` (a CalibrationDataReader)."""

    def __init__(self, name: str, shape, count: int, seed: int):
        rng = np.random.default_rng(seed)
        self._batches = iter([{name: rng.standard_normal(shape).astype(np.float32)}
                              for _ in range(count)])

    def get_next(self):
        return next(self._batches, None)


def quantize_static_qdq(model: onnx.ModelProto, input_name: str, shape, seed: int = 0,
                        batches: int = 8) -> onnx.ModelProto:
    """``model`` quantized by onnxruntime's ``quantize_static``: QDQ format, int8 activations,
    per-channel int8 weights, calibrated on ``batches`` seeded random inputs. Batch norms are
    folded first (onnxruntime's ``quant_pre_process``) when the model has any."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "float.onnx", Path(tmp) / "qdq.onnx"
        onnx.save(model, src)
        if any(n.op_type == "BatchNormalization" for n in model.graph.node):
            folded = Path(tmp) / "folded.onnx"
            quant_pre_process(str(src), str(folded), skip_symbolic_shape=True)
            src = folded
        quantize_static(str(src), str(dst), _Calibration(input_name, shape, batches, seed),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
        return onnx.load(dst)


def quantize_dynamic_model(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` quantized by onnxruntime's ``quantize_dynamic`` (defaults: uint8
    activations quantized at run time, int8 weights)."""
    from onnxruntime.quantization import quantize_dynamic
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "float.onnx", Path(tmp) / "dynamic.onnx"
        onnx.save(model, src)
        quantize_dynamic(str(src), str(dst))
        return onnx.load(dst)


def qdq_cnn(seed: int = 10, size: int = 32) -> onnx.ModelProto:
    """``float_cnn`` quantized statically (``quantize_static_qdq``)."""
    return quantize_static_qdq(float_cnn(seed, size), "image", [1, 3, size, size], seed)


def dynamic_encoder(seed: int = 11, seq: int = 16, d: int = 64, heads: int = 4):
    """A BERT-style encoder layer quantized with ``quantize_dynamic`` (its MatMuls with
    constant weights become DynamicQuantizeLinear + MatMulInteger + rescale)."""
    return quantize_dynamic_model(transformer_encoder(seed, seq, d, heads))


def qdq_encoder(seed: int = 12, seq: int = 8, d: int = 32, heads: int = 4):
    """The encoder layer quantized statically (QDQ, int8, per-channel weights): QDQ MatMuls
    with weights and the attention products between activations."""
    return quantize_static_qdq(transformer_encoder(seed, seq, d, heads), "x", [1, seq, d], seed)


ALL = {"qdq_cnn": qdq_cnn, "dynamic_encoder": dynamic_encoder, "qdq_encoder": qdq_encoder}


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else ".")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        onnx.save(make(), out / f"{name}.onnx")
        print(out / f"{name}.onnx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
