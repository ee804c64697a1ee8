"""``aic-convert-hw-to-scf``: lower hw ops to upstream scf/tensor/linalg/memref/gpu ops.

Recipe: `hw.parallel` -> `scf.forall` (zero lower bounds, same upper bounds and steps,
`shared_outs` = the destinations; `gpu.yield`'s tiles -> `tensor.parallel_insert_slice` in
`scf.forall.in_parallel`); first (unless `vectorize=false`) the tiles inside hw.parallel are
vectorized as `aic-hw-vectorize` does (micro-kernels -> packed contractions marked for the register tiles, elementwise
generics -> vectors along the innermost dim); a remaining `hw.microkernel` -> `linalg.matmul`
on the tiles (a packed B: a `linalg.generic` reading it through `(n floordiv nr, k, n mod nr)`); `hw.barrier` -> `gpu.barrier`;
`hw.shared_alloc` -> `memref.alloc` in address space 3. The result bufferizes with upstream
`one-shot-bufferize{bufferize-function-boundaries}`; `scf-forall-to-for` or
`scf-forall-to-parallel` then lower the forall. Hardware mappings are not attached (CPU).
"""

from __future__ import annotations

from aic import timing
from aic.dialects.hw import BarrierOp, MicrokernelOp, ParallelOp, SharedAllocOp
from aic.mlir_api import ir, linalg, memref, scf, tensor
from aic.pass_base import Pass, option, register_pass
from aic.passes.hw.vectorize import vectorize_tiles
from aic.passes.memref.lower_microkernels_lib import packed_contraction
from aic.verify import walk


@register_pass
class ConvertHwToScf(Pass):
    """Lower hw.parallel/microkernel/barrier/shared_alloc to scf.forall, linalg, gpu, memref."""

    NAME = "aic-convert-hw-to-scf"
    vectorize: bool = option(True, "vectorize tiles as aic-hw-vectorize does (else scalar linalg)")

    def run(self, op):
        if self.vectorize:
            vectorize_tiles(op)
        for child in list(walk(op)):
            if isinstance(child, MicrokernelOp):
                _replace(child, _matmul)
            elif isinstance(child, BarrierOp):
                _replace(child, lambda c: ir.Operation.create("gpu.barrier"))
            elif isinstance(child, SharedAllocOp):
                _replace(child, lambda c: memref.AllocOp(c.buffer.type, [], []).result)
        for child in timing.counted([c for c in walk(op) if isinstance(c, ParallelOp)], "kernels"):
            _lower_parallel(child)


def _replace(op, build) -> None:
    with ir.InsertionPoint(op), op.location:
        new = build(op)
    if op.operation.results:
        op.operation.results[0].replace_all_uses_with(new)
    op.operation.erase()


def _matmul(op: MicrokernelOp) -> ir.Value:
    """``c + a @ b`` as linalg; a packed ``b`` (panels x k x nr) is read through
    ``(n floordiv nr, k, n mod nr)``."""
    if ir.RankedTensorType(op.b.type).rank == 2:
        return linalg.matmul(op.a, op.b, outs=[op.c])
    return packed_contraction(op.a, op.b, op.c)


def _lower_parallel(op: ParallelOp) -> None:
    n = len(op.upper_bounds)
    with ir.InsertionPoint(op), op.location:
        forall = scf.ForallOp([0] * n, list(op.upper_bounds), list(op.steps), list(op.outs))
    block = op.operation.regions[0].blocks[0]
    for arg, new in zip(block.arguments, forall.body.arguments):
        arg.replace_all_uses_with(new)
    ops = list(block.operations)
    for o in ops[:-1]:
        forall.body.append(o.operation)
    values = list(ops[-1].operation.operands)
    tiles, offsets = values[:len(op.outs)], values[len(op.outs):]
    with op.location:
        in_parallel = forall.terminator()
        with ir.InsertionPoint(in_parallel.block):
            for tile, dest in zip(tiles, forall.inner_iter_args):
                rank = ir.RankedTensorType(dest.type).rank
                here, offsets = offsets[:rank], offsets[rank:]
                _insert(tile, dest, here)
    for old, new in zip(op.operation.results, forall.results):
        old.replace_all_uses_with(new)
    op.operation.erase()


def _insert(tile, dest, offsets) -> None:
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    sizes = list(ir.RankedTensorType(tile.type).shape)
    rank = len(sizes)
    tensor.parallel_insert_slice(tile, dest, list(offsets), [], [], [dyn] * rank, sizes,
                                 [1] * rank)
