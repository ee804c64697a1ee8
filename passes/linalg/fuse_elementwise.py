"""``aic-linalg-fuse-elementwise``: merge DAGs of elementwise `linalg.generic` ops into one.

A model's elementwise tails — GELU's Div/Erf/Add/Mul/Mul, Add+Relu, a dequantize chain —
lower to one generic per ONNX node, so every node is a kernel that reads and writes the whole
tensor. This pass merges them: one generic per group, one pass over memory, one kernel (and,
after a contraction, one epilogue: the merged GELU reads the matmul result once).

Members: `linalg.generic` ops with every iterator parallel, one result with the identity map,
and a body of region-free ops (dynamic shapes too: a producer read with the identity map has
its consumer's extents). A group grows from its last op (the root) towards
its producers: a producer joins when it is a member with the root's loop space, the consumer
reads it with the identity map, and every use of its result is inside the group (so nothing
outside needs it and it disappears). Upstream's `linalg-fuse-elementwise-ops` stops at values
with several uses (x in ``x * 0.5 * (1 + erf(x / sqrt 2))``); here the group takes the whole
DAG as long as it stays inside.

First, `linalg.transpose` becomes the equivalent generic (a member like any other: it tiles
and runs on all cores), and an elementwise op that reads a `tensor.expand_shape` result is moved above it
(``fuse_elementwise_lib.sink_expand``: it runs on the collapsed shape, its other operands
collapsed), so a convolution's ReLU or residual add meets the contraction that feeds it;
likewise above the `tensor.reshape` that splits a dynamic-shape matmul's tokens into
``batch, seq`` (``sink_reshape``).

The merged op reads the group's external operands once each (same value and map: one operand),
writes the root's init, and its body is the members' bodies in program order, each member's
yield feeding its consumers. `linalg.index` keeps its meaning (one loop space).
Groups form in function bodies and in the blocks of `scf` loops and branches inside them
(a recurrence's cell in its time loop fuses like straight-line code).
Precondition: linalg on tensors. Postcondition: semantics unchanged; fewer generics.
"""

from __future__ import annotations

from aic.mlir_api import ir, linalg
from aic.pass_base import Pass, register_pass
from aic.passes.linalg.fuse_elementwise_lib import generalize_transpose, sink_expand, sink_reshape
from aic.verify import defining_op, user_op, walk

GENERIC = "linalg.generic"
# ops whose blocks hold groups: function bodies and the bodies of loops and branches (a
# recurrence's time loop, an If's branches)
_BLOCK_HOLDERS = frozenset({"func.func", "scf.for", "scf.while", "scf.if", "scf.execute_region"})


@register_pass
class LinalgFuseElementwise(Pass):
    """Merge each DAG of elementwise linalg.generic ops whose inner values are used only
    inside it into one linalg.generic (one loop nest, one kernel)."""

    NAME = "aic-linalg-fuse-elementwise"

    def run(self, op):
        blocks = [b for o in walk(op) if o.operation.name in _BLOCK_HOLDERS
                  for r in o.operation.regions for b in r.blocks]
        for block in blocks:
            fuse_block(block)


def _is_member(op: ir.Operation) -> bool:
    if op.name != GENERIC or len(op.results) != 1 or len(op.regions[0].blocks) != 1:
        return False
    attrs = op.attributes
    if any("parallel" not in str(a) for a in ir.ArrayAttr(attrs["iterator_types"])):
        return False
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(attrs["indexing_maps"])]
    out_type = op.results[0].type
    if not isinstance(out_type, ir.RankedTensorType):
        return False
    if maps[-1] != ir.AffineMap.get_identity(out_type.rank):
        return False
    if any(not isinstance(v.type, ir.RankedTensorType) for v in op.operands):
        return False
    return all(not len(o.operation.regions) for o in op.regions[0].blocks[0].operations)


def _maps(op: ir.Operation) -> list[ir.AffineMap]:
    return [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]


