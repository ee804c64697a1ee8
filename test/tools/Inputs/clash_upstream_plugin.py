"""A plugin naming its dialect like an upstream MLIR one (for dialect-name-clash.mlir)."""

from aic.dsl import AicOp, Dialect, Operand

quant = Dialect("quant", "Clashes with upstream MLIR's quant dialect.")


@quant.op
class QuantizeOp(AicOp):
    """Never declared: the dialect name is refused first."""

    NAME = "quantize"
    x = Operand()
