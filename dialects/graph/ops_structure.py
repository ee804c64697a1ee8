"""Structural graph ops: the fused-group region op."""

from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import types_compatible
from aic.dsl import AicOp, Attr, Region, Result, StrAttr, Tensor

TERMINATOR = "gpu.yield"
"""The op ending a `graph.fused` body (see FusedOp)."""


@graph.op(pure=True)
class FusedOp(AicOp):
    """A group of graph ops fused into one unit with one result; `kind` names the pattern.

    The region is one block without arguments: its ops use values defined above (as
    `scf.execute_region` does) and the block ends in `gpu.yield` of the group's result.
    Two IRDL (LLVM 22) limits shape this: IRDL ops cannot be terminators, so the body borrows
    upstream's parent-agnostic `gpu.yield`; and a variadic operand group holds one type, so
    the group takes no operands instead of a heterogeneous input list.

    ```mlir
    %r = "graph.fused"() ({
      %s = "graph.add"(%x, %y) : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
      %t = "graph.unary"(%s) {alpha = 0.0 : f32, beta = 0.0 : f32, fn = "relu"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
      "gpu.yield"(%t) : (tensor<4x16xf32>) -> ()
    }) {kind = "add_relu"} : () -> tensor<4x16xf32>
    ```
    """
    NAME = "fused"
    kind = Attr(StrAttr(), default="")
    body = Region(doc="one block without arguments, ending in `gpu.yield` of the result")
    out = Result(Tensor())

    def verify(self):
        blocks = list(self.body.blocks)
        if len(blocks) != 1:
            return f"expects a body of one block, got {len(blocks)}"
        if len(blocks[0].arguments):
            return "expects a body block without arguments"
        ops = list(blocks[0].operations)
        if not ops or ops[-1].operation.name != TERMINATOR:
            return f"expects the body to end in '{TERMINATOR}'"
        yielded = list(ops[-1].operation.operands)
        if len(yielded) != 1:
            return f"expects '{TERMINATOR}' of one value, got {len(yielded)}"
        if not types_compatible(yielded[0].type, self.out.type):
            return f"expects the yielded value of type {self.out.type}, got {yielded[0].type}"
        return None
