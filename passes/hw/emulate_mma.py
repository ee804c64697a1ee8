"""``aic-hw-emulate-mma``: tensor-core tiles computed on the CPU with the tensor core's numerics.

For the CPU emulation of a CUDA `hw` program (run before ``aic-convert-hw-to-scf``): every
`hw.microkernel` inside a tensor-core contraction block (a `hw.parallel` carrying
``hw.mma_stages``, made by ``tiled_to_hw_lib.cuda_contraction``) becomes

* f32: ``C + tf32(A) @ tf32(B)`` -- A and B rounded to TF32 as the kernel's
  ``cvt.rna.tf32.f32`` does (a `linalg.generic`: finite values get half an ulp of the 10-bit
  mantissa added, ``+ 0x1000``, and their low 13 bits cleared, ``andi 0xFFFFE000``; infinities
  kept, NaN made the canonical 0x7FFFFFFF), then `linalg.matmul` in f32 (f32 accumulation);
* f16: ``f16(f32(C) + f32(A) @ f32(B))`` -- f16 inputs, f32 accumulation, f16 result; with
  an f32 C (the f32 accumulator of an f16 matmul from the graph lowering) no rounding.

Microkernels elsewhere (the generic CUDA mapping, ``gpu-precision=f32``) are left alone: they
are plain f32 FMAs. This is what ``mma_lib.emulate`` does for one mma tile of the generated
kernel, at the `hw` level. Precondition: a CUDA ``hw.target`` (on a CPU target: nothing).
Options: none.
"""

from __future__ import annotations

from aic.dialects.hw import MicrokernelOp, ParallelOp, enclosing_target
from aic.mlir_api import arith, ir, linalg, tensor
from aic.pass_base import Pass, register_pass
from aic.passes.conversions.tiled_to_hw_lib.cuda_contraction import STAGES_ATTR
from aic.verify import walk

TF32_MASK = 0xFFFFE000 - (1 << 32)  # as a signed i32


@register_pass
class EmulateMma(Pass):
    """Give the hw.microkernels of tensor-core blocks the tensor core's input rounding."""

    NAME = "aic-hw-emulate-mma"

    def run(self, op):
        target = enclosing_target(op)
        if target is None or target.kind != "cuda":
            return
        for block in [p for p in walk(op) if isinstance(p, ParallelOp)
                      and STAGES_ATTR in p.operation.attributes]:
            for tile in [t for t in walk(block.operation) if isinstance(t, MicrokernelOp)]:
                _emulate(tile)


def _emulate(tile: MicrokernelOp) -> None:
    element = ir.RankedTensorType(tile.c.type).element_type
    f32 = ir.F32Type.get()
    with ir.InsertionPoint(tile), tile.location:
        if isinstance(ir.RankedTensorType(tile.a.type).element_type, ir.F32Type):
            a, b = _tf32(tile.a), _tf32(tile.b)
            result = linalg.matmul(a, b, outs=[tile.c])
        elif isinstance(element, ir.F32Type):  # f16 inputs, an f32 accumulator
            a, b = (_convert(v, f32, arith.extf) for v in (tile.a, tile.b))
            result = linalg.matmul(a, b, outs=[tile.c])
        else:
            a, b, c = (_convert(v, f32, arith.extf) for v in (tile.a, tile.b, tile.c))
            result = _convert(linalg.matmul(a, b, outs=[c]), element, arith.truncf)
    tile.result.replace_all_uses_with(result)
    tile.operation.erase()


def _map(value: ir.Value, element, body) -> ir.Value:
    """An element-wise `linalg.generic` of ``body(x)`` over ``value`` into ``element``."""
    t = ir.RankedTensorType(value.type)
    out = tensor.EmptyOp(t.shape, element).result
    identity = ir.AffineMap.get_identity(t.rank)

    @linalg.generic([value], [out], [identity, identity], [linalg.IteratorType.parallel] * t.rank)
    def result(x, _):
        return body(x)
    return result


def _tf32(value: ir.Value) -> ir.Value:
    i32 = ir.IntegerType.get_signless(32)

    def body(x):
        bits = arith.bitcast(i32, x)
        exponent = arith.constant(i32, 0x7F800000)
        finite = arith.cmpi(arith.CmpIPredicate.ne, arith.andi(bits, exponent), exponent)
        rounded = arith.andi(arith.addi(bits, arith.constant(i32, 0x1000)),
                             arith.constant(i32, TF32_MASK))
        nan = arith.cmpf(arith.CmpFPredicate.UNO, x, x)
        special = arith.select(nan, arith.constant(i32, 0x7FFFFFFF), bits)
        return arith.bitcast(ir.F32Type.get(), arith.select(finite, rounded, special))
    return _map(value, ir.F32Type.get(), body)


def _convert(value: ir.Value, element, cast) -> ir.Value:
    return _map(value, element, lambda x: cast(element, x))
