"""``aic-hw-lower-mma``: tensor-core contraction blocks of a CUDA `hw` program -> gpu kernels.

Precondition: a CUDA ``hw.target``; the contraction blocks are those
``aic-convert-tiled-to-hw`` made (``tiled_to_hw_lib.cuda_contraction``): a `hw.parallel`
with ``block_y, block_x`` mapping and ``hw.mma_stages``, whose body fills the accumulator
with a constant, runs an ``scf.for`` k loop over A/B slices and a warp-level `hw.parallel` of
`hw.microkernel`s, then an element-wise epilogue. Each becomes:

* a `gpu.module` holding the kernel of its ``MmaPlan`` (``mma_lib.kernel``: shared stage
  buffers, cp.async double buffering, ldmatrix / TF32 fragment loads, ``nvgpu.mma.sync``,
  the epilogue fused on the accumulators) -- the module gets ``gpu.container_module``;
* in its place on the host: ``bufferization.to_buffer`` of A, B and the epilogue's
  tensors, a ``memref.alloc`` for C, ``gpu.launch_func`` and ``bufferization.to_tensor``.

Other `hw` ops are left alone (the generic CUDA lowering handles them). Options: none.
A block of the wrong shape is an error (it was made for this pass).
"""

from __future__ import annotations

from aic.dialects.hw import MicrokernelOp, ParallelOp, enclosing_target
from aic.errors import PassError
from aic.mlir_api import arith, bufferization, gpu, ir, memref
from aic.pass_base import Pass, register_pass
from aic.passes.conversions.tiled_to_hw_lib.cuda_contraction import STAGES_ATTR
from aic.passes.hw.mma_lib import epilogue as epi
from aic.passes.hw.mma_lib.kernel import emit_kernel, types
from aic.passes.hw.mma_lib.plan import STATIC_SMEM, MmaPlan, mma_shape
from aic.verify import defining_op, walk


@register_pass
class LowerMma(Pass):
    """Lower tensor-core contraction blocks (hw) to gpu.launch_func + nvgpu kernels."""

    NAME = "aic-hw-lower-mma"

    def run(self, op):
        blocks = [p for p in walk(op) if isinstance(p, ParallelOp)
                  and STAGES_ATTR in p.operation.attributes]
        if not blocks:
            return
        target = enclosing_target(blocks[0])
        if target is None or target.kind != "cuda":
            raise PassError("aic-hw-lower-mma needs a cuda hw.target", op)
        top = op.operation
        top.attributes["gpu.container_module"] = ir.UnitAttr.get()
        for n, block in enumerate(blocks):
            _lower(block, f"aic_mma_{n}", top)


def _parts(block: ParallelOp):
    """(fill, loop, epilogue ops, warp parallel, microkernel) of a contraction block."""
    body = block.operation.regions[0].blocks[0]
    ops = [o.operation for o in body.operations]
    loops = [o for o in ops if o.name == "scf.for"]
    fills = [o for o in ops if o.name == "linalg.fill"]
    if len(loops) != 1 or len(fills) != 1:
        raise PassError("a contraction block needs one linalg.fill and one scf.for", block)
    loop = loops[0]
    after = ops[ops.index(loop) + 1:-1]
    warps = [o for o in loop.regions[0].blocks[0].operations if isinstance(o, ParallelOp)]
    tiles = [o for o in walk(warps[0].operation) if isinstance(o, MicrokernelOp)] if warps \
        else []
    if len(warps) != 1 or len(tiles) != 1:
        raise PassError("a contraction block's k loop needs one warp-level hw.parallel "
                        "holding one hw.microkernel", block)
    return fills[0], loop, [o for o in after if o.name != "arith.constant"], warps[0], tiles[0]


