"""``aic-convert-linalg-to-tiled``: form `tiled.kernel` ops from linalg ops on tensors.

Recipe: for each linalg op ``analyze`` accepts (matmul, batch_matmul, generic with projected
permutation maps; static shapes), choose tile sizes (``aic.dialects.tiled.tiling``), then
build one kernel: the body loads the operands' tiles with `tiled.load` and applies the same
op to the tiles (batch_matmul: batch tile 1, rank-reduced to a 2-D `linalg.matmul`); for a
contraction, the chain of elementwise `linalg.generic` consumers (result used once, as an
identity-mapped input, same type, output not read by the payload) moves into the epilogue.
On a CPU target an f16/bf16 matmul gets its operands widened to f32 first, so it runs on the
f32 micro-kernel (``linalg_to_tiled_lib.widen``), an i32 matmul whose operands fit i16 (the
centred 8-bit operands of quantized models) gets them narrowed to i16 for the pairs micro-kernel
(``linalg_to_tiled_lib.pairs``), and a narrow matmul with a constant A (1280
filters x 49 pixels) is computed transposed, ``C^T = X^T @ W^T``, the filters as columns
(``linalg_to_tiled_lib.narrow``).
On a CUDA target a matmul that no tensor-core block tile divides (N = 196 columns, K = 147)
is first padded with zeros to extents that tiles divide (``linalg_to_tiled_lib.pad``, the
result sliced back). A parallel dim whose tile size does not divide its extent
(``tiling.ragged``) is peeled first (``linalg_to_tiled_lib.peel``): the op and its chain
become two ops on slices, the full tiles and the remainder, each forming its own kernel.
Depthwise convolutions and 2-D pooling form sliding-window kernels
(``linalg_to_tiled_lib.window``; elementwise consumers fuse into their epilogue too).
An im2col patch copy forms a kernel of its own (``linalg_to_tiled_lib.patches``) unless, on a
CPU target, its patch matrix is only a matmul's B (``patches.defers_to_hw``): then it stays,
for ``aic-convert-tiled-to-hw`` to read the micro-kernels' B panels from the image. On a CUDA
target such a copy's kernel carries ``aic.im2col`` (its padding, strides and dilations), so
that ``aic-hw-lower-mma`` can read B from the image inside the tensor-core kernel.
Everything else (fill, empty, other convolutions, dynamic shapes) stays as it is.
"""

from __future__ import annotations

from collections import deque

from aic.dialects.hw import enclosing_target
from aic.dialects.tiled import PARALLEL, TERMINATOR, KernelOp, LoadOp, tiling
from aic.passes.conversions.linalg_to_tiled_lib.analysis import (BATCH_MATMUL, GENERIC, MATMUL,
                                                                   LinalgInfo, analyze)
from aic.dialects.tiled.shapes import tile_type
from aic.errors import PassError
from aic.mlir_api import arith, ir, linalg
from aic.pass_base import Pass, option, register_pass
from aic.passes.conversions.linalg_to_tiled_lib import (narrow, pad, pairs, patches, peel, rows,
                                                        widen, window)
from aic.passes.hw.mma_lib import plan as mma_plan
from aic.verify import defining_op, walk


