"""Row-group kernels for ``aic-convert-linalg-to-tiled``: softmax, norms, mean/variance.

Softmax lowers to four generics — max over the last dim, ``exp(x - max)``, sum, divide —
and each would be a kernel of its own that streams the whole tensor. A row group makes them
one kernel whose tile is a set of whole rows: the reductions and the elementwise ops run on
the tile, their intermediates stay tile-sized (in cache), and the input is read once.

A group has a root: an elementwise generic over ``S`` (its output shape, all iterators
parallel, identity output map); ``P = S[:-1]`` are its rows. Members (``grow``) are generics
on static tensors with projected-permutation maps of one of three kinds:

* elementwise over ``S`` (output ``S``, identity output map);
* a reduction of the last dim of ``S`` (loops ``S``, iterators ``parallel^k, reduction``,
  output ``P`` with the map ``(d0 .. dk-1)``);
* elementwise over ``P`` (loops ``P``, output ``P``, identity output map: ``mean = sum / n``).

A producer joins when it is a member, every use of its result is inside the group, and each
member reads it with the identity map on its leading dims (``(d0 .. d_rank-1)``: a tile reads
the rows it computed, never another tile's). A group needs a reduction (without one,
``aic-linalg-fuse-elementwise`` has already merged the chain).

The kernel: space ``S``, all parallel, tile ``(rows..., S[-1])`` — the last dim whole — with
the row sizes from ``tiling.choose``; its init is the root's. The body re-creates each member
in program order on tiles: outside operands through `tiled.load` (member loop dims map to
kernel dims one to one), a reduction's `linalg.fill` init re-created tile-sized, elementwise
inits as `tensor.empty`; the root writes the kernel's accumulator tile. The last elementwise
member over ``S`` before the root (softmax's ``exp(x - max)``, layer norm's ``x - mean``)
writes the accumulator tile too, and the root overwrites it in place: one tile-sized
intermediate fewer, so no buffer per tile.
"""

from __future__ import annotations

from aic.dialects.tiled import PARALLEL, REDUCTION, LoadOp
from aic.dialects.tiled.shapes import tile_type
from aic.mlir_api import ir, linalg, tensor
from aic.passes.conversions.linalg_to_tiled_lib.analysis import GENERIC, LinalgInfo, analyze
from aic.verify import defining_op

ROOT, ROW_REDUCTION, ROW_ELEMENTWISE = "root", "reduction", "rows"


def _kind(info: LinalgInfo | None, space: list[int]) -> str | None:
    """The member kind of ``info`` for the loop space ``space`` (= S), or None."""
    if info is None or info.name != GENERIC:
        return None
    k = len(space) - 1
    if info.space == space and info.iterators == [PARALLEL] * len(space) and \
            info.maps[-1] == list(range(len(space))):
        return ROOT
    if info.space == space and info.iterators == [PARALLEL] * k + [REDUCTION] and \
            info.maps[-1] == list(range(k)):
        return ROW_REDUCTION
    if info.space == space[:k] and info.iterators == [PARALLEL] * k and \
            info.maps[-1] == list(range(k)):
        return ROW_ELEMENTWISE
    return None


def root_space(info: LinalgInfo | None) -> list[int] | None:
    """S when ``info`` can root a group (elementwise over a rank >= 2 space)."""
    if info is None or info.name != GENERIC or len(info.space) < 2:
        return None
    return info.space if _kind(info, info.space) == ROOT else None


def grow(root: LinalgInfo, position: dict) -> list[LinalgInfo] | None:
    """The group rooted at ``root`` in program order (``position``: op -> index in its
    block), or None (no reduction joined)."""
    space = root.space
    order = [root]
    changed = True
    while changed:
        changed = False
        for m in list(order):
            for value in m.inputs:
                producer = _producer(value, space)
                if producer is None or any(o.op.operation == producer.op.operation
                                           for o in order):
                    continue
                if _all_uses_inside(value, order) and _reads_rows(value, order):
                    order.append(producer)
                    changed = True
    if not any(_kind(m, space) == ROW_REDUCTION for m in order):
        return None
    return sorted(order, key=lambda m: position[m.op.operation])


