"""B operands of the CPU micro-kernel, packed once: constants at compile time, run-time
matrices read by several row tiles once per call.

``hw.microkernel`` reads B as column panels of ``k x nr`` (contiguous, one register tile's
columns per row); given a 2-D B it packs the tile on every call -- for a weight, the same
copy on every call and in every row tile of the kernel, from rows a multiple of 4 KiB apart.
Here a micro-kernel whose B tile is a slice of a constant K x N matrix reads a slice of that
constant packed once, in numpy: ``P[ceil(N/nr), K, nr]`` with ``P[j, p, c] = B[p, j*nr + c]``
(zeros past N), the layout ``aic-hw-vectorize`` reads. Applies when the tile's column offset
(plus that of the static slices between it and the constant: a peeled kernel's part) is a
multiple of ``nr`` (a tile loop with a step that is, or a constant); the original
constant goes when nothing else reads it.

A B that is a convolution's patch matrix (the im2col copy that ``aic-convert-linalg-to-tiled``
leaves for this pass) is never built: each micro-kernel call gets its B block's panels read
straight from the image right before it (``im2col_pack.tile_panels``: implicit GEMM).

A run-time B (K x N) whose tiles are read by ``MIN_ROW_TILES`` or more row tiles of the kernel
(the A tile's row offset is a tile loop with that many steps) is packed by a kernel of its own
(``hw.parallel`` over the panels, on all cores) placed right after B is defined, instead of
once per row tile inside the micro-kernel calls.

May import numpy, the MLIR shim, the IR layer, the hw dialect and the graph constants.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph.constants import elements_attr, holder_array, numpy_dtype
from aic.dialects.hw import TERMINATOR, MicrokernelOp, ParallelOp
from aic.mlir_api import arith, ir, scf, tensor
from aic.passes.conversions.linalg_to_tiled_lib import patches
from aic.passes.conversions.tiled_to_hw_lib import im2col_pack
from aic.passes.hw.vectorize import pack_panel
from aic.passes.memref.lower_microkernels_lib import is_pairs
from aic.verify import defining_op, walk


def prepack_b(root) -> int:
    """Give every micro-kernel under ``root`` whose B tile comes from a constant, or from a
    run-time matrix several row tiles read, a packed B; returns how many were changed."""
    packed: list[tuple[ir.Value, int, ir.Value]] = []  # (B, nr, its packed form)
    images: list[tuple[ir.Value, im2col_pack.Image]] = []  # (patch matrix, its image)
    count = 0
    for op in [c for c in walk(root) if isinstance(c, MicrokernelOp)]:
        count += _use_tile_panels(op, images) or _use_packed(op, packed)
    return count


def _use_packed(op: MicrokernelOp, packed: list) -> bool:
    tile = defining_op(op.b)
    if tile is None or tile.name != "tensor.extract_slice":
        return False
    source, (row0, col0) = _matrix_source(tile.operands[0])
    if source is None:
        return False
    const = defining_op(source)
    is_constant = const is not None and const.name == "arith.constant"
    pairs = is_pairs(op.a.type, op.c.type)
    if not is_constant and (pairs or not _row_tiles_share(op)):
        return False  # a run-time B of the pairs micro-kernel is packed per call
    k_off, n_off = _offsets(tile)
    if n_off is None or col0 % op.nr or not _aligned(n_off, op.nr):
        return False
    kt, nt = ir.RankedTensorType(op.b.type).shape
    if nt % op.nr and nt != ir.RankedTensorType(tile.operands[0].type).shape[1]:
        return False
    if pairs and (kt % 2 or row0 % 2 or not _aligned(k_off, 2)):
        return False  # (the k tiles of an even K are even: not expected)
    panel_source = _packed(source, op.nr, packed, is_constant, pairs)
    if panel_source is None:
        return False
    element = ir.RankedTensorType(source.type).element_type
    with ir.InsertionPoint(op), op.location:
        j = arith.divui(_plus(n_off, col0), _index(op.nr))
        panels = -(-nt // op.nr)
        k0 = _plus(k_off, row0)
        shape = [panels, kt // 2, 2 * op.nr] if pairs else [panels, kt, op.nr]
        if pairs:  # k in pairs: the tile's first pair
            k0 = arith.divui(k0, _index(2))
        result = ir.RankedTensorType.get(shape, element)
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        new_tile = tensor.ExtractSliceOp(result, panel_source, [j, k0], [], [],
                                         [dyn, dyn, 0], shape, [1, 1, 1]).result
    op.operation.operands[1] = new_tile
    _erase_unused(tile)
    return True


def _matrix_source(value: ir.Value) -> tuple[ir.Value | None, tuple[int, int]]:
    """The 2-D value ``value`` is a static unit-stride slice of (through any chain of such
    slices: a peeled kernel's part of a weight), and the slice's offsets in it."""
    row, col = 0, 0
    op = defining_op(value)
    while op is not None and op.name == "tensor.extract_slice":
        static = list(ir.DenseI64ArrayAttr(op.attributes["static_offsets"]))
        strides = list(ir.DenseI64ArrayAttr(op.attributes["static_strides"]))
        source_rank = ir.RankedTensorType(op.operands[0].type).rank
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        if source_rank != 2 or strides != [1, 1] or dyn in static:
            return None, (0, 0)
        row, col = row + static[0], col + static[1]
        value = op.operands[0]
        op = defining_op(value)
    if ir.RankedTensorType(value.type).rank != 2:
        return None, (0, 0)
    return value, (row, col)


def _erase_unused(op) -> None:
    """Erase ``op`` and then its producers that nothing else reads (slices, the constant)."""
    while op is not None and not list(op.results[0].uses):
        producer = defining_op(op.operands[0]) if len(op.operands) else None
        op.erase()
        op = producer if producer is not None and producer.name in (
            "tensor.extract_slice", "arith.constant") else None


def _plus(value: ir.Value, offset: int) -> ir.Value:
    return value if offset == 0 else arith.addi(value, _index(offset))


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _offsets(tile) -> tuple[ir.Value | None, ir.Value | None]:
    """The (row, column) offsets of a 2-D extract_slice as values (constants built for static
    ones), or (None, None) when it is strided."""
    static = list(ir.DenseI64ArrayAttr(tile.attributes["static_offsets"]))
    strides = list(ir.DenseI64ArrayAttr(tile.attributes["static_strides"]))
    if strides != [1, 1]:
        return None, None
    dynamic = iter(list(tile.operands)[1:])
    values = []
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    for s in static:
        if s == dyn:
            values.append(next(dynamic))
        else:
            with ir.InsertionPoint(tile), tile.location:
                values.append(_index(s))
    return values[0], values[1]


def _aligned(value: ir.Value, nr: int) -> bool:
    """Whether ``value`` (an index) is always a multiple of ``nr``."""
    op = defining_op(value)
    if op is not None:
        if op.name != "arith.constant":
            return False
        return ir.IntegerAttr(op.attributes["value"]).value % nr == 0
    owner = _argument_owner(value)
    if isinstance(owner, ParallelOp):  # a multiple of the step; a single tile is at 0
        step = list(owner.steps)[value.arg_number]
        return step % nr == 0 or step >= list(owner.upper_bounds)[value.arg_number]
    if isinstance(owner, scf.ForOp) and value.arg_number == 0:
        bounds = [defining_op(v) for v in (owner.lowerBound, owner.step)]
        return all(b is not None and b.name == "arith.constant"
                   and ir.IntegerAttr(b.attributes["value"]).value % nr == 0 for b in bounds)
    return False


def _argument_owner(value: ir.Value):
    """The op (as its OpView) whose region block has the block argument ``value``."""
    owner = value.owner.owner
    return owner.opview if hasattr(owner, "opview") else owner


def _row_tiles_share(op: MicrokernelOp) -> bool:
    """Whether ``MIN_ROW_TILES`` or more row tiles of the kernel read each B tile: A's row
    offset is a ``hw.parallel`` dimension with that many steps."""
    a_tile = defining_op(op.a)
    if a_tile is None or a_tile.name != "tensor.extract_slice":
        return False
    rows, _ = _offsets(a_tile)
    if rows is None or not isinstance(rows.owner, ir.Block):
        return False
    owner = _argument_owner(rows)
    if not isinstance(owner, ParallelOp) or rows.arg_number >= len(list(owner.steps)):
        return False
    d = rows.arg_number
    return list(owner.upper_bounds)[d] >= MIN_ROW_TILES * list(owner.steps)[d]


MIN_ROW_TILES = 4
"""A run-time B is packed by its own kernel when at least this many row tiles read it: with
two (128x768x3072), packing each tile in the micro-kernel, while it is in cache, measured 14%
faster than a separate pass over B; with sixteen (1024^3), the separate pass is 10% faster."""


def _packed(source: ir.Value, nr: int, packed: list, is_constant: bool,
            pairs: bool = False) -> ir.Value | None:
    for value, width, result in packed:
        if value == source and width == (nr, pairs):
            return result
    result = (_packed_constant(defining_op(source), source, nr, pairs) if is_constant
              else _packing_kernel(source, nr))
    if result is not None:
        packed.append((source, (nr, pairs), result))
    return result


def patch_copy(source: ir.Value) -> patches.Patches | None:
    """The im2col patch copy (left by ``aic-convert-linalg-to-tiled``) whose collapse to
    K x N is ``source``."""
    collapse = defining_op(source)
    if collapse is None or collapse.name != "tensor.collapse_shape":
        return None
    copy = defining_op(collapse.operands[0])
    return patches.analyze(copy.opview) if copy is not None else None


def _packing_kernel(source: ir.Value, nr: int) -> ir.Value:
    """A ``hw.parallel`` over the column panels of the run-time ``source`` (K x N) writing
    its packed form, right after ``source`` is defined."""
    k, n = ir.RankedTensorType(source.type).shape
    element = ir.RankedTensorType(source.type).element_type
    panels = -(-n // nr)
    producer = defining_op(source)
    point = (ir.InsertionPoint.at_block_begin(source.owner) if producer is None
             else ir.InsertionPoint.after(producer))
    with point, source.location:
        empty = tensor.EmptyOp([panels, k, nr], element).result
        par = ParallelOp([empty.type], [empty], upper_bounds=[panels], steps=[1],
                         mapping=["core"])
        body = par.operation.regions[0].blocks.append(ir.IndexType.get(), empty.type)
        with ir.InsertionPoint(body):
            j, dest = body.arguments
            zero = _index(0)
            dyn = ir.ShapedType.get_dynamic_stride_or_offset()
            one = ir.RankedTensorType.get([1, k, nr], element)
            tile = tensor.ExtractSliceOp(one, dest, [j], [], [], [dyn, 0, 0], [1, k, nr],
                                         [1, 1, 1]).result
            tile = pack_panel(source, tile, j, zero, k, nr, n % nr != 0)
            ir.Operation.create(TERMINATOR, operands=[tile, j, zero, zero])
    return par.operation.results[0]


def _packed_constant(const, source: ir.Value, nr: int, pairs: bool = False) -> ir.Value | None:
    """``P[j, p, c] = B[p, j*nr + c]``; ``pairs``: ``P[j, p, 2c + e] = B[2p + e, j*nr + c]``
    (k in pairs, a zero row past an odd K)."""
    element = ir.RankedTensorType(source.type).element_type
    array = holder_array(const, source.type)
    if array is None or numpy_dtype(element) is None:
        return None
    k, n = array.shape
    panels = -(-n // nr)
    rows = k + k % 2 if pairs else k
    wide = np.zeros((rows, panels * nr), array.dtype)
    wide[:k, :n] = array
    if pairs:  # (k/2, 2, panels, nr) -> (panels, k/2, nr, 2)
        data = np.ascontiguousarray(wide.reshape(rows // 2, 2, panels, nr).transpose(2, 0, 3, 1)
                                    .reshape(panels, rows // 2, 2 * nr))
    else:
        data = np.ascontiguousarray(wide.reshape(k, panels, nr).transpose(1, 0, 2))
    type_ = ir.RankedTensorType.get(list(data.shape), element)
    with ir.InsertionPoint(const), const.location:
        return arith.ConstantOp(type_, elements_attr(data, type_)).result


def _image(source: ir.Value, copy: patches.Patches, images: list) -> im2col_pack.Image:
    """The padded image of the patch matrix ``source``, built once (before the copy)."""
    for value, image in images:
        if value == source:
            return image
    with ir.InsertionPoint(copy.info.op), source.location:
        image = im2col_pack.Image(copy)
    images.append((source, image))
    return image


def _use_tile_panels(op: MicrokernelOp, images: list) -> bool:
    """A patch-matrix B tile: the micro-kernel call is given its B block's panels, read from
    the image right before it (in L1 when it reads them). Each row tile reads its own: the
    cost per call is O(k x n) against the call's O(m x k x n) FMAs, and nothing
    matrix-sized is written or allocated per call. No alignment needed (columns past the
    tile are read and masked off by the micro-kernel)."""
    tile = defining_op(op.b)
    if tile is None or tile.name != "tensor.extract_slice":
        return False
    source, (row0, col0) = _matrix_source(tile.operands[0])
    copy = patch_copy(source) if source is not None else None
    if copy is None:
        return False
    k_off, n_off = _offsets(tile)
    if k_off is None:
        return False
    kt, nt = ir.RankedTensorType(op.b.type).shape
    image = _image(source, copy, images)
    values = _column_values(n_off)
    firsts = ([col0 + f for f in values] if values is not None
              else range(ir.RankedTensorType(source.type).shape[1]))
    with ir.InsertionPoint(op), op.location:
        panels = im2col_pack.tile_panels(image, op.nr, _plus(n_off, col0), nt, firsts,
                                         _plus(k_off, row0), kt)
    op.operation.operands[1] = panels
    _erase_unused(tile)
    return True


def _column_values(value: ir.Value) -> list[int] | None:
    """Every value a column offset takes: a constant's, a ``hw.parallel`` dimension's or a
    constant-bound ``scf.for``'s steps; None when unknown."""
    op = defining_op(value)
    if op is not None and op.name == "arith.constant":
        return [ir.IntegerAttr(op.attributes["value"]).value]
    owner = _argument_owner(value) if isinstance(value.owner, ir.Block) else None
    if isinstance(owner, ParallelOp) and value.arg_number < len(list(owner.steps)):
        d = value.arg_number
        return list(range(0, list(owner.upper_bounds)[d], list(owner.steps)[d]))
    if isinstance(owner, scf.ForOp) and value.arg_number == 0:
        bounds = [defining_op(v) for v in (owner.lowerBound, owner.upperBound, owner.step)]
        if all(b is not None and b.name == "arith.constant" for b in bounds):
            return list(range(*[ir.IntegerAttr(b.attributes["value"]).value for b in bounds]))
    return None