@register_pass
class ConvertLinalgToTiled(Pass):
    """Form tiled.kernel ops (with fused elementwise epilogues) from linalg ops on tensors:
    matmul, batch_matmul, projected-permutation generics, depthwise conv and 2-D pooling.

    Options: `tile-sizes` (one size per iteration dim, aligned to the innermost dims;
    default: derived from the module's `hw.target`), `fuse-epilogue` (default true),
    `gpu-precision` (CUDA: `tf32`, the default, pads matmuls to tensor-core tiles; with `f32`
    no tensor cores run them, so none is padded).
    Precondition: a `hw.target` on the module (aic-hw-set-target) unless tile-sizes is given.
    """

    NAME = "aic-convert-linalg-to-tiled"
    tile_sizes: tuple[int, ...] = option((), "tile size per iteration dim (innermost aligned)")
    fuse_epilogue: bool = option(True, "fuse elementwise consumers into contraction and "
                                        "sliding-window kernels")
    gpu_precision: str = option("tf32", "CUDA f32 matmuls: tf32 (tensor cores: pad matmuls "
                                        "to their tiles) or f32")

    def run(self, op):
        try:
            target = enclosing_target(op)
        except ValueError as e:
            raise PassError(f"invalid hw.target: {e}", op) from None
        if target is None and not self.tile_sizes:
            raise PassError("no hw.target on the module: run aic-hw-set-target first or "
                            "give tile-sizes", op)
        if self.gpu_precision not in mma_plan.PRECISIONS:
            raise PassError(f"gpu-precision must be one of {', '.join(mma_plan.PRECISIONS)}, "
                            f"got '{self.gpu_precision}'", op)
        _form_row_groups(op, target, self.tile_sizes)
        names = (MATMUL, BATCH_MATMUL, GENERIC) + window.NAMES
        # Ops are tracked by a numbered tag, not by Python handle: a handle of an op that a
        # kernel absorbed (erased) must never be touched again, and two handles of one op need
        # not be the same object.
        pending = deque()
        for c in walk(op):
            if c.operation.name in names and not _inside_kernel(c):
                pending.append((c, {}, _tag(c, len(pending))))
        count, absorbed = len(pending), set()

        def absorb(ops) -> None:
            absorbed.update(_tag_of(o) for o in ops)

        while pending:
            candidate, fixed, tag = pending.popleft()
            if tag in absorbed:
                continue
            del candidate.operation.attributes[_TAG]
            copy = patches.analyze(candidate)
            if copy is not None and patches.defers_to_hw(copy, target):
                continue  # packed from the image by aic-convert-tiled-to-hw (implicit GEMM)
            if copy is not None:  # an im2col patch copy: a window kernel of its own
                space = copy.info.space
                rows = tiling.window(space[:2] + space[4:], target, self.tile_sizes)
                sizes = rows[:2] + space[2:4] + rows[2:]
                geometry = patches.implicit_gemm_attr(copy, sizes, target)
                kernel = _build_kernel(copy.info, [], sizes,
                                       lambda _, *a, p=copy: patches.tile_body(p, *a))
                if geometry is not None:  # the tensor-core kernel may read B from the image
                    kernel.operation.attributes[mma_plan.IM2COL_ATTR] = geometry
                window.erase_pad(copy.pad, copy.x)
                continue
            win = window.analyze(candidate)
            info = win.info if win else analyze(candidate)
            if info is None:
                continue
            rewrite = widen.widen if win is None and widen.applies(info, target) else \
                pairs.narrow if win is None and pairs.applies(info, target) else None
            if rewrite is not None:  # f16/bf16: the f32 micro-kernel; i32: the i16 pairs one
                for new in reversed(rewrite(info)):
                    pending.appendleft((new.opview, fixed, _tag(new, count)))
                    count += 1
                continue
            narrowed = narrow.narrow(info) if win is None and not self.tile_sizes \
                and narrow.applies(info, target) else None
            if narrowed is not None:  # computed transposed: its new ops are tiled next
                for new in reversed(narrowed):
                    pending.appendleft((new.opview, fixed, _tag(new, count)))
                    count += 1
                continue
            fusing = self.fuse_epilogue and (info.is_contraction or win is not None)
            chain = _epilogue_chain(info) if fusing else []
            absorb([c.op.operation for c in chain])
            if win is not None:
                sizes = tiling.window(info.space, target, self.tile_sizes)
                _build_kernel(info, chain, sizes, lambda _, *a, w=win: window.tile_body(w, *a))
                absorb(window.producers(win))
                window.erase_producers(win)
                continue
            extents = None if self.tile_sizes or self.gpu_precision == "f32" else \
                _mma_padding(info, target)
            if extents is not None:  # tensor-core tiles on the padded extents
                padded = pad.pad(info, chain, extents)
                pending.appendleft((padded, fixed, _tag(padded, count)))
                count += 1
                continue
            sizes = tiling.choose(info.space, info.iterators, target, self.tile_sizes)
            if info.name == MATMUL and not self.tile_sizes and _packed_per_call(info.inputs[1]):
                sizes = tiling.runtime_b_rows(info.space, sizes, target)
            elif info.name == MATMUL and not self.tile_sizes and _implicit_gemm(info.inputs[1],
                                                                                target):
                sizes = tiling.implicit_gemm(info.space, sizes, target)
            if info.name in (MATMUL, BATCH_MATMUL) and target is not None \
                    and target.kind == "cuda" and not self.tile_sizes:
                sizes = mma_plan.tile_sizes(info.space, target) or sizes  # tensor-core blocks
            sizes = [fixed.get(d, s) for d, s in enumerate(sizes)]
            ragged = tiling.ragged(info.space, sizes)
            if ragged and info.name in (MATMUL, BATCH_MATMUL) and peel.peelable(info, ragged[0]):
                # register-tile rows/columns: the full tiles and the remainder, tiled apart
                d = ragged[0]
                main = info.space[d] // sizes[d] * sizes[d]
                low, high = peel.peel(info, chain, d, main)
                pending.extendleft([(high, {**fixed, d: info.space[d] - main}, _tag(high, count)),
                                    (low, {**fixed, d: sizes[d]}, _tag(low, count + 1))])
                count += 2
                continue
            sizes = [s if e % s == 0 else tiling.largest_divisor(e, s)
                     for e, s in zip(info.space, sizes)]
            if pairs.is_pairs_matmul(info):  # whole k pairs per tile
                sizes[2] = pairs.even_divisor(info.space[2], sizes[2])
            _build_kernel(info, chain, sizes, _tile_op)
        for o in walk(op):  # clones of absorbed ops carried their tags along
            if _TAG in o.operation.attributes:
                del o.operation.attributes[_TAG]


