"""Sinking `tensor.expand_shape` below elementwise generics, for ``aic-linalg-fuse-elementwise``.

A convolution on the im2col path computes ``F x OH*OW`` and expands it to ``1 x F x OH x OW``;
its ReLU, residual add or bias then run on the expanded shape, so they cannot join the
contraction's epilogue. ``sink_expand(op)`` rewrites

    %e = tensor.expand_shape %x R                 %g = generic(%x, collapse(%y) R) (collapsed)
    %g = generic(%e, %y ...)               ==>    %e = tensor.expand_shape %g R

when ``op`` is elementwise (all parallel, identity output map, no `linalg.index`) and is the
only reader of an `expand_shape` result, with the identity map, and every other operand can be collapsed by the
same reassociation ``R``: each operand reads whole groups of ``R`` (a group's dims all read,
in order — dims of extent 1 may be missing — or none); its runs of dims in one group are
merged with a `tensor.collapse_shape` and its map renumbered (the init too).

``sink_reshape(op)`` does the same for the `tensor.reshape` of a dynamic-shape model that
splits its leading dynamic dim in several (a matmul's ``batch*seq`` tokens back into
``batch, seq``): the elementwise op runs on the tokens, the reshape (to the same shape
operand) follows it, so a bias, GELU or residual add meets the matmul as its epilogue
(``aic-linalg-chunk-dynamic`` chunks them in one loop).
"""

from __future__ import annotations

from aic.mlir_api import ir, linalg, tensor
from aic.verify import defining_op

EXPAND = "tensor.expand_shape"
RESHAPE = "tensor.reshape"


def _is_expand(op: ir.Operation | None) -> bool:
    return op is not None and op.name == EXPAND


def _reassociation(expand: ir.Operation) -> list[list[int]]:
    return [[ir.IntegerAttr(i).value for i in ir.ArrayAttr(g)]
            for g in ir.ArrayAttr(expand.attributes["reassociation"])]


def _dims(amap: ir.AffineMap) -> list[int] | None:
    out = []
    for e in amap.results:
        if not isinstance(e, ir.AffineDimExpr):
            return None
        out.append(e.position)
    return out


def _collapsed_map(dims: list[int], groups: list[list[int]], extents: list[int]
                   ) -> tuple[list[int], list[list[int]]] | None:
    """(collapsed dims, the operand's own reassociation) for an operand reading loop ``dims``;
    None when it splits a group. Dims of extent 1 may be missing from a group."""
    out, reassoc, i = [], [], 0
    while i < len(dims):
        n = next(k for k, g in enumerate(groups) if dims[i] in g)
        wanted = [d for d in groups[n] if d in dims or extents[d] != 1]
        if dims[i:i + len(wanted)] != wanted:
            return None
        out.append(n)
        reassoc.append(list(range(i, i + len(wanted))))
        i += len(wanted)
    return out, reassoc


def sink_expand(op: ir.Operation) -> bool:
    """Rewrite ``op`` (see the module docstring); False (untouched) when it does not apply."""
    def expand_after(value: ir.Value, expand: ir.Operation) -> ir.Value:
        return tensor.ExpandShapeOp(op.results[0].type, value, expand.attributes["reassociation"],
                                    [], expand.attributes["static_output_shape"]).result
    return _sink(op, _is_expand, _reassociation, expand_after)


def sink_reshape(op: ir.Operation) -> bool:
    """``sink_expand`` for a `tensor.reshape` that splits the leading dynamic dim (see the
    module docstring); False (untouched) when it does not apply."""
    def reshape_after(value: ir.Value, reshape: ir.Operation) -> ir.Value:
        return tensor.ReshapeOp(op.results[0].type, value, reshape.operands[1]).result
    return _sink(op, lambda o: o is not None and o.name == RESHAPE and _split(o) is not None,
                 _split, reshape_after)


def _split(reshape: ir.Operation) -> list[list[int]] | None:
    """The reassociation of a `tensor.reshape` from ``[?, s1 .. sn]`` (static s) to
    ``[d0 .. dk, s1 .. sn]``; None for any other reshape."""
    source = ir.RankedTensorType(reshape.operands[0].type)
    result = ir.RankedTensorType(reshape.results[0].type)
    k = result.rank - source.rank
    rest = list(source.shape)[1:]
    if k < 1 or not source.is_dynamic_dim(0) or list(result.shape)[k + 1:] != rest \
            or any(source.is_dynamic_dim(i) for i in range(1, source.rank)):
        return None
    return [list(range(k + 1))] + [[k + 1 + i] for i in range(len(rest))]


