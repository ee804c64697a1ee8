"""``aic-hw-split-reductions``: the row reductions of CUDA blocks as block-level tree reductions.

In a CUDA `hw` program a row kernel's reduction (softmax's max and sum, a norm's mean and
variance) is a `linalg.generic` on the block's tile reducing the last loop dim ``K``; mapped
as it is, one thread runs each row's whole ``K``-long loop while the block's other threads
wait. This pass splits each such reduction into stages, each a thread phase of the block:

    partial[r, l] = reduce_j body(x[r, j * L + l])     L lanes, K / L >= 4 serial steps each
    out[r]        = reduce_l combine(partial[r, l])    split again while its length is > 16

Stage 1 reads the input as ``[K / L, L]`` (`tensor.expand_shape`) with the lane innermost, so
consecutive threads read consecutive elements (coalesced); the partials start at the
combiner's identity and live in shared memory (tile buffers of the block); each further stage
divides the length by at least 4, the last (at most 16 long) accumulates into the original
init, so the result is the reduction in a tree order. ``L`` is the largest divisor of ``K`` with
``rows * L <= 256`` (a block's threads) and ``K / L >= 4``; a reduction of 16 or fewer is
left alone.

Applies to a `linalg.generic` directly in the body of a `hw.parallel` over CUDA blocks (a
``block_*`` mapping; not one in a loop inside it, e.g. a k loop over reduction tiles, nor in a
sequential or thread-mapped `hw.parallel`) whose iterators
are ``parallel^n, reduction`` (n >= 1), whose output map is ``(d0, ..., dn-1)``, whose inputs
read ``dn`` (if at all) as their last dim, and whose body yields ``op(value, acc)`` (or
``op(acc, value)``) of the accumulator with ``op`` one of ``arith.addf``, ``mulf``,
``maximumf``, ``minimumf`` (a float type: the tree order changes the rounding of sums, within
the tolerances of the emulation tests). Other ops are left alone. Options: none.
"""

from __future__ import annotations

import math

from aic.dialects.hw import ParallelOp, enclosing_target
from aic.mlir_api import arith, ir, linalg, tensor
from aic.pass_base import Pass, register_pass
from aic.verify import walk

COMBINERS = {  # combiner -> identity (for floats)
    "arith.addf": 0.0,          # x + 0 = x
    "arith.mulf": 1.0,          # x * 1 = x
    "arith.maximumf": -math.inf,  # max(x, -inf) = x
    "arith.minimumf": math.inf,   # min(x, +inf) = x
}
THREADS = 256
"""Threads of a block (``aic-convert-loops-to-gpu``'s default): the lanes of all rows."""
MIN_STEPS = 4
MAX_UNSPLIT = 16
PARALLEL = "#linalg.iterator_type<parallel>"
REDUCTION = "#linalg.iterator_type<reduction>"


@register_pass
class SplitReductions(Pass):
    """Row reductions inside CUDA hw.parallel blocks -> staged tree reductions."""

    NAME = "aic-hw-split-reductions"

    def run(self, op):
        blocks = [p for p in walk(op) if isinstance(p, ParallelOp)]
        target = enclosing_target(blocks[0]) if blocks else None
        if target is None or target.kind != "cuda":
            return
        for block in [b for b in blocks if _is_block(b.operation)]:
            for child in [c for c in walk(block.operation)
                          if c.operation.name == "linalg.generic"
                          and c.operation.parent == block.operation]:
                plan = _plan(child.operation)
                if plan is not None:
                    _split(child.operation, *plan)


def _is_block(op: ir.Operation) -> bool:
    """A `hw.parallel` over CUDA blocks (its tiles' work runs on one block's threads)."""
    mapping = [ir.StringAttr(m).value for m in ir.ArrayAttr(op.attributes["mapping"])]
    return any(m.startswith("block_") for m in mapping)