_TAG = "aic.tiling_candidate"


def _mma_padding(info: LinalgInfo, target) -> list[int] | None:
    """On a CUDA target, the padded extents of a static `linalg.matmul` that no tensor-core
    block tile divides (``mma_plan.padded_extents``); None otherwise."""
    if info.name != MATMUL or getattr(target, "kind", None) != "cuda" \
            or any(ir.ShapedType.is_dynamic_size(e) for e in info.space):
        return None
    element = str(ir.RankedTensorType(info.init.type).element_type)
    return mma_plan.padded_extents(*info.space, element, target)


def _packed_per_call(b: ir.Value) -> bool:
    """Whether a matmul's B is a run-time matrix its micro-kernels pack on every call: not a
    constant (packed at compile time) nor a convolution's patch matrix (read from the image,
    implicit GEMM), looking through reshapes."""
    op = defining_op(b)
    while op is not None and op.name in ("tensor.collapse_shape", "tensor.expand_shape"):
        op = defining_op(op.operands[0])
    if op is None:
        return True  # a function argument
    return op.name != "arith.constant" and patches.analyze(op.opview) is None


def _implicit_gemm(b: ir.Value, target) -> bool:
    """Whether a matmul's B is a convolution's patch matrix that ``aic-convert-tiled-to-hw``
    reads from the image (implicit GEMM)."""
    op = defining_op(b)
    while op is not None and op.name in ("tensor.collapse_shape", "tensor.expand_shape"):
        op = defining_op(op.operands[0])
    copy = patches.analyze(op.opview) if op is not None else None
    return copy is not None and patches.defers_to_hw(copy, target)


def _tag(op, number: int) -> int:
    op.operation.attributes[_TAG] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), number)
    return number


def _tag_of(op: ir.Operation) -> int | None:
    attrs = op.attributes
    return ir.IntegerAttr(attrs[_TAG]).value if _TAG in attrs else None


def _form_row_groups(op, target, user_sizes) -> None:
    """Softmax / norm row groups (``linalg_to_tiled_lib.rows``), roots last-first, before
    any other kernel takes their members: in functions and in the loops inside them (the
    chunk loops of ``aic-linalg-chunk-dynamic``)."""
    for block in _blocks_with_generics(op):
        ops = [o.operation for o in block.operations]
        position = {o: i for i, o in enumerate(ops)}
        done: set[int] = set()
        for i in range(len(ops) - 1, -1, -1):
            if i in done or ops[i].name != GENERIC:
                continue
            root = analyze(ops[i].opview)
            group = rows.grow(root, position) if rows.root_space(root) else None
            if group is None:
                continue
            done.update(position[m.op.operation] for m in group)
            _build_row_group(group, target, user_sizes)


def _blocks_with_generics(op) -> list:
    """The blocks that hold a linalg.generic outside kernels, in walk order."""
    blocks = []
    for o in walk(op):
        if o.operation.name != GENERIC or _inside_kernel(o):
            continue
        block = o.operation.block
        if not any(block == b for b in blocks):
            blocks.append(block)
    return blocks