def _operands(loop, ivs):
    """A and B: the tensors sliced at ([b,] i, k) and ([b,] k, j) in the k loop."""
    k = loop.regions[0].blocks[0].arguments[0]
    *z, i, j = ivs
    found = {}
    for o in loop.regions[0].blocks[0].operations:
        o = o.operation
        if o.name == "tensor.extract_slice" and len(o.operands) == 3 + len(z):
            offsets = list(o.operands)[1:]
            if offsets == z + [i, k]:
                found["A"] = o.operands[0]
            elif offsets == z + [k, j]:
                found["B"] = o.operands[0]
    if len(found) != 2:
        raise PassError("a contraction block's k loop must slice A at (i, k) and B at (k, j)",
                        loop)
    return found["A"], found["B"]


def _lower(block: ParallelOp, name: str, top) -> None:
    fill, loop, after, warps, tile = _parts(block)
    body = block.operation.regions[0].blocks[0]
    ivs = list(body.arguments)[:-1]
    a, b = _operands(loop, ivs)
    batched = len(ivs) == 3
    if batched and after and after[-1].name == "tensor.expand_shape":
        after = after[:-1]  # the 2-D tile back to 1 x bm x bn
    init = epi.constant_of(fill.operands[0])
    found = epi.from_hw(after, loop.results[0], ivs[-2:])
    if init is None or found is None or (batched and after):
        raise PassError("a contraction block needs a constant init and an element-wise "
                        "epilogue (none when batched)", block)
    epilogue, sources = found
    epilogue.init = init
    generics = [o for o in after if o.name == "linalg.generic"]
    last = generics[-1].results[0] if generics else loop.results[0]
    yielded = list(body.operations)[-1].operation.operands[0]
    if batched:
        yielded = defining_op(yielded).operands[0] if defining_op(yielded) else yielded
    if yielded != last:
        raise PassError("a contraction block must yield its epilogue's last result", block)
    *lead, m, k = ir.RankedTensorType(a.type).shape
    n = ir.RankedTensorType(b.type).shape[-1]
    dtype = str(ir.RankedTensorType(a.type).element_type)
    bm, bn = block.steps[-2:]
    wm, wn = warps.steps
    plan = MmaPlan(m, n, k, lead[0] if lead else 1, dtype, (bm, bn, _step(loop)),
                   (bm // wm, bn // wn), mma_shape(dtype),
                   ir.IntegerAttr(block.operation.attributes[STAGES_ATTR]).value, batched)
    if plan.smem_bytes > STATIC_SMEM:
        raise PassError(f"the stage buffers need {plan.smem_bytes} B of shared memory, over "
                        f"the {STATIC_SMEM} B of static shared memory", block)
    if (tile.mr, tile.nr) != plan.mma[:2]:
        raise PassError(f"hw.microkernel {tile.mr}x{tile.nr} is not the {dtype} mma shape", tile)
    kernel = ir.Module.parse(emit_kernel(plan, name, epilogue))
    for op in list(kernel.body.operations):
        top.regions[0].blocks[0].append(op.operation)
    _launch(block, plan, name, [a, b], sources)


def _step(loop) -> int:
    return ir.IntegerAttr(defining_op(loop.operands[2]).attributes["value"]).value


def _launch(block: ParallelOp, plan: MmaPlan, name: str, ins, sources) -> None:
    ty = types(plan)
    with ir.InsertionPoint(block), block.location:
        buffers = [bufferization.ToBufferOp(ir.Type.parse(ty[n]), v, read_only=True).result
                   for n, v in zip("AB", ins)]
        for src in sources:
            t = ir.RankedTensorType(src.type)
            buffers.append(bufferization.ToBufferOp(
                ir.MemRefType.get(t.shape, t.element_type), src, read_only=True).result)
        out = memref.AllocOp(ir.Type.parse(ty["C"]), [], []).result
        gpu.LaunchFuncOp([f"{name}_module", name], tuple(_const(v) for v in plan.grid),
                         (_const(plan.threads), _const(1), _const(1)),
                         buffers[:2] + [out] + buffers[2:])
        result = bufferization.ToTensorOp(block.results[0].type, out, restrict=True,
                                          writable=True).result
    block.results[0].replace_all_uses_with(result)
    block.operation.erase()


def _const(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result