def _lanes(rows: int, length: int) -> int:
    """Lanes for a reduction of ``length`` on ``rows`` rows (1: do not split)."""
    if length <= MAX_UNSPLIT:
        return 1
    best = 1
    for lanes in range(2, min(THREADS // max(rows, 1), length // MIN_STEPS) + 1):
        if length % lanes == 0:
            best = lanes
    return best


def _plan(op: ir.Operation):
    """(combiner op name, its position of acc, lanes) when ``op`` can be split, else None."""
    iterators = [str(a) for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    n = len(iterators) - 1
    if n < 1 or iterators[-1] != REDUCTION or any(it != PARALLEL for it in iterators[:-1]):
        return None
    if len(op.results) != 1 or len(op.regions[0].blocks[0].arguments) != len(op.operands):
        return None
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    if maps[-1] != _leading(n + 1, n) or not all(
            _reads_last(m, n) for m in maps[:-1]):
        return None
    body = op.regions[0].blocks[0]
    ops = list(body.operations)
    if any(o.operation.name == "linalg.index" for o in ops):
        return None
    combine = ops[-1].operands[0].owner
    acc = body.arguments[len(body.arguments) - 1]
    if not isinstance(combine, ir.OpView) or combine.operation.name not in COMBINERS:
        return None
    position = [i for i, v in enumerate(combine.operation.operands) if v == acc]
    if len(position) != 1 or len(list(acc.uses)) != 1:
        return None
    out = ir.RankedTensorType(op.results[0].type)
    shape = _loop_shape(op, maps)
    if shape is None or not isinstance(out.element_type.maybe_downcast(), ir.FloatType):
        return None
    lanes = _lanes(math.prod(shape[:n]), shape[n])
    return (combine.operation.name, position[0], lanes, shape) if lanes > 1 else None


def _reads_last(m: ir.AffineMap, n: int) -> bool:
    """A projected permutation that reads loop dim ``n`` (the reduced one) last, if at all."""
    if not m.is_projected_permutation:
        return False
    dims = [ir.AffineDimExpr(r).position for r in m.results]
    return n not in dims or dims[-1] == n


def _loop_shape(op: ir.Operation, maps) -> list[int] | None:
    """Extent of each loop dim, read off the operands' static shapes."""
    shape: dict[int, int] = {}
    for value, m in zip(op.operands, maps):
        t = value.type
        if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
            return None
        for r, size in zip(m.results, t.shape):
            shape[ir.AffineDimExpr(r).position] = size
    return [shape[d] for d in range(len(shape))] if sorted(shape) == list(range(len(shape))) \
        else None


def _split(op: ir.Operation, name: str, acc_at: int, lanes: int, shape: list[int]) -> None:
    n = len(shape) - 1
    with ir.InsertionPoint(op), op.location:
        partial = _stage_one(op, shape, lanes, name)
        result = _combine(name, acc_at, partial, op.operands[len(op.operands) - 1],
                          shape[:n] + [lanes])
    op.results[0].replace_all_uses_with(result)
    op.erase()


def _stage_one(op: ir.Operation, shape: list[int], lanes: int, combine: str) -> ir.Value:
    """``partial[rows, l] = reduce_j body(x[rows, j * lanes + l])`` from the identity."""
    n = len(shape) - 1
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    element = ir.RankedTensorType(op.results[0].type).element_type
    ins, in_maps = [], []
    for value, m in zip(list(op.operands)[:-1], maps[:-1]):
        dims = [ir.AffineDimExpr(r).position for r in m.results]
        if dims and dims[-1] == n:
            value = _expand_last(value, shape[n] // lanes, lanes)
            dims = dims[:-1] + [n + 1, n]  # (..., j, l)
        ins.append(value)
        in_maps.append(ir.AffineMap.get(n + 2, 0, [ir.AffineDimExpr.get(d) for d in dims]))
    identity = arith.ConstantOp(element, COMBINERS[combine]).result
    init = linalg.fill(identity, outs=[tensor.EmptyOp(shape[:n] + [lanes], element).result])
    out_map = _leading(n + 2, n + 1)
    iterators = [PARALLEL] * (n + 1) + [REDUCTION]
    stage = linalg.GenericOp([init.type], ins, [init], _maps(in_maps + [out_map]),
                             ir.ArrayAttr.get([ir.Attribute.parse(i) for i in iterators]))
    op.regions[0].blocks[0].append_to(stage.operation.regions[0])
    return stage.operation.results[0]


def _combine(name: str, acc_at: int, partial: ir.Value, init: ir.Value, shape: list[int]):
    """``init[rows] = reduce_l name(partial[rows, l])``, split again while it is long."""
    n = len(shape) - 1
    element = ir.RankedTensorType(partial.type).element_type
    lanes = _lanes(math.prod(shape[:n]), shape[n])
    if lanes > 1:
        inner = _combine_generic(name, acc_at, _expand_last(partial, shape[n] // lanes, lanes),
                                 linalg.fill(arith.ConstantOp(element, COMBINERS[name]).result,
                                             outs=[tensor.EmptyOp(shape[:n] + [lanes],
                                                                  element).result]),
                                 n, split=True)
        return _combine(name, acc_at, inner, init, shape[:n] + [lanes])
    return _combine_generic(name, acc_at, partial, init, n, split=False)


def _combine_generic(name, acc_at, source, init, n: int, split: bool) -> ir.Value:
    """A generic combining ``source`` (``[rows, K]``, or ``[rows, K/L, L]`` when ``split``:
    into ``[rows, L]``) into ``init`` with ``name``."""
    loops = n + 2 if split else n + 1
    dims = list(range(n)) + ([n + 1, n] if split else [n])
    in_map = ir.AffineMap.get(loops, 0, [ir.AffineDimExpr.get(d) for d in dims])
    out_map = _leading(loops, loops - 1)
    iterators = [PARALLEL] * (loops - 1) + [REDUCTION]
    stage = linalg.GenericOp([init.type], [source], [init], _maps([in_map, out_map]),
                             ir.ArrayAttr.get([ir.Attribute.parse(i) for i in iterators]))
    element = ir.RankedTensorType(init.type).element_type
    block = stage.operation.regions[0].blocks.append(element, element)
    with ir.InsertionPoint(block):
        value, acc = block.arguments[0], block.arguments[1]
        operands = [value, acc] if acc_at == 1 else [acc, value]
        combined = ir.Operation.create(name, results=[element], operands=operands)
        linalg.YieldOp([combined.results[0]])
    return stage.operation.results[0]


def _expand_last(value: ir.Value, outer: int, inner: int) -> ir.Value:
    """``value``'s last dim ``outer * inner`` as two dims ``[outer, inner]``."""
    t = ir.RankedTensorType(value.type)
    shape = list(t.shape[:-1]) + [outer, inner]
    i64 = ir.IntegerType.get_signless(64)
    groups = [[d] for d in range(t.rank - 1)] + [[t.rank - 1, t.rank]]
    reassoc = ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in g])
                                for g in groups])
    return tensor.ExpandShapeOp(ir.RankedTensorType.get(shape, t.element_type), value, reassoc,
                                [], shape).result


def _leading(loops: int, count: int) -> ir.AffineMap:
    """``(d0, ..., d(loops-1)) -> (d0, ..., d(count-1))``."""
    return ir.AffineMap.get(loops, 0, [ir.AffineDimExpr.get(d) for d in range(count)])


def _maps(maps) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps])
