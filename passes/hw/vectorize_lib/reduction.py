"""Vectorize an innermost-dim reduction `linalg.generic` tile (on tensors).

Used by `aic-hw-vectorize`. Accepted (anything else is left untouched): iterators all
parallel but the last, which is the reduction; one output indexed by the parallel dims in
order; inputs as for the elementwise case (the reduced dim, where present, is the last
result); static shapes; a body of region-free `arith`/`math` ops whose yielded value is one
combiner `c(x, out)` (add, mul, max, min on floats or ints) and `out` used only there.

Per output element (one `scf.for` per parallel dim, carrying the output tensor):

    acc[a] = x(j = a V)  for a < W                     (W = min(WAYS, full / V) vectors)
    for j in W V..full step W V:                       (full = extent - r)
      acc[a] = c(acc[a], x(j + a V))  for a < W        (W independent combiner chains)
    acc[q % W] = c(acc[q % W], x(q V))                 (the < W full chunks left, unrolled)
    acc[0] = select(lanes < r, c(acc[0], x(full)), acc[0])   (only for a ragged end r != 0:
                                                        masked reads, a constant lane mask)
    acc = c(c(acc[0], acc[1]), c(acc[2], acc[3]))      (a tree)
    out[i] = c(vector.reduction <kind> acc, out[i])    (max/min: a butterfly of shuffles)

V is the target's lanes for the element width (the largest power of two <= a shorter
extent; with an integer division or remainder in the payload, which padding lanes would
make trap, the largest divisor of the extent within the lanes, and no ragged end).

The reduction is reassociated (W x V partial results), as any vectorizing compiler does;
the W chains keep the combiner's latency (4 cycles for an add, ~10 for a NaN-propagating
max) off the critical path of a short row (softmax over 197: 12 chunks).
"""

from __future__ import annotations

from aic.dialects.tiled.tiling import largest_divisor
from aic.mlir_api import arith, ir, scf, tensor, vector
from aic.passes.hw.vectorize_lib.elementwise import (body_ok, element_bits, indexing_dims, read,
                                                 traps, vector_ops)

WAYS = 4
"""Independent vector accumulators per reduced row."""

KINDS = {  # combiner op -> vector.reduction kind
    "arith.addf": "add", "arith.addi": "add", "arith.mulf": "mul", "arith.muli": "mul",
    "arith.maximumf": "maximumf", "arith.minimumf": "minimumf", "arith.maxnumf": "maxnumf",
    "arith.minnumf": "minnumf", "arith.maxsi": "maxsi", "arith.minsi": "minsi",
    "arith.maxui": "maxui", "arith.minui": "minui",
}


def vectorize_reduction(op, vector_bits: int) -> bool:
    """Replace ``op`` (a linalg.generic) by vector code; False (untouched) when unsupported."""
    plan = _plan(op, vector_bits)
    if plan is None:
        return False
    with ir.InsertionPoint(op), op.location:
        result = _loop(op, plan, 0, [], op.operation.operands[len(plan["in_dims"])])
    op.results[0].replace_all_uses_with(result)
    op.operation.erase()
    return True


