"""Bitwise graph ops: and/or/xor and the logical shifts on integer tensors; bitcast."""

from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, info, same_element
from aic.dsl import INT_TYPES, AicOp, Attr, EnumAttr, Operand, Result, Tensor
from aic.mlir_api import ir

_INT = Tensor(INT_TYPES)


@graph.op(pure=True)
class BitwiseOp(InferredOp):
    """Elementwise bitwise `kind` of integers with broadcasting.

    `and`, `or`, `xor` on the bits; `shl` / `shr` shift `lhs` left / right by `rhs` bits
    (`shr`: logical for unsigned types, arithmetic for signed ones). An amount that is
    negative or at least the bit width gives 0, or for a signed `shr` the sign fill (-1 for
    negative `lhs`), as ONNX BitShift does.

    ```mlir
    %r = "graph.bitwise"(%a, %b) {kind = "shl"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
    ```
    """
    NAME = "bitwise"
    lhs = Operand(_INT)
    rhs = Operand(_INT)
    kind = Attr(EnumAttr("and", "or", "xor", "shl", "shr"))
    out = Result(_INT)

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.broadcast(ins[0].shape, ins[1].shape), same_element(*ins))]


def bit_width(t: ir.Type) -> int:
    """Bits of an element type in memory (``i1``: a byte, 0 or 1)."""
    t = t.maybe_downcast()
    return max(t.width if isinstance(t, (ir.FloatType, ir.IntegerType)) else 0, 8)


@graph.op(pure=True)
class BitCastOp(AicOp):
    """Reinterpret the bits of every element of `x` as the result's element type, of the
    same width in memory (`i1` is a byte holding 0 or 1), as ONNX BitCast does.

    ```mlir
    %r = "graph.bitcast"(%x) : (tensor<3xf32>) -> tensor<3xi32>
    ```
    """
    NAME = "bitcast"
    x = Operand(Tensor())
    out = Result(Tensor())

    def verify(self):
        x, out = info(self.x), info(self.out)
        if not shapes.compatible(x.shape, out.shape):
            return f"expects the result shape {shapes.fmt(out.shape)} to match the operand's " \
                   f"{shapes.fmt(x.shape)}"
        if bit_width(x.element) != bit_width(out.element):
            return f"expects element types of the same width, got {x.element} and {out.element}"
        return None


__all__ = ["BitwiseOp", "BitCastOp"]
