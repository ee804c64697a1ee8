"""Bitwise graph ops on integer tensors: and/or/xor and the logical shifts."""

from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, same_element
from aic.dsl import INT_TYPES, Attr, EnumAttr, Operand, Result, Tensor

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


__all__ = ["BitwiseOp"]