def fuse_block(block: ir.Block) -> None:
    """Sink expand_shapes below elementwise ops (program order: a chain sinks in one walk),
    then form the groups, last op first, and merge each group of two or more."""
    for o in [o.operation for o in block.operations]:
        if generalize_transpose(o):
            continue
        if _is_member(o) and o.results[0].type.has_static_shape:
            sink_expand(o)
        elif _is_member(o):
            sink_reshape(o)
    ops = [o.operation for o in block.operations]
    # (handles hash by the op's address; an address freed by a merge and reused by a new op
    # maps to an index of an earlier, finished group: never in the group being grown)
    position = {o: i for i, o in enumerate(ops)}
    grouped: set[int] = set()
    for i in range(len(ops) - 1, -1, -1):
        if i in grouped or not _is_member(ops[i]):
            continue
        members = _grow(ops, i, position)
        grouped.update(members)
        if len(members) > 1:
            _merge([ops[j] for j in sorted(members)])


def _grow(ops, root: int, position) -> set[int]:
    """Indices of the group rooted at ``ops[root]``: a worklist in which each member reads
    its inputs once (a producer waiting for another user is re-checked when that user joins,
    since the user then reads its inputs)."""
    group = {root}
    space = ir.RankedTensorType(ops[root].results[0].type).shape
    identity = ir.AffineMap.get_identity(len(space))
    work = [root]
    while work:
        op = ops[work.pop()]
        for value, amap in zip(list(op.operands)[:-1], _maps(op)):
            k = _producer_index(value, position)
            if k is None or k in group or amap != identity or not _is_member(ops[k]):
                continue
            if ir.RankedTensorType(ops[k].results[0].type).shape != space:
                continue
            if all(position.get(user_op(u)) in group for u in value.uses):
                group.add(k)
                work.append(k)
    return group


def _producer_index(value: ir.Value, position) -> int | None:
    op = defining_op(value)
    return None if op is None else position.get(op)


def _merge(members: list[ir.Operation]) -> None:
    root = members[-1]
    results = {m.results[0]: m for m in members}
    inputs: list[ir.Value] = []
    in_maps: list[ir.AffineMap] = []
    for m in members:
        for value, amap in zip(list(m.operands)[:-1], _maps(m)):
            if value in results:
                continue
            if not any(v == value and a == amap for v, a in zip(inputs, in_maps)):
                inputs.append(value)
                in_maps.append(amap)
    init = list(root.operands)[-1]
    maps = in_maps + [_maps(root)[-1]]
    with ir.InsertionPoint(root), root.location:
        new = linalg.GenericOp([init.type], inputs, [init],
                               ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]),
                               root.attributes["iterator_types"])
        body = new.regions[0].blocks.append(
            *[ir.RankedTensorType(v.type).element_type for v in inputs + [init]])
        _fill_body(members, results, inputs, in_maps, body)
    root.results[0].replace_all_uses_with(new.results[0])
    for m in reversed(members):
        m.erase()


def _fill_body(members, results, inputs, in_maps, body: ir.Block) -> None:
    """The members' payloads in program order; each member's yield feeds its consumers."""
    yielded: dict = {}  # member result -> scalar value in the new body
    args = list(body.arguments)
    with ir.InsertionPoint(body):
        for m in members:
            old = m.regions[0].blocks[0]
            mapping = {}
            for arg, value, amap in zip(old.arguments, list(m.operands), _maps(m)):
                if value in results and arg != old.arguments[-1]:
                    mapping[arg] = yielded[value]
                elif arg == old.arguments[-1]:
                    mapping[arg] = args[-1]
                else:
                    index = next(i for i, (v, a) in enumerate(zip(inputs, in_maps))
                                 if v == value and a == amap)
                    mapping[arg] = args[index]
            ops = list(old.operations)
            for inner in ops[:-1]:
                clone = inner.operation.clone(ip=ir.InsertionPoint(body))
                for i, operand in enumerate(list(clone.operands)):
                    if operand in mapping:
                        clone.operands[i] = mapping[operand]
                for before, after in zip(inner.results, clone.results):
                    mapping[before] = after
            final = ops[-1].operation.operands[0]
            yielded[m.results[0]] = mapping.get(final, final)
        linalg.YieldOp([yielded[members[-1].results[0]]])
