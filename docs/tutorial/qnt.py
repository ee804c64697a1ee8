"""The `qnt` dialect of the aic tutorial: affine (scale, zero point) quantization of f32 tensors.

Step 1 of docs/tutorial/README.md. Three ops, each a small declaration with a verifier:

* ``qnt.quantize``   f32 -> i8/ui8:  q = clamp(round(x / scale) + zero_point, qmin, qmax)
* ``qnt.dequantize`` i8/ui8 -> f32:  x = (q - zero_point) * scale
* ``qnt.fake_quant`` f32 -> f32:     dequantize(quantize(x)) in one op, the range given as
  ``qmin``/``qmax`` (quantization-aware training and accuracy studies use it).

``round`` is round-half-to-even, as in ONNX QuantizeLinear. ``i8`` is read as signed
[-128, 127], ``ui8`` as [0, 255]. Uses only ``aic.dsl``.
"""

from __future__ import annotations

import math

from aic.dsl import AicOp, Attr, Dialect, FloatAttr, IntAttr, Operand, Result, Tensor
from aic.mlir_api import ir

qnt = Dialect(
    "qnt",
    "Affine quantization of f32 tensors: the dialect of the aic tutorial.",
    "Per-tensor `scale` and `zero_point`; round half to even; i8 is signed, ui8 unsigned.",
)

_F32 = Tensor(("f32",))
_STORED = Tensor(("i8", "ui8"))


def storage_range(type_: ir.Type) -> tuple[int, int]:
    """(qmin, qmax) of a tensor type with i8 (signed) or ui8 elements."""
    element = ir.IntegerType(ir.RankedTensorType(type_).element_type)
    if element.is_unsigned:
        return 0, (1 << element.width) - 1
    return -(1 << (element.width - 1)), (1 << (element.width - 1)) - 1


def _check_scale(scale: float) -> str | None:
    if not (math.isfinite(scale) and scale > 0):
        return f"scale must be a positive finite number, got {scale}"
    return None


def _check_zero_point(zero_point: int, qmin: int, qmax: int) -> str | None:
    if not qmin <= zero_point <= qmax:
        return f"zero_point {zero_point} is outside the quantized range [{qmin}, {qmax}]"
    return None


def _same_shape(a: ir.Type, b: ir.Type) -> str | None:
    if ir.RankedTensorType(a).shape == ir.RankedTensorType(b).shape:
        return None
    return f"operand and result shapes differ: {a} vs {b}"


@qnt.op
class QuantizeOp(AicOp):
    """Quantize: `clamp(round(x / scale) + zero_point, qmin, qmax)`, the range from the result
    element type (i8: [-128, 127], ui8: [0, 255]).

    ```mlir
    %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi8>
    ```
    """

    NAME = "quantize"
    x = Operand(_F32)
    scale = Attr(FloatAttr())
    zero_point = Attr(IntAttr())
    out = Result(_STORED)

    def verify(self):
        qmin, qmax = storage_range(self.out.type)
        return (_check_scale(self.scale) or _check_zero_point(self.zero_point, qmin, qmax)
                or _same_shape(self.x.type, self.out.type))


@qnt.op
class DequantizeOp(AicOp):
    """Dequantize: `(q - zero_point) * scale`.

    ```mlir
    %x = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xi8>) -> tensor<4xf32>
    ```
    """

    NAME = "dequantize"
    q = Operand(_STORED)
    scale = Attr(FloatAttr())
    zero_point = Attr(IntAttr())
    out = Result(_F32)

    def verify(self):
        qmin, qmax = storage_range(self.q.type)
        return (_check_scale(self.scale) or _check_zero_point(self.zero_point, qmin, qmax)
                or _same_shape(self.q.type, self.out.type))


@qnt.op
class FakeQuantOp(AicOp):
    """Quantize then dequantize in f32:
    `(clamp(round(x / scale) + zero_point, qmin, qmax) - zero_point) * scale`.

    ```mlir
    %y = "qnt.fake_quant"(%x) {qmax = 127 : i64, qmin = -128 : i64, scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
    ```
    """

    NAME = "fake_quant"
    x = Operand(_F32)
    scale = Attr(FloatAttr())
    zero_point = Attr(IntAttr())
    qmin = Attr(IntAttr())
    qmax = Attr(IntAttr())
    out = Result(_F32)

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [operands[0].type]

    def verify(self):
        if self.qmin >= self.qmax:
            return f"qmin ({self.qmin}) must be less than qmax ({self.qmax})"
        return (_check_scale(self.scale)
                or _check_zero_point(self.zero_point, self.qmin, self.qmax)
                or (None if self.x.type == self.out.type
                    else "result type must equal the operand type"))
