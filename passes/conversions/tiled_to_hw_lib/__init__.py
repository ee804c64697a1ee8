"""Helpers of ``aic-convert-tiled-to-hw`` (``passes/conversions/tiled_to_hw.py``): the CPU
weight packing, the CUDA contraction mapping, and ``fill_destination``, which both mappings
use."""

from aic.mlir_api import ir, tensor


def fill_destination(fill: ir.Operation, init: ir.Value) -> ir.Value:
    """Where a kernel whose tiles fill their own accumulators writes: the fill's tensor when
    the kernel is the fill's only user, else a tensor of its own (CSE merges equal fills of
    equal shapes, and two kernels writing one tensor would make bufferization copy it)."""
    if len(list(init.uses)) == 1:
        return fill.operands[1]
    t = ir.RankedTensorType(init.type)
    return tensor.EmptyOp(list(t.shape), t.element_type).result