def _plan(op, vector_bits) -> dict | None:
    attrs = op.operation.attributes
    iterators = [str(a) for a in ir.ArrayAttr(attrs["iterator_types"])]
    rank = len(iterators)
    if rank == 0 or "reduction" not in iterators[-1] or len(op.results) != 1 or any(
            "parallel" not in it for it in iterators[:-1]):
        return None
    operands = list(op.operation.operands)
    if any(not isinstance(v.type.maybe_downcast(), ir.RankedTensorType) for v in operands):
        return None
    types = [ir.RankedTensorType(v.type) for v in operands]
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(attrs["indexing_maps"])]
    dims = [indexing_dims(m) for m in maps]
    if any(d is None for d in dims) or dims[-1] != list(range(rank - 1)):
        return None
    if any(rank - 1 in d and d[-1] != rank - 1 for d in dims):
        return None
    if any(not t.has_static_shape or element_bits(t.element_type) is None for t in types):
        return None
    extents = [t.shape[-1] for t, d in zip(types, dims) if rank - 1 in d]
    combiner = _combiner(op)
    if not extents or combiner is None or not body_ok(op):
        return None
    bits = max(element_bits(t.element_type) for t in types)
    if traps(op):  # no padding lanes for an integer division: a divisor of the extent
        lanes = largest_divisor(extents[0], max(1, vector_bits // bits))
    else:
        lanes = 1
        while lanes * 2 <= min(extents[0], vector_bits // bits):
            lanes *= 2
    if lanes == 1:
        return None
    return {"rank": rank, "lanes": lanes, "extent": extents[0], "in_dims": dims[:-1],
            "combiner": combiner}


def _combiner(op):
    """The yielded combiner op c(x, out), with `out` used nowhere else; else None."""
    block = op.operation.regions[0].blocks[0]
    out = block.arguments[len(block.arguments) - 1]
    ops = list(block.operations)
    if len(ops) < 2:
        return None
    last = ops[-2].operation
    yielded = ops[-1].operation.operands
    if last.name not in KINDS or len(yielded) != 1 or yielded[0] != last.results[0]:
        return None
    operands = list(last.operands)
    if sum(v == out for v in operands) != 1:
        return None
    uses = sum(v == out for o in ops[:-1] for v in o.operation.operands)
    return last if uses == 1 else None


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _loop(op, plan, d, ivs, carried) -> ir.Value:
    if d == plan["rank"] - 1:
        return _reduce(op, plan, ivs, carried)
    extent = ir.RankedTensorType(carried.type).shape[d]
    loop = scf.ForOp(_index(0), _index(extent), _index(1), [carried])
    with ir.InsertionPoint(loop.body):
        scf.YieldOp([_loop(op, plan, d + 1, ivs + [loop.induction_variable],
                           loop.inner_iter_args[0])])
    return loop.results[0]


def _x(op, plan, ivs, in_bounds: bool = True) -> ir.Value:
    """The combiner's non-`out` operand as a vector at reduction offset ivs[-1]."""
    block = op.operation.regions[0].blocks[0]
    rank, lanes, combiner = plan["rank"], plan["lanes"], plan["combiner"]
    values = {arg: read(src, dims, ivs, lanes, rank, in_bounds) for arg, src, dims in
              zip(block.arguments, op.operation.operands, plan["in_dims"])}
    vector_ops(list(block.operations)[:-2], values, lanes)
    out = block.arguments[len(block.arguments) - 1]
    x = [v for v in combiner.operands if v != out][0]
    return values[x] if x in values else vector.broadcast(
        ir.VectorType.get([lanes], x.type), x)


def _combine(combiner, x, acc, out) -> ir.Value:
    """``combiner`` re-created on (x, acc) in its operand order (``acc`` takes `out`'s place)."""
    operands = [acc if v == out else x for v in combiner.operands]
    attrs = {name: combiner.attributes[name] for name in combiner.attributes}
    return ir.Operation.create(combiner.name, results=[acc.type], operands=operands,
                               attributes=attrs).results[0]


def _reduce(op, plan, ivs, carried) -> ir.Value:
    lanes, extent, combiner = plan["lanes"], plan["extent"], plan["combiner"]
    block = op.operation.regions[0].blocks[0]
    out = block.arguments[len(block.arguments) - 1]
    full = extent - extent % lanes
    accs = _partials(op, plan, ivs, full // lanes)
    if full < extent:  # ragged end: combine only its first extent - full lanes
        x = _x(op, plan, ivs + [_index(full)], in_bounds=False)
        mask = vector.constant_mask(ir.VectorType.get([lanes], ir.IntegerType.get_signless(1)),
                                    [extent - full])
        accs[0] = arith.select(mask, _combine(combiner, x, accs[0], out), accs[0])
    while len(accs) > 1:  # a tree: c(c(a0, a1), c(a2, a3))
        accs = [_combine(combiner, accs[i + 1], accs[i], out) if i + 1 < len(accs)
                else accs[i] for i in range(0, len(accs), 2)]
    partial = _horizontal(combiner, accs[0], out)
    old = tensor.extract(carried, ivs)
    new = _combine(combiner, partial, old, out)
    return tensor.insert(new, carried, ivs)


BUTTERFLY = ("arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf")
"""Combiners whose `vector.reduction` LLVM expands into a long scalar tail (NaN and signed
zero checks per step): reduced by a butterfly of shuffles instead (exact: max and min are
associative)."""


def _horizontal(combiner, acc: ir.Value, out) -> ir.Value:
    """The lanes of ``acc`` combined into one scalar. ``BUTTERFLY`` combiners: log2(V) steps
    ``acc = c(shuffle(acc, lane ^ s), acc)`` on whole vectors, then lane 0; the others one
    ``vector.reduction``."""
    element = ir.VectorType(acc.type).element_type
    lanes = ir.VectorType(acc.type).shape[0]
    if combiner.name not in BUTTERFLY or lanes & (lanes - 1):  # (a power of two only)
        kind = ir.Attribute.parse(f"#vector.kind<{KINDS[combiner.name]}>")
        return vector.reduction(element, kind, acc)
    step = lanes // 2
    while step:
        swapped = vector.shuffle(acc, acc, [i ^ step for i in range(lanes)])
        acc = _combine(combiner, swapped, acc, out)
        step //= 2
    return vector.extract(acc, [], [0])


def _partials(op, plan, ivs, chunks: int) -> list[ir.Value]:
    """``WAYS`` (or ``chunks``, if fewer) vector accumulators over the ``chunks`` full
    chunks: accumulator ``a`` combines chunks ``a, a + WAYS, ...`` (independent chains, so
    the combiner's latency is paid once per ``WAYS`` chunks)."""
    lanes, combiner = plan["lanes"], plan["combiner"]
    block = op.operation.regions[0].blocks[0]
    out = block.arguments[len(block.arguments) - 1]
    ways = min(WAYS, chunks)
    accs = [_x(op, plan, ivs + [_index(a * lanes)]) for a in range(ways)]
    grouped = ways + (chunks - ways) // ways * ways  # chunks the loop's groups cover
    if grouped > ways:
        loop = scf.ForOp(_index(ways * lanes), _index(grouped * lanes), _index(ways * lanes),
                         accs)
        with ir.InsertionPoint(loop.body):
            j = loop.induction_variable
            xs = [_x(op, plan, ivs + [arith.addi(j, _index(a * lanes)) if a else j])
                  for a in range(ways)]
            scf.YieldOp([_combine(combiner, x, acc, out)
                         for x, acc in zip(xs, loop.inner_iter_args)])
        accs = list(loop.results)
    for q in range(grouped, chunks):  # fewer than WAYS chunks left
        x = _x(op, plan, ivs + [_index(q * lanes)])
        accs[q % ways] = _combine(combiner, x, accs[q % ways], out)
    return accs
