"""Constant B operands of the CPU micro-kernel, packed at compile time.

``hw.microkernel`` reads B as column panels of ``k x nr`` (contiguous, one register tile's
columns per row); given a 2-D B it packs the tile on every call -- for a weight, the same
copy on every call and in every row tile of the kernel, from rows a multiple of 4 KiB apart.
Here a micro-kernel whose B tile is a slice of a constant K x N matrix reads a slice of that
constant packed once, in numpy: ``P[ceil(N/nr), K, nr]`` with ``P[j, p, c] = B[p, j*nr + c]``
(zeros past N), the layout ``aic-hw-vectorize`` reads. Applies when the tile's column offset
(plus that of the static slices between it and the constant: a peeled kernel's part) is a
multiple of ``nr`` (a tile loop with a step that is, or a constant); the original
constant goes when nothing else reads it.

May import numpy, the MLIR shim, the IR layer, the hw dialect and the graph constants.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph.constants import elements_attr, holder_array, numpy_dtype
from aic.dialects.hw import MicrokernelOp, ParallelOp
from aic.mlir_api import arith, ir, scf, tensor
from aic.verify import defining_op, walk


def pack_constant_b(root) -> int:
    """Give every micro-kernel under ``root`` whose B tile comes from a constant a packed B;
    returns how many were changed."""
    packed: list[tuple[ir.Value, int, ir.Value]] = []  # (constant, nr, its packed form)
    count = 0
    for op in [c for c in walk(root) if isinstance(c, MicrokernelOp)]:
        count += _use_packed(op, packed)
    return count


def _use_packed(op: MicrokernelOp, packed: list) -> bool:
    tile = defining_op(op.b)
    if tile is None or tile.name != "tensor.extract_slice":
        return False
    source, (row0, col0) = _constant_source(tile.operands[0])
    const = defining_op(source) if source is not None else None
    if const is None or const.name != "arith.constant":
        return False
    k_off, n_off = _offsets(tile)
    if n_off is None or col0 % op.nr or not _aligned(n_off, op.nr):
        return False
    kt, nt = ir.RankedTensorType(op.b.type).shape
    if nt % op.nr and nt != ir.RankedTensorType(tile.operands[0].type).shape[1]:
        return False
    panel_source = _packed_constant(const, source, op.nr, packed)
    if panel_source is None:
        return False
    element = ir.RankedTensorType(source.type).element_type
    with ir.InsertionPoint(op), op.location:
        j = arith.divui(_plus(n_off, col0), _index(op.nr))
        panels = -(-nt // op.nr)
        result = ir.RankedTensorType.get([panels, kt, op.nr], element)
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        new_tile = tensor.ExtractSliceOp(result, panel_source, [j, _plus(k_off, row0)], [], [],
                                         [dyn, dyn, 0], [panels, kt, op.nr], [1, 1, 1]).result
    op.operation.operands[1] = new_tile
    _erase_unused(tile)
    return True


def _constant_source(value: ir.Value) -> tuple[ir.Value | None, tuple[int, int]]:
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
    owner = value.owner.owner  # the block argument's op
    owner = owner.opview if hasattr(owner, "opview") else owner
    if isinstance(owner, ParallelOp):  # a multiple of the step; a single tile is at 0
        step = list(owner.steps)[value.arg_number]
        return step % nr == 0 or step >= list(owner.upper_bounds)[value.arg_number]
    if isinstance(owner, scf.ForOp) and value.arg_number == 0:
        bounds = [defining_op(v) for v in (owner.lowerBound, owner.step)]
        return all(b is not None and b.name == "arith.constant"
                   and ir.IntegerAttr(b.attributes["value"]).value % nr == 0 for b in bounds)
    return False


def _packed_constant(const, source: ir.Value, nr: int, packed: list) -> ir.Value | None:
    for value, width, result in packed:
        if value == source and width == nr:
            return result
    element = ir.RankedTensorType(source.type).element_type
    array = holder_array(const, source.type)
    if array is None or numpy_dtype(element) is None:
        return None
    k, n = array.shape
    panels = -(-n // nr)
    wide = np.zeros((k, panels * nr), array.dtype)
    wide[:, :n] = array
    data = np.ascontiguousarray(wide.reshape(k, panels, nr).transpose(1, 0, 2))
    type_ = ir.RankedTensorType.get([panels, k, nr], element)
    with ir.InsertionPoint(const), const.location:
        result = arith.ConstantOp(type_, elements_attr(data, type_)).result
    packed.append((source, nr, result))
    return result
