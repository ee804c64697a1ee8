"""Peel a linalg op (with its fused epilogue chain) along one parallel loop dim.

``aic-convert-linalg-to-tiled`` calls ``peel`` when the tile size of a parallel dim does not
divide its extent (``aic.dialects.tiled.tiling.ragged``: 197 tokens, a prime extent): the op
and its chain are cloned twice, on slices — the full tiles ``[0, main)`` and the remainder
``[main, extent)`` — and the two results are inserted into the op's init:

    %a = extract_slice %init[0..main)     %lo = op(ins[0..main), outs %a)      (+ chain)
    %t = insert_slice %lo into %init
    %b = extract_slice %t[main..)         %hi = op(ins[main..), outs %b)       (+ chain)
    %r = insert_slice %hi into %t

Operands not indexed by the dim (B of a matmul) are used whole. An init that is a fill of a
scalar (a matmul's zeros) is not sliced: each clone gets a fill of its own shape and the two
results go into a new tensor (``tensor.empty``), so no fill of the whole tensor is left. Each
clone then forms a kernel of its own whose tile sizes divide its extents, so the full tiles keep
the target's register tile and only the remainder runs a smaller one. Positions read with
`linalg.index` along the dim are shifted by the slice's origin.
"""

from __future__ import annotations

from aic.mlir_api import arith, ir, linalg, tensor
from aic.passes.conversions.linalg_to_tiled_lib.analysis import LinalgInfo
from aic.verify import scalar_fill


def peelable(info: LinalgInfo, d: int) -> bool:
    """The dim is a result dim of the op (so every chain op has it as a loop dim)."""
    return d in info.maps[-1]


def peel(info: LinalgInfo, chain: list[LinalgInfo], d: int, main: int) -> list[ir.OpView]:
    """Replace the op and its chain by two clones over [0, main) and [main, extent) of loop
    dim ``d``; returns the two cloned ops (the chain clones consume their results)."""
    extent = info.space[d]
    out_dims = info.maps[-1]
    axis = out_dims.index(d)
    ops = [(info, d)] + [(c, axis) for c in chain]  # the chain's loop dims are result dims
    last = (chain[-1] if chain else info).op
    fill = scalar_fill(info.init)
    with ir.InsertionPoint(last), last.location:
        # a filled init: each clone fills its own (tile by tile, in aic-convert-tiled-to-hw)
        # and both land in a new tensor, which they cover -- no whole-tensor fill, shared by
        # CSE with other ops and copied by bufferization
        base = info.init if fill is None else empty_like(last.operation.results[0].type)
        lo = _clone_range(ops, 0, main, info.init, fill)
        whole = _insert(lo, base, axis, 0)
        hi = _clone_range(ops, main, extent - main, whole, fill)
        result = _insert(hi, whole, axis, main)
    last.operation.results[0].replace_all_uses_with(result)
    for entry, _ in reversed(ops):
        entry.op.operation.erase()
    if fill is not None and not list(fill.results[0].uses):
        fill.erase()
    return [lo[0], hi[0]]


def empty_like(t: ir.Type) -> ir.Value:
    """A `tensor.empty` of the static tensor type ``t``."""
    t = ir.RankedTensorType(t)
    return tensor.EmptyOp(list(t.shape), t.element_type).result


def _clone_range(ops, start: int, size: int, init: ir.Value,
                 fill: ir.Operation | None) -> list[ir.OpView]:
    """Clones of ``ops`` restricted to [start, start + size) of their loop dim; the first
    one's init is the slice of ``init``, or a fill of its own when ``fill`` made ``init``."""
    clones: list[ir.OpView] = []
    for k, (entry, dim) in enumerate(ops):
        operands = list(entry.op.operation.operands)
        for i, (value, dims) in enumerate(zip(operands, entry.maps)):
            if k and value == ops[k - 1][0].op.operation.results[0]:
                operands[i] = clones[-1].operation.results[0]
            elif k == 0 and i == len(operands) - 1:
                axis = dims.index(dim)
                operands[i] = _slice(init, axis, start, size) if fill is None else \
                    linalg.fill(fill.operands[0],
                                outs=[empty_like(_sliced(init.type, axis, size))])
            elif dim in dims:
                operands[i] = _slice(value, dims.index(dim), start, size)
        clone = entry.op.operation.clone(ip=ir.InsertionPoint.current)  # after its operands
        for i, value in enumerate(operands):
            clone.operands[i] = value
        clone.results[0].set_type(clone.operands[len(operands) - 1].type)
        if start:
            _shift_index(clone, dim, start)
        clones.append(clone.opview)
    return clones


def _sliced(t: ir.Type, axis: int, size: int) -> ir.RankedTensorType:
    t = ir.RankedTensorType(t)
    shape = list(t.shape)
    shape[axis] = size
    return ir.RankedTensorType.get(shape, t.element_type)


def _slice(value: ir.Value, axis: int, start: int, size: int) -> ir.Value:
    result = _sliced(value.type, axis, size)
    offsets = [0] * result.rank
    offsets[axis] = start
    return tensor.ExtractSliceOp(result, value, [], [], [], offsets, list(result.shape),
                                 [1] * result.rank).result


def _insert(part: list[ir.OpView], dest: ir.Value, axis: int, start: int) -> ir.Value:
    value = part[-1].operation.results[0]
    shape = list(ir.RankedTensorType(value.type).shape)
    offsets = [0] * len(shape)
    offsets[axis] = start
    return tensor.InsertSliceOp(value, dest, [], [], [], offsets, shape,
                                [1] * len(shape)).result


def _shift_index(op: ir.Operation, dim: int, start: int) -> None:
    for inner in list(op.regions[0].blocks[0].operations):
        if inner.operation.name != "linalg.index":
            continue
        if ir.IntegerAttr(inner.attributes["dim"]).value != dim:
            continue
        position = inner.operation.results[0]
        with ir.InsertionPoint.after(inner), inner.location:
            shifted = arith.AddIOp(position, arith.ConstantOp(ir.IndexType.get(), start))
        position.replace_all_uses_except(shifted.result, shifted.operation)
