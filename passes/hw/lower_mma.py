"""``aic-hw-lower-mma``: tensor-core contraction blocks of a CUDA `hw` program -> gpu kernels.

Precondition: a CUDA ``hw.target``; the contraction blocks are those
``aic-convert-tiled-to-hw`` made (``tiled_to_hw_lib.cuda_contraction``): a `hw.parallel`
with ``block_y, block_x`` mapping and ``hw.mma_stages``, whose body fills the accumulator
with a constant, runs an ``scf.for`` k loop over A/B slices and a warp-level `hw.parallel` of
`hw.microkernel`s, then an element-wise epilogue. Each becomes:

* a `gpu.module` holding the kernel of its ``MmaPlan`` (``mma_lib.kernel``: shared stage
  buffers, cp.async double buffering, ldmatrix / TF32 fragment loads, ``nvgpu.mma.sync``,
  the epilogue fused on the accumulators) -- the module gets ``gpu.container_module``;
  blocks with the same plan and epilogue (repeated layers) launch one kernel;
* in its place on the host: ``bufferization.to_buffer`` of A, B and the epilogue's
  tensors, a ``memref.alloc`` for C, ``gpu.launch_func`` and ``bufferization.to_tensor``;
* implicit GEMM: when B (f32, unbatched) is the patch matrix of a convolution's patch copy
  marked ``aic.im2col`` (``aic-convert-linalg-to-tiled`` on CUDA), the kernel reads B from
  the copy's image instead (``mma_lib.plan.Im2col``; through a zero spatial `tensor.pad`, to
  its source, the padding read as zeros) and the copy (and pad) is erased once nothing else
  reads it.

An f32 A or B that is a constant (a weight, a convolution's filter) is rounded to TF32 here,
into a new constant (``_prepare_constants``; ``cvt.rna``'s rounding, ``mma_lib.tf32``), and the
kernel loads it without rounding (``MmaPlan.rounded``).

On sm_90 targets a block whose plan has a wgmma form (``mma_lib.wgmma.warpgroup_plan``: f32,
whole 64-row warpgroups) gets the warpgroup kernel (``wgmma.mma_async`` from shared-memory
descriptors) instead -- a constant B passed transposed (n x k, ``MmaPlan.b_kmajor``);
``warpgroup=false`` keeps mma.sync there too.

Other `hw` ops are left alone (the generic CUDA lowering handles them). Options:
``warpgroup`` (default true).
A block of the wrong shape is an error (it was made for this pass).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from aic.dialects.graph.constants import elements_attr, holder_array
from aic.dialects.hw import MicrokernelOp, ParallelOp, enclosing_target
from aic.errors import PassError
from aic.mlir_api import arith, bufferization, gpu, ir, memref
from aic.pass_base import Pass, option, register_pass
from aic.passes.conversions.linalg_to_tiled_lib.window import spatial_pad
from aic.passes.conversions.tiled_to_hw_lib.cuda_contraction import STAGES_ATTR
from aic.passes.hw.mma_lib import epilogue as epi
from aic.passes.hw.mma_lib.kernel import SyncKernel, emit_kernel, types
from aic.passes.hw.mma_lib.plan import IM2COL_ATTR, STATIC_SMEM, Im2col, MmaPlan, mma_shape
from aic.passes.hw.mma_lib.tf32 import tf32_round
from aic.passes.hw.mma_lib.wgmma import WarpgroupKernel, warpgroup_plan
from aic.verify import defining_op, float_constant, walk


@register_pass
class LowerMma(Pass):
    """Lower tensor-core contraction blocks (hw) to gpu.launch_func + nvgpu kernels."""

    NAME = "aic-hw-lower-mma"
    warpgroup: bool = option(True, "sm_90: wgmma kernels where the plan allows (false: "
                             "mma.sync everywhere)")

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
        kernels: dict[str, str] = {}  # kernel text -> its gpu.func's name
        for block in blocks:
            _lower(block, kernels, top, target.sm if self.warpgroup else 0)


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


def _lower(block: ParallelOp, kernels: dict[str, str], top, sm: int) -> None:
    """Replace ``block`` by the launch of its kernel (``sm``: the warpgroup kernel from 90;
    0: never)."""
    fill, loop, after, warps, tile = _parts(block)
    body = block.operation.regions[0].blocks[0]
    ivs = list(body.arguments)[:-1]
    a, b = _operands(loop, ivs)
    batched = len(ivs) == 3
    if batched and after and after[-1].name == "tensor.expand_shape":
        after = after[:-1]  # the 2-D tile back to 1 x bm x bn
    init = float_constant(fill.operands[0])
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
    patches = None if batched or dtype != "f32" else _patch_copy(b, k, n)
    out = str(ir.RankedTensorType(block.results[0].type).element_type)
    plan = MmaPlan(m, n, k, lead[0] if lead else 1, dtype, (bm, bn, _step(loop)),
                   (bm // wm, bn // wn), mma_shape(dtype),
                   ir.IntegerAttr(block.operation.attributes[STAGES_ATTR]).value, batched,
                   patches[0] if patches else None, out="" if out == dtype else out)
    if (tile.mr, tile.nr) != plan.mma[:2]:
        raise PassError(f"hw.microkernel {tile.mr}x{tile.nr} is not the {dtype} mma shape", tile)
    kernel = SyncKernel
    warpgroup = warpgroup_plan(plan, sm)
    if warpgroup is not None:  # sm_90: the same block tile, on wgmma
        plan, kernel = warpgroup, WarpgroupKernel
    if plan.smem_bytes > STATIC_SMEM:
        raise PassError(f"the stage buffers need {plan.smem_bytes} B of shared memory, over "
                        f"the {STATIC_SMEM} B of static shared memory", block)
    ins = [a, patches[1] if patches else b]
    if dtype == "f32":  # constant operands rounded to TF32 now (B transposed for wgmma)
        ins, plan, replaced = _prepare_constants(ins, plan, patches is None)
    else:
        replaced = []
    text = emit_kernel(plan, "aic_mma", epilogue, kernel)
    name = kernels.get(text)
    if name is None:  # same plan and epilogue (a repeated layer): launch the same kernel
        name = kernels[text] = f"aic_mma_{len(kernels)}"
        module = ir.Module.parse(emit_kernel(plan, name, epilogue, kernel))
        for op in list(module.body.operations):
            top.regions[0].blocks[0].append(op.operation)
    _launch(block, plan, name, ins, sources)
    if patches:
        _erase_unused(patches[2])
    _erase_unused(replaced)  # the constants before rounding, once nothing else reads them


def _prepare_constants(ins: list[ir.Value], plan: MmaPlan, with_b: bool):
    """A and B (``with_b``: B is not an image) that are f32 constants with their data in the
    IR, rounded to TF32 now as the kernel's ``cvt.rna.tf32.f32`` would (so the kernel skips
    that), B transposed to ``n x k`` for the warpgroup kernel (its TF32 B is K-major); the
    new inputs, the plan and the constant ops replaced."""
    rounded, out, replaced = [False, False], list(ins), []
    for i, value in enumerate(ins[:2] if with_b else ins[:1]):
        op = defining_op(value)
        array = holder_array(op, value.type) if op is not None \
            and op.name == "arith.constant" else None
        if array is None:
            continue
        array = tf32_round(array)
        if i == 1 and plan.warpgroup:
            array = np.ascontiguousarray(np.swapaxes(array, -1, -2))
        t = ir.RankedTensorType.get(list(array.shape), ir.F32Type.get())
        with ir.InsertionPoint(op), op.location:
            out[i] = arith.ConstantOp(t, elements_attr(array, t)).result
        rounded[i] = True
        replaced.append(op)
    return out, replace(plan, rounded=tuple(rounded),
                        b_kmajor=rounded[1] and plan.warpgroup), replaced


def _patch_copy(b: ir.Value, k: int, n: int):
    """(Im2col, image, ops to erase once unused) when ``b`` is the patch matrix (possibly
    zero-padded to ``k x n``) of a convolution's patch copy marked ``IM2COL_ATTR``: a
    `hw.parallel` over ``1 x C x KH x KW x OH x OW`` whose tiles load one rank-4 image
    defined outside it; else None."""
    valid, erase = (k, n), []
    padding = _zero_pad(b)
    if padding is not None:  # padded to tiles (linalg_to_tiled_lib.pad): rows/columns of 0
        erase, b = [padding], padding.operands[0]
        valid = tuple(ir.RankedTensorType(b.type).shape)
    collapse = defining_op(b)
    copy = defining_op(collapse.operands[0]) if collapse is not None \
        and collapse.name == "tensor.collapse_shape" else None
    if copy is None or copy.name != ParallelOp.OPERATION_NAME \
            or IM2COL_ATTR not in copy.attributes:
        return None
    images = _captured(copy, rank=4)
    if len(images) != 1:
        return None
    image, erase = images[0], erase + [collapse, copy]
    attr = ir.DictAttr(copy.attributes[IM2COL_ATTR])
    geometry = {name: tuple(ir.DenseI64ArrayAttr(attr[name]))
                for name in ("pads", "strides", "dilations")}
    pad = spatial_pad(image)
    if pad is not None and float_constant(pad.value) == 0:  # read the source, zeros in the padding
        geometry["pads"] = tuple(p + q for p, q in zip(geometry["pads"], pad.low))
        image = pad.source
        erase.append(defining_op(images[0]))
    _, c, h, w = ir.RankedTensorType(image.type).shape
    _, cp, kh, kw, oh, ow = ir.RankedTensorType(copy.results[0].type).shape
    found = Im2col((c, h, w), (kh, kw), (oh, ow), **geometry)
    if cp != c or (found.rows, found.columns) != valid:
        return None
    return found, image, erase


def _zero_pad(value: ir.Value) -> ir.Operation | None:
    """The `tensor.pad` making ``value`` when it only appends zeros (static high pads)."""
    op = defining_op(value)
    if op is None or op.name != "tensor.pad" or len(op.operands) != 1 \
            or any(ir.DenseI64ArrayAttr(op.attributes["static_low"])):
        return None
    body = list(op.regions[0].blocks[0].operations)
    return op if float_constant(body[-1].operands[0]) == 0 else None


def _captured(op, rank: int) -> list[ir.Value]:
    """The tensors of ``rank`` that ops inside ``op`` read but that are defined outside it."""
    inside, found = set(), []
    for o in [op, *(c.operation for c in walk(op))]:
        for region in o.regions:
            for blk in region.blocks:
                inside.update(blk.arguments)
        if o != op:
            inside.update(o.results)
    for o in walk(op):
        for v in o.operation.operands:
            t = v.type
            if v not in inside and v not in found and isinstance(t, ir.RankedTensorType) \
                    and t.rank == rank:
                found.append(v)
    return found


def _erase_unused(ops: list) -> None:
    """Erase ``ops`` (users first) once nothing reads their results."""
    for o in ops:
        if all(not list(r.uses) for r in o.results):
            o.erase()


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
