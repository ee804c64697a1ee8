"""Structural graph ops: the fused-group region op and its terminator."""

from aic.dsl import AicOp, Attr, Operand, Region, Result, StrAttr, Tensor
from aic.dialects.graph.dialect import graph


@graph.op
class FusedOp(AicOp):
    """A group of graph ops fused into one unit. The region's single block takes one argument
    per input and ends in `graph.yield` of the results; `kind` names the fusion pattern
    (for example `"matmul_bias_relu"`). No value defined outside is used inside.

    ```mlir
    %r = "graph.fused"(%x, %w) ({
    ^bb0(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>):
      %m = "graph.matmul"(%a, %b) : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
      "graph.yield"(%m) : (tensor<4x16xf32>) -> ()
    }) {kind = "matmul"} : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
    ```
    """
    NAME = "fused"
    inputs = Operand(Tensor(), variadic=True)
    kind = Attr(StrAttr(), default="")
    body = Region(doc="one block: arguments match `inputs`, ends in `graph.yield`")
    outs = Result(Tensor(), variadic=True)


@graph.op
class YieldOp(AicOp):
    """Terminator of `graph.fused`: the group's results.

    ```mlir
    "graph.yield"(%m) : (tensor<4x16xf32>) -> ()
    ```
    """
    NAME = "yield"
    values = Operand(Tensor(), variadic=True)