def _sink(op: ir.Operation, is_reshape, reassociation, reshape_after) -> bool:
    operands = list(op.operands)
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    rank = len(ir.RankedTensorType(op.results[0].type).shape)
    identity = list(range(rank))
    expand = next((defining_op(v) for v, m in zip(operands[:-1], maps)
                   if is_reshape(defining_op(v)) and _dims(m) == identity), None)
    if expand is None or _has_index(op) or len(list(expand.results[0].uses)) != 1:
        return False  # (another reader keeps the expanded value: moving gains nothing)
    groups = reassociation(expand)
    if sorted(d for g in groups for d in g) != identity:
        return False  # (a rank-0 source expands with no groups)
    extents = list(ir.RankedTensorType(op.results[0].type).shape)
    plans = []
    for value, amap in zip(operands, maps):
        dims = _dims(amap)
        plan = None if dims is None else _collapsed_map(dims, groups, extents)
        if plan is None:
            return False
        plans.append(plan)
    with ir.InsertionPoint(op), op.location:
        values = [expand.operands[0] if v == expand.results[0] else _collapse(v, reassoc)
                  for v, (_, reassoc) in zip(operands, plans)]
        n = len(groups)
        attrs = ir.ArrayAttr.get([ir.AffineMapAttr.get(ir.AffineMap.get(
            n, 0, [ir.AffineDimExpr.get(d) for d in dims])) for dims, _ in plans])
        iterators = ir.ArrayAttr.get(list(ir.ArrayAttr(op.attributes["iterator_types"]))[:n])
        new = linalg.GenericOp([values[-1].type], values[:-1], [values[-1]], attrs, iterators)
        op.regions[0].blocks[0].append_to(new.regions[0])
        result = reshape_after(new.results[0], expand)
    op.results[0].replace_all_uses_with(result)
    op.erase()
    if not list(expand.results[0].uses):
        expand.erase()  # (so the contraction's result has the one use an epilogue needs)
    return True


def _has_index(op: ir.Operation) -> bool:
    return any(o.operation.name == "linalg.index" for o in op.regions[0].blocks[0].operations)


def _collapse(value: ir.Value, reassoc: list[list[int]]) -> ir.Value:
    """``value`` with each run of dims in ``reassoc`` merged (itself when nothing merges)."""
    if all(len(g) == 1 for g in reassoc):
        return value
    producer = defining_op(value)
    if _is_expand(producer) and _reassociation(producer) == reassoc:
        return producer.operands[0]  # collapse(expand(x)) is x
    if producer is not None and producer.name == RESHAPE and _split(producer) == reassoc:
        return producer.operands[0]  # collapse(reshape(x)) is x
    vtype = ir.RankedTensorType(value.type)
    shape = []
    for g in reassoc:
        size = 1
        for d in g:
            size *= vtype.shape[d]
        dynamic = any(vtype.is_dynamic_dim(d) for d in g)
        shape.append(ir.ShapedType.get_dynamic_size() if dynamic else size)
    attr = ir.ArrayAttr.get([ir.ArrayAttr.get(
        [ir.IntegerAttr.get(ir.IntegerType.get_signless(64), d) for d in g]) for g in reassoc])
    result = ir.RankedTensorType.get(shape, vtype.element_type)
    return tensor.CollapseShapeOp(result, value, attr).result


def generalize_transpose(op: ir.Operation) -> bool:
    """`linalg.transpose` -> the same copy as a `linalg.generic` (identity output map, the
    input read through the inverse permutation), so it tiles, runs on all cores and can merge
    with its elementwise neighbours. False when ``op`` is not a transpose."""
    if op.name != "linalg.transpose":
        return False
    perm = list(ir.DenseI64ArrayAttr(op.attributes["permutation"]))
    inverse = [perm.index(j) for j in range(len(perm))]
    src, init = list(op.operands)
    rank = len(perm)
    maps = ir.ArrayAttr.get([
        ir.AffineMapAttr.get(ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(d)
                                                       for d in inverse])),
        ir.AffineMapAttr.get(ir.AffineMap.get_identity(rank))])
    parallel = ir.Attribute.parse("#linalg.iterator_type<parallel>")
    element = ir.RankedTensorType(init.type).element_type
    with ir.InsertionPoint(op), op.location:
        new = linalg.GenericOp([init.type], [src], [init], maps,
                               ir.ArrayAttr.get([parallel] * rank))
        block = new.regions[0].blocks.append(element, element)
        with ir.InsertionPoint(block):
            linalg.YieldOp([block.arguments[0]])
    op.results[0].replace_all_uses_with(new.results[0])
    op.erase()
    return True
