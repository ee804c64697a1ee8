"""Half-precision matmuls on the CPU's f32 micro-kernels: the operands widened to f32 first.

graph -> linalg gives an f16 or bf16 matmul f32 accumulators (``linalg.matmul`` of f16/bf16
inputs into an f32 init, rounded once afterwards). The CPU micro-kernel is an f32 (or i32)
register tile, so such a matmul got none: it ran as scalar loops, converting each operand
element on every use -- a 256 x 256 x 256 bf16 matmul ran at 2.3 GFLOP/s, f16 at 0.7,
against 96 for f32 (1 thread). Widened first, it is an f32 matmul like any other:

    %w32 = arith.constant (the f16/bf16 weight converted at compile time)
    %x32 = linalg.generic (x -> arith.extf x)                      one pass over x
    %c = linalg.matmul ins(%x32, %w32) outs(the same f32 init)

The products and the f32 sums are the ones the scalar loops computed: f16 and bf16 values
are exact in f32 (the micro-kernel's k loop sums in the same order, so the results are
bit-identical). ``applies(info, target)``: a CPU target, a matmul or batch matmul whose
inputs are f16 or bf16 and whose init is f32. CUDA keeps them (its f16 tensor cores take
f16 operands). ``widen(info)`` rewrites and returns the new ops for the caller to tile.
"""

from __future__ import annotations

from aic.mlir_api import arith, ir
from aic.passes.conversions.linalg_to_tiled_lib.analysis import BATCH_MATMUL, MATMUL, LinalgInfo
from aic.passes.conversions.linalg_to_tiled_lib.retype import retype

_HALF = ("f16", "bf16")


def applies(info: LinalgInfo, target) -> bool:
    if info.name not in (MATMUL, BATCH_MATMUL) or getattr(target, "kind", None) != "cpu":
        return False
    init = ir.RankedTensorType(info.init.type).element_type
    return isinstance(init, ir.F32Type) and all(
        str(ir.RankedTensorType(v.type).element_type) in _HALF for v in info.inputs)


def widen(info: LinalgInfo) -> list[ir.Operation]:
    """Rewrite (see the module docstring); returns the new ops to tile, in order: the
    widening copies of the run-time operands, then the f32 matmul."""
    return retype(info, ir.F32Type.get(), arith.extf)
