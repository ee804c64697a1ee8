"""Vectorize an elementwise `linalg.generic` tile along its innermost dimension (on tensors).

Used by `aic-hw-vectorize`. What is accepted (anything else is left untouched):

* every iterator is parallel, one output with the identity indexing map, static shapes;
* every input map is a projected permutation in which the innermost loop dim, where it
  appears, is the last result (the input is then read contiguously) — inputs that do not
  depend on the innermost dim are read as scalars and broadcast;
* the body holds only region-free `arith`/`math` ops on int or float scalars (no i1 or
  index operands in memory).

The result: one `scf.for` per outer dim (step 1) and one over the innermost dim with step V
(the target's lanes for the element width; the next power of two of a shorter extent),
carrying the output tensor; inside, `vector.transfer_read` / `tensor.extract` +
`vector.broadcast`, the body ops re-created on `vector<V x T>`, and one
`vector.transfer_write`. A ragged end (extent % V) is one more, masked, chunk
(`in_bounds = false` reads and write), never a narrower vector — except for payloads with an
integer division or remainder (padding lanes would divide by zero, which traps): there V is
the largest divisor of the extent within the lanes.
"""

from __future__ import annotations

from aic.dialects.tiled.tiling import largest_divisor
from aic.mlir_api import arith, ir, scf, tensor, vector
from aic.verify import defining_op

_DIALECTS = ("arith.", "math.")


def vectorize_generic(op, vector_bits: int) -> bool:
    """Replace ``op`` (a linalg.generic) by vector code; False (untouched) when unsupported."""
    plan = _plan(op, vector_bits)
    if plan is None:
        return False
    with ir.InsertionPoint(op), op.location:
        result = _emit(op, *plan)
    op.results[0].replace_all_uses_with(result)
    op.operation.erase()
    return True


def element_bits(t: ir.Type) -> int | None:
    t = t.maybe_downcast() if hasattr(t, "maybe_downcast") else t
    if isinstance(t, ir.IntegerType):  # sub-byte types stay scalar (stored a byte each)
        return None if t.width < 8 else t.width
    if isinstance(t, (ir.F16Type, ir.BF16Type, ir.F32Type, ir.F64Type)):
        return t.width
    return None


