"""``aic-convert-tiled-to-hw``: map tile programs onto the target.

Recipe, per `tiled.kernel`: the parallel tile loop becomes one `hw.parallel` (mapped to
`core` on a CPU target, `block_*` on CUDA) whose destinations are the kernel's inits; inside,
the accumulator tile is sliced from the destination (an init that is a `linalg.fill` of a
scalar: each tile fills its own slice, and the destination is the fill's tensor, or a new
`tensor.empty` when other ops use the fill too), the reduction tiles become `scf.for`
loops carrying it, the body and then the epilogue are moved in, and the final tile is
yielded at the tile's offsets (expanded back to full rank when rank-reduced). `tiled.load`
becomes `tensor.extract_slice`, and a 2-D `linalg.matmul` of one float type (or `i32`/`i64`,
and `i16` operands into `i32`, on a CPU target; f16 operands into f32 on CUDA) on tiles becomes
`hw.microkernel` with the target's register tile (nr: a whole-register divisor of the tile's
columns, else full registers with a masked last panel -- never narrow vectors; mr on a CPU:
``tiling.microkernel_rows``, 12 with AVX-512, at most the tile's rows and not necessarily a
divisor of them -- ``aic-hw-vectorize`` makes the rest smaller register tiles); on a CPU
target, a micro-kernel whose B tile is a slice of a constant reads that constant packed at
compile time into its column panels, and a run-time B that several row tiles read is packed
once per call by a kernel of its own (``tiled_to_hw_lib.prepack``); a convolution's patch
copy left by ``aic-convert-linalg-to-tiled`` is never built: each micro-kernel reading it gets
its B block's panels read from the image (``tiled_to_hw_lib.im2col_pack``, implicit GEMM), and
a copy no micro-kernel reads becomes a patch-matrix kernel. After this pass no tiled op
remains.
Precondition: verified tiled IR (checked per kernel: an invalid one is a pass error, never IR
that makes MLIR abort). A missing `hw.target` means `cpu-generic`.
"""

from __future__ import annotations

from aic import targets, timing
from aic.dialects.hw import TERMINATOR, MicrokernelOp, ParallelOp, enclosing_target
from aic.dialects.tiled import KernelOp, LoadOp, tiling
from aic.dialects.tiled.shapes import static_shape
from aic.errors import PassError
from aic.mlir_api import arith, ir, linalg, scf, tensor
from aic.pass_base import Pass, option, register_pass
from aic.passes.conversions.tiled_to_hw_lib.cuda_contraction import map_contraction
from aic.passes.conversions.tiled_to_hw_lib import fill_destination, im2col_pack
from aic.passes.conversions.tiled_to_hw_lib.prepack import prepack_b
from aic.passes.hw.mma_lib.plan import IM2COL_ATTR, PRECISIONS
from aic.passes.memref.lower_microkernels_lib import is_pairs
from aic.verify import require_valid, scalar_fill, walk


@register_pass
class ConvertTiledToHw(Pass):
    """Lower tiled.kernel to hw.parallel + scf.for + hw.microkernel on tensor slices.

    Options: `gpu-precision` -- `tf32` (default: f32 matmuls on TF32 tensor cores) or `f32`
    (no tensor cores for f32); CUDA targets only. On a CUDA target a matmul kernel that
    tensor cores can run is mapped by ``tiled_to_hw_lib.cuda_contraction.map_contraction``.
    """

    NAME = "aic-convert-tiled-to-hw"
    gpu_precision: str = option("tf32", "CUDA f32 matmuls: tf32 (tensor cores) or f32")

    def run(self, op):
        try:
            target = enclosing_target(op) or targets.resolve("cpu-generic")
        except ValueError as e:
            raise PassError(f"invalid hw.target: {e}", op) from None
        if self.gpu_precision not in PRECISIONS:
            raise PassError(f"gpu-precision must be one of {', '.join(PRECISIONS)}, "
                            f"got '{self.gpu_precision}'", op)
        kernels = [k for k in walk(op) if isinstance(k, KernelOp)]
        for kernel in kernels:
            require_valid(kernel)
        for kernel in timing.counted(kernels, "kernels"):
            parallel = None
            if target.kind == "cuda":
                parallel = map_contraction(kernel, target, self.gpu_precision)
            parallel = parallel or _lower_kernel(kernel, target)
            for child in list(walk(parallel.operation)):
                if isinstance(child, LoadOp):
                    _lower_load(child)
            for child in list(walk(parallel.operation)):
                if child.operation.name == "linalg.matmul":
                    _to_microkernel(child, target)
        if target.kind == "cpu":
            prepack_b(op)
            im2col_pack.lower_remaining(op, target.lanes_f32)


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def slice_of(source, offsets, sizes, result_type) -> ir.Value:
    """tensor.extract_slice with dynamic offsets, static sizes, unit strides."""
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    rank = len(sizes)
    return tensor.ExtractSliceOp(result_type, source, list(offsets), [], [], [dyn] * rank,
                                 list(sizes), [1] * rank).result


