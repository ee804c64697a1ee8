"""What ``aic-linalg-chunk-dynamic`` chunks: the loop structure of linalg ops, their dynamic
dims and the static factors of those, and the ops chunked together in one loop -- a
contraction's elementwise epilogue (``epilogue``) and a softmax/norm row group
(``row_group``: the linalg ops of ``aic-convert-linalg-to-tiled``'s row kernels, found on
dynamic shapes).

Analysis only, but for ``extent`` (a ``tensor.dim`` at the insertion point). May import the
MLIR API.
"""

from __future__ import annotations

import re

from aic.mlir_api import arith, ir, tensor

_NAMED_MAPS = {
    "linalg.matmul": ("(m, n, k)", [[0, 2], [2, 1], [0, 1]], ["p", "p", "r"]),
    "linalg.batch_matmul": ("(b, m, n, k)", [[0, 1, 3], [0, 3, 2], [0, 1, 2]],
                            ["p", "p", "p", "r"]),
}


def loop_structure(op: ir.Operation) -> tuple[list[list], list[str]] | None:
    """Per operand, what each of its axes reads: a loop dim (int), None (broadcast, or a
    scalar operand: no axes) or the set of dims of a compound index (``oh * 2 + kh``); and the
    iterator kinds ("p"/"r"). None for an op this pass does not chunk."""
    if op.name in _NAMED_MAPS:
        _, maps, kinds = _NAMED_MAPS[op.name]
        return [list(m) for m in maps], list(kinds)
    if op.name == "linalg.fill":
        rank = ir.RankedTensorType(op.results[0].type).rank
        return [[], list(range(rank))], ["p"] * rank
    if op.name == "linalg.broadcast":
        rank = ir.RankedTensorType(op.results[0].type).rank
        added = set(ir.DenseI64ArrayAttr(op.attributes["dimensions"]))
        return [[d for d in range(rank) if d not in added], list(range(rank))], ["p"] * rank
    if op.name.startswith("linalg.pooling_nchw_"):
        return [[0, 1, {2, 4}, {3, 5}], [4, 5], [0, 1, 2, 3]], ["p"] * 4 + ["r"] * 2
    if op.name != "linalg.generic":
        return None
    maps = [[_axis(e) for e in ir.AffineMapAttr(a).value.results]
            for a in ir.ArrayAttr(op.attributes["indexing_maps"])]
    kinds = ["p" if "parallel" in str(a) else "r"
             for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    return maps, kinds


def _axis(expr: ir.AffineExpr):
    """A dim expression's position, None for the constant 0, else the set of dims used."""
    for kind, read in ((ir.AffineDimExpr, lambda e: e.position),
                       (ir.AffineConstantExpr, lambda e: None if e.value == 0 else set())):
        try:
            return read(kind(expr))
        except ValueError:
            continue
    return {int(m) for m in re.findall(r"d(\d+)", str(expr))}


def dynamic_dims(op: ir.Operation, maps) -> list[int]:
    """Loop dims read by some operand axis of dynamic size (and by none of static size),
    that no compound index uses (those cannot be cut into independent chunks)."""
    static, dynamic, compound = set(), set(), set()
    for value, axes in zip(op.operands, maps):
        if not axes:
            continue
        t = ir.RankedTensorType(value.type)
        for axis, d in enumerate(axes):
            if isinstance(d, set):
                compound |= d
            elif d is not None:
                (dynamic if t.is_dynamic_dim(axis) else static).add(d)
    return sorted(dynamic - static - compound)


def extent(op: ir.Operation, maps, d: int) -> ir.Value:
    for value, axes in zip(op.operands, maps):
        if d in axes and ir.RankedTensorType(value.type).is_dynamic_dim(axes.index(d)):
            return tensor.dim(value, arith.ConstantOp.create_index(axes.index(d)).result)
    raise ValueError(f"loop dim {d} is read by no operand")


def static_factor(value: ir.Value, axis: int) -> int:
    """A constant that ``value``'s dynamic ``axis`` is known to be a multiple of (1 if none):
    the static sizes merged into it by a ``tensor.collapse_shape`` (``12*batch`` heads), or
    the constant factor of a ``tensor.empty`` size computed by ``arith.muli``."""
    owner = value.owner
    if isinstance(owner, ir.Block):
        return 1
    op = owner.operation
    if op.name == "tensor.collapse_shape":
        source = ir.RankedTensorType(op.operands[0].type)
        group = ir.ArrayAttr(op.attributes["reassociation"])[axis]
        return _product(source.shape[ir.IntegerAttr(i).value] for i in group
                        if not source.is_dynamic_dim(ir.IntegerAttr(i).value))
    if op.name == "tensor.empty":
        t = ir.RankedTensorType(value.type)
        size = list(op.operands)[sum(t.is_dynamic_dim(a) for a in range(axis))]
        return _constant_factor(size)
    return 1


def _constant_factor(size: ir.Value) -> int:
    owner = size.owner
    if isinstance(owner, ir.Block) or owner.operation.name != "arith.muli":
        return 1
    for operand in owner.operation.operands:
        producer = operand.owner
        if not isinstance(producer, ir.Block) and producer.operation.name == "arith.constant":
            return ir.IntegerAttr(producer.operation.attributes["value"]).value
    return 1


def _product(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def factor(op: ir.Operation, maps, d: int) -> int:
    """The largest ``static_factor`` of an operand axis that reads loop dim ``d``."""
    return max([static_factor(v, axes.index(d)) for v, axes in zip(op.operands, maps)
                if d in axes and ir.RankedTensorType(v.type).is_dynamic_dim(axes.index(d))],
               default=1)


def epilogue(op: ir.Operation) -> list[ir.Operation]:
    """The elementwise ops after a contraction that take its result whole (its only user, an
    all-parallel generic reading it with the identity map, and so on down the chain): they
    are chunked in the contraction's loop, so the kernel formers fuse them as its epilogue."""
    if op.name not in _NAMED_MAPS:
        return []
    chain, value = [], op.results[0]
    while len(op.results) == 1:
        users = list(value.uses)
        if len(users) != 1:
            break
        user = users[0].owner
        user = user.operation if hasattr(user, "operation") else user
        structure = loop_structure(user) if user.name == "linalg.generic" else None
        if structure is None or len(user.results) != 1 or "r" in structure[1]:
            break
        maps, _ = structure
        rank = ir.RankedTensorType(value.type).rank
        identity = list(range(rank))
        n_in = len(user.operands) - 1
        reads = [i for i, v in enumerate(list(user.operands)[:n_in]) if v == value]
        if len(reads) != 1 or maps[reads[0]] != identity or maps[-1] != identity:
            break
        chain.append(user)
        op, value = user, user.results[0]
    return chain


def chain_head(op: ir.Operation, depth: int = 8) -> ir.Operation | None:
    """The contraction whose ``epilogue`` ``op`` belongs to, or None."""
    n_in = len(op.operands) - len(op.results)
    for v in list(op.operands)[:n_in]:
        q = _producer(v)
        if q is None:
            continue
        head = q if q.name in _NAMED_MAPS else (
            chain_head(q, depth - 1) if q.name == "linalg.generic" and depth else None)
        if head is not None and any(m == op for m in epilogue(head)):
            return head
    return None


ROWS, ROW_REDUCTION, ROW_MAP = "rows", "reduction", "row-map"


def row_member(op: ir.Operation, rank: int) -> str | None:
    """What ``op`` is in a row group over a ``rank``-dim space S (rows: S[:-1]): elementwise
    over S (``ROWS``), a reduction of S's last dim (``ROW_REDUCTION``), elementwise over the
    rows (``ROW_MAP``: ``mean = sum / n``); None when it is none of them (what
    ``linalg_to_tiled_lib.rows`` accepts, on dynamic shapes)."""
    if op.name != "linalg.generic" or len(op.results) != 1:
        return None
    maps, kinds = loop_structure(op)
    if any(not isinstance(a, int) for axes in maps for a in axes):
        return None  # a broadcast or compound index: not a projected permutation here
    k = rank - 1
    if kinds == ["p"] * rank and maps[-1] == list(range(rank)):
        return ROWS
    if kinds == ["p"] * k + ["r"] and maps[-1] == list(range(k)):
        return ROW_REDUCTION
    if kinds == ["p"] * k and maps[-1] == list(range(k)):
        return ROW_MAP
    return None


def row_group(root: ir.Operation) -> list[ir.Operation]:
    """The row group rooted at ``root`` (softmax, layer norm: elementwise over S, at least one
    reduction of its rows, every intermediate used only inside the group and read row by row),
    in program order, ``root`` last; [] when ``root`` roots none. Producers in a contraction's
    ``epilogue`` stay there."""
    root = root.operation
    rank = ir.RankedTensorType(root.results[0].type).rank if len(root.results) == 1 else 0
    if rank < 2 or row_member(root, rank) != ROWS or chain_head(root) is not None:
        return []
    group, changed = [root], True
    while changed:
        changed = False
        for member in list(group):
            n_in = len(member.operands) - 1
            for v in list(member.operands)[:n_in]:
                p = _producer(v)
                if p is None or any(p == m for m in group) or p.block != root.block \
                        or row_member(p, rank) is None or chain_head(p) is not None:
                    continue
                if _read_by_rows(v, group):
                    group.append(p)
                    changed = True
    if not any(row_member(m, rank) == ROW_REDUCTION for m in group):
        return []
    order = {op: i for i, op in enumerate(o.operation for o in root.block.operations)}
    return sorted(group, key=lambda m: order[m])


def _producer(value: ir.Value) -> ir.Operation | None:
    owner = value.owner
    return None if isinstance(owner, ir.Block) else owner.operation


def _read_by_rows(value: ir.Value, group: list[ir.Operation]) -> bool:
    """Every use of ``value`` is an input of a member that reads it with the map
    ``(d0 .. d_rank-1)`` (a chunk reads the rows it computed)."""
    rank = ir.RankedTensorType(value.type).rank
    for use in value.uses:
        owner = use.owner.operation if hasattr(use.owner, "operation") else use.owner
        member = next((m for m in group if m == owner), None)
        if member is None or use.operand_number >= len(member.operands) - 1:
            return False
        if loop_structure(member)[0][use.operand_number] != list(range(rank)):
            return False
    return True