def _plan(op, vector_bits):
    """(rank, V, input maps as dim lists) or None."""
    attrs = op.operation.attributes
    iterators = [str(a) for a in ir.ArrayAttr(attrs["iterator_types"])]
    if any("parallel" not in it for it in iterators) or len(op.results) != 1:
        return None
    operands = list(op.operation.operands)
    types = [ir.RankedTensorType(v.type) if _is_tensor(v) else None for v in operands]
    if any(t is None or not t.has_static_shape for t in types):
        return None
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(attrs["indexing_maps"])]
    rank = len(iterators)
    dims = [indexing_dims(m) for m in maps]
    if rank == 0 or any(d is None for d in dims) or dims[-1] != list(range(rank)):
        return None
    if any(rank - 1 in d and d[-1] != rank - 1 for d in dims):
        return None
    bits = [element_bits(t.element_type) for t in types]
    if any(b is None for b in bits) or not body_ok(op):
        return None
    lanes = chunk_lanes(types[-1].shape[-1], vector_bits // max(bits), traps(op))
    return (rank, lanes, dims[:-1]) if lanes > 1 else None


_TRAPPING = ("arith.divsi", "arith.divui", "arith.remsi", "arith.remui", "arith.ceildivsi",
             "arith.ceildivui", "arith.floordivsi")
"""Integer ops that trap on x86 for a zero divisor — as the padding lanes of a masked chunk
would give them."""


def traps(op) -> bool:
    """Whether the payload of ``op`` holds an integer division or remainder."""
    block = op.operation.regions[0].blocks[0]
    return any(o.operation.name in _TRAPPING for o in block.operations)


def chunk_lanes(extent: int, max_lanes: int, no_padding: bool = False) -> int:
    """Vector width for ``extent`` elements: the target's, or the next power of two of a
    shorter extent (the ragged end is a masked chunk). ``no_padding`` (a payload that must
    not see padding lanes): the largest divisor of ``extent`` within the target's lanes."""
    if no_padding:
        return largest_divisor(extent, max(1, max_lanes))
    lanes = 1
    while lanes < min(extent, max(1, max_lanes)):
        lanes *= 2
    return lanes


def _is_tensor(v) -> bool:
    return isinstance(v.type.maybe_downcast(), ir.RankedTensorType)


def indexing_dims(m: ir.AffineMap) -> list[int] | None:
    out = []
    for e in m.results:
        if not isinstance(e, ir.AffineDimExpr):
            return None
        out.append(e.position)
    return out


def body_ok(op) -> bool:
    block = op.operation.regions[0].blocks[0]
    for inner in list(block.operations)[:-1]:
        if not inner.operation.name.startswith(_DIALECTS) or len(inner.operation.regions):
            return False
        if any(element_bits(r.type) is None and not _is_i1(r.type) for r in inner.results):
            return False
    return True


def _is_i1(t) -> bool:
    t = t.maybe_downcast()
    return isinstance(t, ir.IntegerType) and t.width == 1


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _emit(op, rank, lanes, in_dims) -> ir.Value:
    out = op.operation.operands[len(in_dims)]
    return _loop(op, 0, rank, lanes, in_dims, [], out)


def _loop(op, d, rank, lanes, in_dims, ivs, carried) -> ir.Value:
    """The loop over dim ``d`` (innermost: step ``lanes``, holding the vector body)."""
    extent = ir.RankedTensorType(carried.type).shape[d]
    if d == rank - 1:
        return _row(op, lanes, in_dims, ivs, carried, extent)
    loop = scf.ForOp(_index(0), _index(extent), _index(1), [carried])
    with ir.InsertionPoint(loop.body):
        ivs = ivs + [loop.induction_variable]
        scf.YieldOp([_loop(op, d + 1, rank, lanes, in_dims, ivs, loop.inner_iter_args[0])])
    return loop.results[0]


def _row(op, lanes, in_dims, ivs, carried, extent) -> ir.Value:
    """In-bounds chunks of the innermost dim, then a masked chunk for a ragged end."""
    full = extent - extent % lanes
    if full:
        loop = scf.ForOp(_index(0), _index(full), _index(lanes), [carried])
        with ir.InsertionPoint(loop.body):
            here = ivs + [loop.induction_variable]
            scf.YieldOp([_chunk(op, lanes, in_dims, here, loop.inner_iter_args[0], True)])
        carried = loop.results[0]
    if full < extent:
        carried = _chunk(op, lanes, in_dims, ivs + [_index(full)], carried, False)
    return carried


def _chunk(op, lanes, in_dims, ivs, carried, in_bounds: bool) -> ir.Value:
    value = _vector_body(op, ivs, in_dims, lanes, carried, in_bounds)
    return vector.transfer_write(carried.type, value, carried, ivs, _minor(len(ivs)),
                                 _in_bounds(in_bounds))


def _minor(rank: int) -> ir.AffineMapAttr:
    return ir.AffineMapAttr.get(ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(rank - 1)]))


def _in_bounds(value: bool = True) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.BoolAttr.get(value)])


def read(source, dims, ivs, lanes, rank, in_bounds: bool = True) -> ir.Value:
    element = ir.RankedTensorType(source.type).element_type
    vtype = ir.VectorType.get([lanes], element)
    indices = [ivs[d] for d in dims]
    if rank - 1 in dims:
        pad = arith.ConstantOp(element, _zero(element)).result
        return vector.transfer_read(vtype, source, indices, _minor(len(dims)), pad,
                                    _in_bounds(in_bounds))
    return vector.broadcast(vtype, scalar_at(source, indices))