def _mapping(target, n: int) -> list[str]:
    if target.kind == "cuda":
        return ["block_x", "block_y", "block_z"][:n] + ["sequential"] * max(0, n - 3)
    return ["core"] * n


def _lower_kernel(kernel: KernelOp, target) -> ParallelOp:
    par = kernel.parallel_dims()
    space, sizes = kernel.space, kernel.tile_sizes
    fills = [_scalar_fill(i) for i in kernel.inits]
    with ir.InsertionPoint(kernel), kernel.location:
        inits = [i if f is None else fill_destination(f, i) for f, i in zip(fills, kernel.inits)]
        p = ParallelOp([i.type for i in inits], inits, upper_bounds=[space[d] for d in par],
                       steps=[sizes[d] for d in par], mapping=_mapping(target, len(par)))
        block = p.operation.regions[0].blocks.append(
            *([ir.IndexType.get()] * len(par)), *[i.type for i in inits])
        with ir.InsertionPoint(block):
            offsets = {d: block.arguments[i] for i, d in enumerate(par)}
            body = kernel.operation.regions[0].blocks[0]
            accs = []
            for dest, dims, arg, fill in zip(block.arguments[len(par):], kernel.init_dims(),
                                             body.arguments[len(space):], fills):
                acc = slice_of(dest, [offsets[d] for d in dims], [sizes[d] for d in dims],
                               arg.type)
                # a filled init: each tile fills its own accumulator (no pass over the
                # whole tensor before the kernel, no read of it in the tile)
                accs.append(acc if fill is None else
                            linalg.fill(fill.operands[0], outs=[acc]))
            accs = _reduction_loops(kernel, body, offsets, accs)
            accs = _inline_epilogue(kernel, par, offsets, accs)
            tiles = [_full_rank(a, i.type, [sizes[d] for d in dims])
                     for a, i, dims in zip(accs, inits, kernel.init_dims())]
            flat = [offsets[d] for dims in kernel.init_dims() for d in dims]
            ir.Operation.create(TERMINATOR, operands=tiles + flat)
    if IM2COL_ATTR in kernel.operation.attributes:  # for aic-hw-lower-mma (implicit GEMM)
        p.operation.attributes[IM2COL_ATTR] = kernel.operation.attributes[IM2COL_ATTR]
    for old, new in zip(kernel.operation.results, p.operation.results):
        old.replace_all_uses_with(new)
    kernel.operation.erase()
    for fill in fills:
        if fill is not None and not list(fill.results[0].uses):
            fill.erase()
    return p


def _scalar_fill(init: ir.Value) -> ir.Operation | None:
    """The `linalg.fill` (of a scalar) producing ``init``: when this kernel is its only user,
    or when ``init`` has a static shape (the kernel then gets a tensor of its own)."""
    op = scalar_fill(init)
    if op is None:
        return None
    if len(list(init.uses)) != 1 and static_shape(init.type) is None:
        return None
    return op


def _move_block(block, into, replacements) -> list[ir.Value]:
    """Move ``block``'s ops (not its terminator) to the end of ``into``; returns the yields."""
    for arg, new in zip(block.arguments, replacements):
        arg.replace_all_uses_with(new)
    ops = list(block.operations)
    for o in ops[:-1]:
        into.append(o.operation)
    return list(ops[-1].operation.operands)