def _build_row_group(group: list[LinalgInfo], target, user_sizes) -> None:
    root = group[-1]
    sizes = tiling.choose(root.space, root.iterators, target, user_sizes)
    if getattr(target, "kind", None) == "cuda" and not user_sizes:
        sizes = [1] * (len(sizes) - 1) + sizes[-1:]  # a block per row (aic-hw-split-reductions)
    sizes[-1] = root.space[-1]  # whole rows
    sizes = [s if e % s == 0 else tiling.largest_divisor(e, s)
             for e, s in zip(root.space, sizes)]
    element = ir.RankedTensorType(root.init.type).element_type
    acc_type = tile_type(sizes, element)
    loc = ir.Location.fused([m.op.location for m in group])
    with ir.InsertionPoint(root.op), loc:
        kernel = KernelOp([root.init.type], [root.init], space=root.space, tile_sizes=sizes,
                          iterators=root.iterators, outs_indexing=root.maps[-1],
                          kind="rows:" + "+".join(_member_kind(m) for m in group))
        body = kernel.operation.regions[0].blocks.append(
            *([ir.IndexType.get()] * len(root.space)), acc_type)
        with ir.InsertionPoint(body):
            offsets = list(body.arguments)[:len(root.space)]
            tile = rows.tile_body(group, sizes, offsets, body.arguments[-1], _regenerate)
            ir.Operation.create(TERMINATOR, operands=[tile])
    root.op.operation.results[0].replace_all_uses_with(kernel.operation.results[0])
    for m in reversed(group):
        m.op.operation.erase()


def _member_kind(m: LinalgInfo) -> str:
    return "reduce" if m.is_contraction else "map"


def _inside_kernel(op) -> bool:
    parent = op.operation.parent
    while parent is not None:
        if parent.name == KernelOp.OPERATION_NAME:
            return True
        parent = parent.parent
    return False


def _epilogue_chain(info: LinalgInfo) -> list[LinalgInfo]:
    if info.name == BATCH_MATMUL:
        return []  # its accumulator tile is rank-reduced; consumers keep their own kernels
    chain, value = [], info.op.operation.results[0]
    while True:
        nxt = _fusable_consumer(value)
        if nxt is None:
            return chain
        chain.append(nxt)
        value = nxt.op.operation.results[0]


def _fusable_consumer(value: ir.Value) -> LinalgInfo | None:
    uses = list(value.uses)
    if len(uses) != 1 or uses[0].owner.name != GENERIC:
        return None
    info = analyze(uses[0].owner.opview)
    if info is None or info.is_contraction or info.op.result.type != value.type:
        return None
    identity = list(range(len(info.space)))
    operands = list(info.op.operation.operands)
    hits = [i for i, v in enumerate(operands) if v == value]
    if len(hits) != 1 or hits[0] >= len(info.inputs) or info.maps[hits[0]] != identity:
        return None
    if info.maps[-1] != identity:
        return None
    out_arg = info.op.operation.regions[0].blocks[0].arguments[-1]
    return None if list(out_arg.uses) else info


def _kind(info: LinalgInfo, chain: list[LinalgInfo]) -> str:
    names = [info.name] + [c.name for c in chain]
    return "+".join(n.split(".")[-1] for n in names)


def _build_kernel(info: LinalgInfo, chain: list[LinalgInfo], sizes: list[int],
                  tile_op) -> KernelOp:
    last = chain[-1].op if chain else info.op
    element = ir.RankedTensorType(info.init.type).element_type
    out_dims = info.maps[-1]
    acc_type = tile_type([sizes[d] for d in out_dims], element, _rank_reduce(info, sizes))
    # the kernel stands for every op fused into it: its location names them all (errors and
    # aic-run --profile report the ONNX nodes of the contraction and of its epilogue)
    fused = [info.op.location] + [c.op.location for c in chain]
    loc = fused[0] if len(fused) == 1 else ir.Location.fused(fused)
    with ir.InsertionPoint(last), loc:
        kernel = KernelOp([info.init.type], [info.init], space=info.space, tile_sizes=sizes,
                          iterators=info.iterators, outs_indexing=out_dims,
                          kind=_kind(info, chain))
        body = kernel.operation.regions[0].blocks.append(
            *([ir.IndexType.get()] * len(info.space)), acc_type)
        with ir.InsertionPoint(body):
            offsets = list(body.arguments)[:len(info.space)]
            tile = tile_op(info, sizes, offsets, body.arguments[-1])
            ir.Operation.create(TERMINATOR, operands=[tile])
        if chain:
            _build_epilogue(kernel, info, chain, sizes, acc_type)
    last.operation.results[0].replace_all_uses_with(kernel.operation.results[0])
    for c in reversed(chain):
        c.op.operation.erase()
    info.op.operation.erase()
    return kernel