def scalar_at(source: ir.Value, indices: list[ir.Value]) -> ir.Value:
    """``source[indices]``. When ``source`` is an elementwise generic left scalar (a row
    group's per-row ``1 / sum``: a 1 x 1 tile, no lanes to vectorize), its payload is
    re-created on the scalars of its inputs instead: its tensor is then never materialised
    (it would bufferize to a heap allocation per tile)."""
    producer = defining_op(source)
    if producer is None or not _pointwise(producer):
        return tensor.extract(source, indices)
    block = producer.regions[0].blocks[0]
    n_inputs = len(block.arguments) - 1
    values = {arg: scalar_at(v, indices)
              for arg, v in zip(list(block.arguments)[:n_inputs], producer.operands)}
    for inner in list(block.operations)[:-1]:
        new = inner.operation.clone()
        for i, v in enumerate(new.operands):
            if v in values:
                new.operands[i] = values[v]
        for old, r in zip(inner.results, new.results):
            values[old] = r
    yielded = list(block.operations)[-1].operation.operands[0]
    return values.get(yielded, yielded)


def _pointwise(op) -> bool:
    """A linalg.generic on tensors: one result, all parallel, every map the identity, the
    payload arith/math only and not reading its output."""
    if op.name != "linalg.generic" or len(op.results) != 1:
        return False
    attrs = op.attributes
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(attrs["indexing_maps"])]
    iterators = [str(a) for a in ir.ArrayAttr(attrs["iterator_types"])]
    block = op.regions[0].blocks[0]
    return (all("parallel" in it for it in iterators) and all(m.is_permutation and
            indexing_dims(m) == list(range(len(iterators))) for m in maps)
            and all(_is_tensor(v) for v in op.operands) and body_ok(op.opview)
            and not list(block.arguments[len(block.arguments) - 1].uses))


def _zero(element) -> ir.Attribute:
    if isinstance(element.maybe_downcast(), ir.IntegerType):
        return ir.IntegerAttr.get(element, 0)
    return ir.FloatAttr.get(element, 0.0)


def _vector_body(op, ivs, in_dims, lanes, carried, in_bounds: bool) -> ir.Value:
    rank = len(ivs)
    block = op.operation.regions[0].blocks[0]
    out = op.operation.operands[len(in_dims)]
    identity = list(range(rank))
    # an input that is the output tensor itself (ins(%acc) outs(%acc)) is read from the
    # carried tensor: same positions, read before written, and no copy at bufferization
    sources = [carried if v == out and d == identity else v
               for v, d in zip(list(op.operation.operands)[:len(in_dims)], in_dims)] + [carried]
    all_dims = in_dims + [identity]
    values = {}
    for arg, source, dims in zip(block.arguments, sources, all_dims):
        if list(arg.uses):  # (a copy never reads its destination)
            values[arg] = read(source, dims, ivs, lanes, rank, in_bounds)
    ops = list(block.operations)
    vector_ops(ops[:-1], values, lanes)
    return _lookup(values, ops[-1].operation.operands[0], lanes)


def vector_ops(ops, values, lanes) -> None:
    """Re-create the scalar ``ops`` on ``vector<lanes x T>``; ``values`` maps old -> new."""
    for inner in ops:
        operands = [_lookup(values, v, lanes) for v in inner.operation.operands]
        vtypes = [ir.VectorType.get([lanes], r.type) for r in inner.results]
        attrs = {name: inner.operation.attributes[name] for name in inner.operation.attributes}
        if not operands:  # a constant: re-create it scalar, then broadcast
            new = inner.operation.clone()
            vals = [vector.broadcast(t, r) for t, r in zip(vtypes, new.results)]
        else:
            new = ir.Operation.create(inner.operation.name, results=vtypes, operands=operands,
                                      attributes=attrs)
            vals = list(new.results)
        for old, v in zip(inner.results, vals):
            values[old] = v


def _lookup(values, v, lanes) -> ir.Value:
    if v in values:
        return values[v]
    return vector.broadcast(ir.VectorType.get([lanes], v.type), v)  # defined above the body
