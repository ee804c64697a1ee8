"""The `tiled` -> `hw` mapping of a matmul kernel onto CUDA tensor cores.

``map_contraction(kernel, target, precision)`` is the entry ``aic-convert-tiled-to-hw`` calls
for every kernel on a CUDA target: it returns the new block-level `hw.parallel`, or None
(the kernel is not a tensor-core contraction; the caller maps it its generic way). It applies
to a `tiled.kernel` over ``(m, n, k)`` whose body is ``linalg.matmul`` of a
`tiled.load` of A at ``(m, k)`` and of B at ``(k, n)`` into the accumulator, whose init is a
`linalg.fill` of a constant (possibly shared with other kernels), whose epilogue (if any) is
element-wise (`tiled.load`s at the tile's offsets and all-parallel `linalg.generic`s; see
``aic.passes.hw.mma_lib.epilogue``; f32 unbatched kernels only), in f32 (TF32 tensor cores
unless ``precision`` is ``f32``) or f16, with a tile that an ``MmaPlan`` accepts.
Convolutions reach it as the matmul of their im2col patches (read from the image by the
kernel ``aic-hw-lower-mma`` makes: implicit GEMM).

The result, for a plan with block tile ``bm x bn`` (the kernel's tile), k slice ``bk`` and
``wm x wn`` warp tiles:

```mlir
%r = "hw.parallel"(%dest) ({                      // blocks: mapping [block_y, block_x]
^bb0(%i: index, %j: index, %out: tensor<MxNxf32>):
  %acc0 = linalg.fill ins(%zero) outs(tensor.extract_slice %out[%i, %j] [bm, bn])
  %acc = scf.for %k = 0 to K step bk iter_args(%c = %acc0) {
    %ta = tensor.extract_slice %A[%i, %k] [bm, bk]    // staged in shared memory
    %tb = tensor.extract_slice %B[%k, %j] [bk, bn]
    %w = "hw.parallel"(%c) ({                     // warps: mapping [thread_y, thread_x]
    ^bb0(%wi: index, %wj: index, %cw: tensor<bm x bn>):
      %m = "hw.microkernel"(%ta[%wi, 0], %tb[0, %wj], %cw[%wi, %wj]) {mr = 16, nr = 8}
      "gpu.yield"(%m, %wi, %wj)
    }) {steps = [wm, wn], upper_bounds = [bm, bn]}
    scf.yield %w
  }
  <the epilogue on %acc>
  "gpu.yield"(%final, %i, %j)
}) {hw.mma_stages = 2, mapping = ["block_y", "block_x"], ...}
```

An iteration of the warp-level `hw.parallel` is one warp (32 threads): `hw.microkernel`
with ``mr x nr`` = the mma m x n is a warp-collective op. ``aic-hw-lower-mma`` turns the
whole block into the tensor-core kernel (shared stages, cp.async, mma.sync); in emulation
``aic-hw-emulate-mma`` computes each microkernel with the tensor core's input rounding.

May import: the MLIR shim, the hw and tiled dialects, ``aic.passes.hw.mma_lib``.
"""

from __future__ import annotations

from aic.dialects.hw import TERMINATOR, MicrokernelOp, ParallelOp
from aic.dialects.tiled import KernelOp, LoadOp
from aic.mlir_api import arith, ir, linalg, scf, tensor
from aic.passes.conversions.tiled_to_hw_lib import fill_destination
from aic.passes.hw.mma_lib import epilogue as epi
from aic.passes.hw.mma_lib.plan import MmaPlan, plan
from aic.verify import defining_op, float_constant

STAGES_ATTR = "hw.mma_stages"
MATMUL_MAPS = ["affine_map<(d0, d1, d2) -> (d0, d2)>", "affine_map<(d0, d1, d2) -> (d2, d1)>",
               "affine_map<(d0, d1, d2) -> (d0, d1)>"]


def map_contraction(kernel: KernelOp, target, precision: str = "tf32") -> ParallelOp | None:
    """The tensor-core `hw` form of ``kernel`` (which is replaced), or None."""
    found = _match(kernel)
    if found is None:
        return None
    a, b, fill = found
    *batch, m, n, k = kernel.space
    if batch and kernel.tile_sizes[0] != 1:
        return None
    dtype = str(ir.RankedTensorType(a.type).element_type)
    p = plan(m, n, k, dtype, target, batch=batch[0] if batch else 1, precision=precision,
             block=tuple(kernel.tile_sizes[-3:-1]))
    if p is None:
        return None
    return _build(kernel, p, a, b, fill)