def _producer(value: ir.Value, space) -> LinalgInfo | None:
    op = defining_op(value)
    if op is None or op.name != GENERIC:
        return None
    info = analyze(op.opview)
    return info if _kind(info, space) is not None else None


def _all_uses_inside(value: ir.Value, order: list[LinalgInfo]) -> bool:
    ops = [m.op.operation for m in order]
    return all(any(use.owner == o for o in ops) for use in value.uses)


def _reads_rows(value: ir.Value, order: list[LinalgInfo]) -> bool:
    """Every member reads ``value`` as an input with the map (d0 .. d_rank-1)."""
    rank = ir.RankedTensorType(value.type).rank
    for m in order:
        operands = list(m.op.operation.operands)
        for i, v in enumerate(operands):
            if v != value:
                continue
            if i >= len(m.inputs) or m.maps[i] != list(range(rank)):
                return False
    return True


def tile_body(group: list[LinalgInfo], sizes: list[int], offsets, acc, regenerate) -> ir.Value:
    """The group on one tile (built at the current insertion point); ``regenerate(info,
    inputs, init, offsets)`` re-creates a member on tiles (member loop dim d = kernel dim d)."""
    results: dict = {}
    loads: dict = {}  # (value, map) -> tile: each outside operand is loaded once
    value = acc
    scratch = _scratch(group)
    for m in group:
        ins = []
        for v, vmap in zip(m.inputs, m.maps):
            if v in results:
                ins.append(results[v])
                continue
            if (v, tuple(vmap)) not in loads:
                loads[(v, tuple(vmap))] = _load(v, vmap, sizes, offsets)
            ins.append(loads[(v, tuple(vmap))])
        init = acc if m is group[-1] or m is scratch else _tile_init(m, sizes, offsets)
        value = regenerate(m, ins, init, offsets)
        results[m.op.operation.results[0]] = value
        if m is scratch:  # the root overwrites it in place
            acc = value
    return value


def _scratch(group: list[LinalgInfo]) -> LinalgInfo | None:
    """The last elementwise member over S before the root: its tile is written into the
    kernel's accumulator tile, which the root then overwrites in place (it reads that tile
    with the identity map, element by element) -- no tile-sized buffer per tile. None when
    the root's payload reads its output, no such member exists or its element type is not
    the root's."""
    root = group[-1]
    if _reads_output(root):
        return None
    element = ir.RankedTensorType(root.init.type).element_type
    for m in reversed(group[:-1]):
        if _kind(m, root.space) == ROOT and not _reads_output(m):
            # (a bf16 softmax computes in f32: its f32 exp cannot live in the bf16 tile)
            return m if ir.RankedTensorType(m.init.type).element_type == element else None
    return None


def _reads_output(m: LinalgInfo) -> bool:
    block = m.op.operation.regions[0].blocks[0]
    return bool(list(block.arguments[len(block.arguments) - 1].uses))


def _load(value: ir.Value, dims: list[int], sizes: list[int], offsets) -> ir.Value:
    tile_sizes = [sizes[d] for d in dims]
    element = ir.RankedTensorType(value.type).element_type
    return LoadOp(tile_type(tile_sizes, element), value, [offsets[d] for d in dims],
                  sizes=tile_sizes).result


def _tile_init(m: LinalgInfo, sizes: list[int], offsets) -> ir.Value:
    """A reduction's `linalg.fill` re-created tile-sized; an output the payload does not read
    as `tensor.empty`; else the init's tile."""
    out_sizes = [sizes[d] for d in m.maps[-1]]
    element = ir.RankedTensorType(m.init.type).element_type
    fill = defining_op(m.init)
    if fill is not None and fill.name == "linalg.fill":
        empty = tensor.EmptyOp(out_sizes, element).result
        return linalg.fill(fill.operands[0], outs=[empty])
    if not list(m.op.operation.regions[0].blocks[0].arguments[-1].uses):
        return tensor.EmptyOp(out_sizes, element).result
    return _load(m.init, m.maps[-1], sizes, offsets)