def _reduction_loops(kernel, body, offsets, accs) -> list[ir.Value]:
    red = kernel.reduction_dims()
    if not red:
        dims = [offsets[d] for d in range(len(kernel.space))]
        return _move_block(body, ir.InsertionPoint.current.block, dims + accs)
    return _loop_nest(kernel, body, offsets, red, accs)


def _loop_nest(kernel, body, offsets, dims, accs) -> list[ir.Value]:
    """One scf.for per reduction dim (outermost first) carrying the accumulators."""
    d = dims[0]
    loop = scf.ForOp(_index(0), _index(kernel.space[d]), _index(kernel.tile_sizes[d]), accs)
    offsets[d] = loop.induction_variable
    inner = list(loop.inner_iter_args)
    with ir.InsertionPoint(loop.body):
        if len(dims) > 1:
            values = _loop_nest(kernel, body, offsets, dims[1:], inner)
        else:
            all_offsets = [offsets[i] for i in range(len(kernel.space))]
            values = _move_block(body, loop.body, all_offsets + inner)
        scf.YieldOp(values)
    return list(loop.results)


def _inline_epilogue(kernel, par, offsets, accs) -> list[ir.Value]:
    blocks = list(kernel.operation.regions[1].blocks)
    if not blocks:
        return accs
    return _move_block(blocks[0], ir.InsertionPoint.current.block,
                       [offsets[d] for d in par] + accs)


def _full_rank(tile: ir.Value, out_type, sizes: list[int]) -> ir.Value:
    if ir.RankedTensorType(tile.type).rank == len(sizes):
        return tile
    groups, current = [], []
    for i, s in enumerate(sizes):
        current.append(i)
        if s != 1:
            groups.append(current)
            current = []
    if current:
        groups[-1] += current
    element = ir.RankedTensorType(out_type).element_type
    full = ir.RankedTensorType.get(sizes, element)
    reassoc = ir.ArrayAttr.get([ir.ArrayAttr.get(
        [ir.IntegerAttr.get(ir.IntegerType.get_signless(64), i) for i in g]) for g in groups])
    return tensor.ExpandShapeOp(full, tile, reassoc, [], sizes).result


def _lower_load(load: LoadOp) -> None:
    with ir.InsertionPoint(load), load.location:
        new = slice_of(load.source, list(load.offsets), load.sizes, load.tile.type)
    load.tile.replace_all_uses_with(new)
    load.operation.erase()


def _to_microkernel(op, target) -> None:
    a, b, c = list(op.operation.operands)
    types = [ir.RankedTensorType(v.type) for v in (a, b, c)]
    if any(t.rank != 2 or static_shape(t) is None for t in types):
        return
    elements = ("f16", "bf16", "f32", "f64") + (("i32", "i64") if target.kind == "cpu" else ())
    found = [str(t.element_type) for t in types]
    pairs = target.kind == "cpu" and target.isa == "avx512" and found[1] == "i16" \
        and is_pairs(a.type, c.type)  # linalg_to_tiled_lib.pairs (vpmaddwd)
    if not pairs and (len(set(found)) != 1 or found[0] not in elements):
        return
    attrs = op.operation.attributes
    maps = [str(m) for m in ir.ArrayAttr(attrs["indexing_maps"])] if "indexing_maps" in attrs \
        else None
    if maps is not None and maps != ["affine_map<(d0, d1, d2) -> (d0, d2)>",
                                     "affine_map<(d0, d1, d2) -> (d2, d1)>",
                                     "affine_map<(d0, d1, d2) -> (d0, d1)>"]:
        return
    mr, nr = tiling.register_tile(target)
    m, n = types[2].shape
    lanes = max(nr // 2, 1)
    cols = tiling.vector_divisor(n, nr, lanes)
    if cols % lanes:  # no whole-register divisor: full registers, the last one masked
        cols = min(nr, -(-n // lanes) * lanes)
    if target.kind == "cpu":  # row groups that mr does not divide are smaller tiles
        mr = min(m, tiling.microkernel_rows(target, types[2].element_type.width))
    else:
        mr = tiling.largest_divisor(m, mr)
    with ir.InsertionPoint(op), op.location:
        new = MicrokernelOp(a, b, c, mr=mr, nr=cols)
    op.operation.results[0].replace_all_uses_with(new.result)
    op.operation.erase()