def _match(kernel: KernelOp):
    """(A, B, the init's fill) of a plain (batched) matmul kernel with a supported epilogue:
    space ``([b,] m, n, k)``, A loaded at ``([b,] m, k)``, B at ``([b,] k, n)``."""
    nb = len(kernel.space) - 3
    if nb not in (0, 1) or list(kernel.iterators) != ["parallel"] * (2 + nb) + ["reduction"] \
            or list(kernel.outs_indexing) != list(range(2 + nb)) or len(kernel.inits) != 1:
        return None
    # the fill may be shared (CSE merges the zero fills of same-shaped kernels): each block
    # fills its own accumulator, into a tensor of the kernel's own (fill_destination)
    fill = defining_op(kernel.inits[0])
    if fill is None or fill.name != "linalg.fill" or float_constant(fill.operands[0]) is None:
        return None
    body = kernel.operation.regions[0].blocks[0]
    ops = [o.operation for o in body.operations]
    if len(ops) != 4 or ops[2].name != "linalg.matmul" or ops[3].name != TERMINATOR:
        return None
    args = list(body.arguments)
    mm = ops[2]
    maps = [str(x) for x in ir.ArrayAttr(mm.attributes["indexing_maps"])] \
        if "indexing_maps" in mm.attributes else MATMUL_MAPS
    loads = [defining_op(v) for v in list(mm.operands)[:2]]
    if maps != MATMUL_MAPS or mm.operands[2] != args[-1] or ops[3].operands[0] != mm.results[0] \
            or any(ld is None or not isinstance(ld.opview, LoadOp) for ld in loads):
        return None
    la, lb = (ld.opview for ld in loads)
    lead, (i, j, k) = args[:nb], args[nb:nb + 3]
    if list(la.offsets) != lead + [i, k] or list(lb.offsets) != lead + [k, j]:
        return None
    ins = {str(ir.RankedTensorType(v.type).element_type) for v in (la.source, lb.source)}
    init = str(ir.RankedTensorType(kernel.inits[0].type).element_type)
    fused = bool(list(kernel.operation.regions[1].blocks))
    # the same input types; an f32 (wider) accumulator for f16 inputs is the graph lowering's
    if len(ins) != 1 or init not in ins | {"f32"} or (fused and (nb or ins | {init} != {"f32"})) \
            or not epi.supported(kernel):
        return None
    return la.source, lb.source, fill


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _slice(source, offsets, sizes, rank: int = 2) -> ir.Value:
    """A static-size slice; its type keeps the last ``rank`` dims (unit leading dims
    dropped)."""
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    element = ir.RankedTensorType(source.type).element_type
    offsets = [_index(o) if isinstance(o, int) else o for o in offsets]
    return tensor.ExtractSliceOp(ir.RankedTensorType.get(sizes[-rank:], element), source,
                                 offsets, [], [], [dyn] * len(sizes), sizes,
                                 [1] * len(sizes)).result


def _build(kernel: KernelOp, p: MmaPlan, a, b, fill) -> ParallelOp:
    bm, bn, bk = p.block
    lead = [1] if p.batch > 1 or len(kernel.space) == 4 else []
    with ir.InsertionPoint(kernel), kernel.location:
        dest = fill_destination(fill, kernel.inits[0])
        par = ParallelOp([dest.type], [dest], upper_bounds=[p.batch] * len(lead) + [p.m, p.n],
                         steps=lead + [bm, bn],
                         mapping=["block_z"] * len(lead) + ["block_y", "block_x"])
        par.operation.attributes[STAGES_ATTR] = ir.IntegerAttr.get(
            ir.IntegerType.get_signless(64), p.stages)
        block = par.operation.regions[0].blocks.append(
            *[ir.IndexType.get()] * (2 + len(lead)), dest.type)
        with ir.InsertionPoint(block):
            *ivs, out = block.arguments
            z, (i, j) = ivs[:len(lead)], ivs[len(lead):]
            acc = linalg.fill(fill.operands[0], outs=[_slice(out, ivs, lead + [bm, bn])])
            loop = scf.ForOp(_index(0), _index(p.k), _index(bk), [acc])
            with ir.InsertionPoint(loop.body):
                k = loop.induction_variable
                ta = _slice(a, z + [i, k], lead + [bm, bk])
                tb = _slice(b, z + [k, j], lead + [bk, bn])
                scf.YieldOp([_warps(p, ta, tb, loop.inner_iter_args[0])])
            final = epi.inline(kernel, [i, j], loop.results[0])
            if lead:
                final = tensor.ExpandShapeOp(ir.RankedTensorType.get(
                    [1, bm, bn], ir.RankedTensorType(final.type).element_type), final,
                    _reassociation([[0, 1], [2]]), [], [1, bm, bn]).result
            ir.Operation.create(TERMINATOR, operands=[final, *ivs])
    kernel.operation.results[0].replace_all_uses_with(par.operation.results[0])
    kernel.operation.erase()
    if not list(fill.results[0].uses):
        fill.erase()
    return par


def _reassociation(groups) -> ir.ArrayAttr:
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in g])
                             for g in groups])


def _warps(p: MmaPlan, ta, tb, acc) -> ir.Value:
    bm, bn, bk = p.block
    wm, wn = p.warp_tile
    warps = ParallelOp([acc.type], [acc], upper_bounds=[bm, bn], steps=[wm, wn],
                       mapping=["thread_y", "thread_x"])
    block = warps.operation.regions[0].blocks.append(ir.IndexType.get(), ir.IndexType.get(),
                                                     acc.type)
    with ir.InsertionPoint(block):
        wi, wj, cw = block.arguments
        tile = MicrokernelOp(_slice(ta, [wi, 0], [wm, bk]), _slice(tb, [0, wj], [bk, wn]),
                             _slice(cw, [wi, wj], [wm, wn]), mr=p.mma[0], nr=p.mma[1])
        ir.Operation.create(TERMINATOR, operands=[tile.result, wi, wj])
    return warps.operation.results[0]