def _load(value, dims: list[int], sizes: list[int], offsets, rank_reduce=False) -> ir.Value:
    tile_sizes = [sizes[d] for d in dims]
    element = ir.RankedTensorType(value.type).element_type
    return LoadOp(tile_type(tile_sizes, element, rank_reduce), value,
                  [offsets[d] for d in dims], sizes=tile_sizes).result


def _rank_reduce(info: LinalgInfo, sizes: list[int]) -> bool:
    """batch_matmul with batch tile 1 (and no other unit tile) becomes a 2-D matmul."""
    return info.name == BATCH_MATMUL and sizes[0] == 1 and min(sizes[1:]) > 1


def _tile_op(info: LinalgInfo, sizes, offsets, acc) -> ir.Value:
    """The op applied to one tile (built at the current insertion point)."""
    reduce = _rank_reduce(info, sizes)
    tiles = [_load(v, m, sizes, offsets, reduce) for v, m in zip(info.inputs, info.maps)]
    if info.name == BATCH_MATMUL and not reduce:
        return linalg.batch_matmul(*tiles, outs=[acc])
    if info.name in (MATMUL, BATCH_MATMUL):
        explicit = "indexing_maps" in info.op.attributes and not reduce
        maps = [ir.AffineMapAttr(m).value
                for m in ir.ArrayAttr(info.op.attributes["indexing_maps"])] if explicit else None
        return linalg.matmul(*tiles, outs=[acc], indexing_maps=maps)
    return _regenerate(info, tiles, acc, offsets)


def _regenerate(info: LinalgInfo, inputs, acc, offsets) -> ir.Value:
    """A copy of ``info``'s linalg.generic on new operands; its payload block moves over.

    ``offsets[d]`` is the tile's origin along loop dim ``d``: positions the payload reads with
    ``linalg.index`` are shifted by it, so they stay positions in the whole tensor.
    """
    attrs = info.op.attributes
    new = linalg.GenericOp([acc.type], inputs, [acc], attrs["indexing_maps"],
                           attrs["iterator_types"])
    info.op.operation.regions[0].blocks[0].append_to(new.operation.regions[0])
    for op in list(new.operation.regions[0].blocks[0].operations):
        if op.operation.name == "linalg.index":
            _shift_index(op, offsets[ir.IntegerAttr(op.attributes["dim"]).value])
    return new.operation.results[0]


def _shift_index(index_op, offset: ir.Value) -> None:
    position = index_op.operation.results[0]
    with ir.InsertionPoint.after(index_op), index_op.location:
        shifted = arith.AddIOp(position, offset)
    position.replace_all_uses_except(shifted.result, shifted.operation)


def _build_epilogue(kernel, info: LinalgInfo, chain, sizes, acc_type) -> None:
    parallel = [d for d, it in enumerate(info.iterators) if it == PARALLEL]
    block = kernel.operation.regions[1].blocks.append(
        *([ir.IndexType.get()] * len(parallel)), acc_type)
    args = list(block.arguments)
    out_dims = info.maps[-1]
    # consumer loop dim i <-> result dim i <-> space dim out_dims[i]
    offsets = [args[parallel.index(d)] for d in out_dims]
    local_sizes = [sizes[d] for d in out_dims]
    acc = args[-1]
    with ir.InsertionPoint(block):
        for i, consumer in enumerate(chain):
            producer = (info if i == 0 else chain[i - 1]).op.operation.results[0]
            ins = [acc if v == producer else _load(v, m, local_sizes, offsets)
                   for v, m in zip(consumer.inputs, consumer.maps)]
            acc = _regenerate(consumer, ins, acc, offsets)
        ir.Operation.create(TERMINATOR, operands=[acc])

