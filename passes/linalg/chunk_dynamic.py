"""``aic-linalg-chunk-dynamic``: run linalg ops over dynamic extents as loops of static chunks.

aic's kernels (``aic-convert-linalg-to-tiled`` and below: micro-kernels, prepacked weights,
vectorized rows) are built for static shapes. A model compiled with dynamic dims (batch,
sequence) has linalg ops over ``?`` extents; this pass turns each into loops over chunks of
static size, so every op that reaches the kernel formers is static and takes the fast path:

* each dynamic loop dim ``d`` of the op (an iterator dim whose extent is dynamic) is split into
  loops over full chunks of each size of ``T`` in turn (largest first), then a loop over the
  remainder one at a time: ``T`` is ``rows`` (128, then 32: 300 tokens run as 2 x 128 +
  1 x 32 + 12 x 1) for a contraction's M and N, a generic's innermost dynamic parallel dim
  when it is one of the last two loop dims (a matrix's rows: ``batch*seq`` tokens), and every
  dynamic reduction dim; 1 for the other (batch-like) dims, unless the extent is known to be
  a multiple of a constant ``c`` (``static_factor``: attention heads merged with the batch,
  ``12*batch``): then chunks of ``c`` and no remainder;
* the body of each loop is a clone of the op on ``tensor.extract_slice`` s of its operands
  (static along ``d``), its results inserted into the loop-carried outs (``tensor.insert_slice``
  along ``d``; a reduction dim carries the whole outs: chunks accumulate, as linalg's
  semantics say), and the clones are chunked again until no dynamic dim is left;
* a matmul's elementwise epilogue (``epilogue``: bias, activation, residual -- generics that
  take its result whole) is chunked in the same loop, right after it, so the kernel formers
  fuse it as for a static model;
* a row group (``row_group``: a layer norm's or softmax's reductions of the rows and the
  elementwise ops around them, the members of ``linalg_to_tiled_lib.rows``) is chunked in one
  loop along its leading dynamic dims, so each chunk is a static group that forms one row
  kernel; when only the rows' length is dynamic (softmax over the keys), its ops are chunked
  each in its own loops.

What is chunked together and the dims' static factors are found by ``chunk_dynamic_lib``.

Ops chunked: ``linalg.matmul``, ``batch_matmul``, ``fill``, ``broadcast``, ``pooling_nchw_*``
and ``linalg.generic``, along the dynamic dims that every operand reads as a plain index (not
inside ``oh * 2 + kh``: the batch of an im2col copy is chunked, its windows are not). Other
ops over dynamic extents stay as they are and run as loops
(``convert-linalg-to-parallel-loops``). Options: ``rows`` (default ``128,32``: chunk sizes,
largest first: 128 tokens run the kernels of the model specialised to 128, one per matmul
instead of four that each stream the weights; measured on BERT-base at 128 tokens, 1.19x
-> 1.05x of the specialised model's time at 1 thread). Precondition: linalg on
tensors. Postcondition: semantics unchanged; the chunked ops have static shapes.
"""

from __future__ import annotations

from aic.mlir_api import arith, ir, scf, tensor
from aic.pass_base import Pass, option, register_pass
from aic.passes.linalg.chunk_dynamic_lib import (
    dynamic_dims,
    epilogue,
    extent,
    factor,
    loop_structure,
    row_group,
)
from aic.verify import walk


def _slice(value: ir.Value, axes, d: int, iv: ir.Value, size: int) -> ir.Value:
    """``value`` cut to ``size`` at ``iv`` along the axes that read loop dim ``d``; a fill or
    a broadcast along those axes is rebuilt at the chunk's size instead (no full-size copy is
    read, and the kernel formers see the init they fuse)."""
    if d not in axes:
        return value  # a scalar, or an operand the chunked dim does not index
    rebuilt = _rebuilt_producer(value, axes, d, size)
    if rebuilt is not None:
        return rebuilt
    t = ir.RankedTensorType(value.type)
    offsets, sizes, dyn_offsets, dyn_sizes = [], [], [], []
    dyn = ir.ShapedType.get_dynamic_size()
    for axis, a in enumerate(axes):
        if a == d:
            offsets.append(dyn)
            dyn_offsets.append(iv)
            sizes.append(size)
        else:
            offsets.append(0)
            sizes.append(t.shape[axis])
            if t.is_dynamic_dim(axis):
                dyn_sizes.append(tensor.dim(value, arith.ConstantOp.create_index(axis).result))
    result = ir.RankedTensorType.get(sizes, t.element_type)
    return tensor.extract_slice(result, value, dyn_offsets, dyn_sizes, [], offsets, sizes,
                                [1] * t.rank)


def _rebuilt_producer(value: ir.Value, axes, d: int, size: int) -> ir.Value | None:
    owner = value.owner
    if isinstance(owner, ir.Block) or owner.operation.name not in ("linalg.fill",
                                                                   "linalg.broadcast"):
        return None
    producer = owner.operation
    if producer.name == "linalg.broadcast":
        added = set(ir.DenseI64ArrayAttr(producer.attributes["dimensions"]))
        if any(a == d and axis not in added for axis, a in enumerate(axes)):
            return None  # the chunked axis comes from the broadcast's input: slice instead
    t = ir.RankedTensorType(value.type)
    shape = [size if a == d else t.shape[axis] for axis, a in enumerate(axes)]
    dyn_sizes = [tensor.dim(value, arith.ConstantOp.create_index(axis).result)
                 for axis, a in enumerate(axes) if a != d and t.is_dynamic_dim(axis)]
    init = tensor.EmptyOp([dyn_sizes.pop(0) if s < 0 else s for s in shape],
                          t.element_type).result
    clone = producer.clone()
    clone.operands[len(clone.operands) - 1] = init
    clone.results[0].set_type(init.type)
    return clone.results[0]


def _insert(part: ir.Value, into: ir.Value, axes, d: int, iv: ir.Value) -> ir.Value:
    if d not in axes:
        return part  # a reduction chunk: the whole outs, accumulated
    t, pt = ir.RankedTensorType(into.type), ir.RankedTensorType(part.type)
    offsets = [ir.ShapedType.get_dynamic_size() if a == d else 0 for a in axes]
    dyn_sizes = [tensor.dim(part, arith.ConstantOp.create_index(axis).result)
                 for axis in range(pt.rank) if pt.is_dynamic_dim(axis)]
    return tensor.insert_slice(part, into, [iv], dyn_sizes, [], offsets, list(pt.shape),
                               [1] * t.rank)


def _shift_indices(clone: ir.Operation, d: int, iv: ir.Value) -> None:
    """A chunk's ``linalg.index d`` counts from the chunk's start: add ``iv`` to it (a gather's
    generic reads its source at the row it computes)."""
    if clone.name != "linalg.generic":
        return
    ops = list(clone.regions[0].blocks[0].operations)
    for at, body_op in enumerate(ops[:-1]):
        if body_op.name == "linalg.index" and \
                ir.IntegerAttr(body_op.attributes["dim"]).value == d:
            with ir.InsertionPoint(ops[at + 1]):
                shifted = arith.addi(body_op.results[0], iv)
            body_op.results[0].replace_all_uses_except(shifted, shifted.owner.operation)


def _members_loop(members, lo, hi, size, inits) -> tuple[list, list]:
    """``_loop`` for ops chunked together -- ``members``: ``(op, maps, dim)`` in program
    order, each chunked along its loop dim ``dim``: a member reads an earlier member's result
    as that member's clone computed it; the loop carries the last member's outs; the other
    operands are read chunk by chunk. The loop's results and the clones."""
    step = arith.ConstantOp.create_index(size).result
    loop = scf.ForOp(lo, hi, step, inits)
    last, last_maps, last_dim = members[-1]
    with ir.InsertionPoint(loop.body):
        iv, (carried,) = loop.induction_variable, list(loop.inner_iter_args)
        computed, clones = {}, []
        for member, maps, dim in members:
            n, operands = len(member.operands), []
            for i, (v, axes) in enumerate(zip(member.operands, maps)):
                if v in computed:
                    operands.append(computed[v])
                elif i == n - 1 and member == last:
                    operands.append(_slice(carried, axes, dim, iv, size))
                else:
                    operands.append(_slice(v, axes, dim, iv, size))
            clone = member.clone()  # after its operands: they must dominate it
            for i, v in enumerate(operands):
                clone.operands[i] = v
            _shift_indices(clone, dim, iv)
            clone.results[0].set_type(operands[n - 1].type)
            computed[member.results[0]] = clone.results[0]
            clones.append(clone)
        scf.YieldOp([_insert(clones[-1].results[0], carried, last_maps[-1], last_dim, iv)])
    return list(loop.results), clones


def _loop(op: ir.Operation, maps, d: int, lo: ir.Value, hi: ir.Value, size: int,
          inits: list[ir.Value]) -> tuple[list[ir.Value], ir.Operation]:
    """``scf.for`` from ``lo`` to ``hi`` step ``size`` running a clone of ``op`` per chunk."""
    n_in = len(op.operands) - len(op.results)
    step = arith.ConstantOp.create_index(size).result
    loop = scf.ForOp(lo, hi, step, inits)
    with ir.InsertionPoint(loop.body):
        iv, carried = loop.induction_variable, list(loop.inner_iter_args)
        operands = [_slice(v, axes, d, iv, size)
                    for v, axes in zip(list(op.operands)[:n_in], maps[:n_in])]
        operands += [_slice(c, axes, d, iv, size) for c, axes in zip(carried, maps[n_in:])]
        clone = op.clone()
        for i, v in enumerate(operands):
            clone.operands[i] = v
        _shift_indices(clone, d, iv)
        for r, v in zip(clone.results, operands[n_in:]):
            r.set_type(v.type)
        scf.YieldOp([_insert(r, c, axes, d, iv)
                     for r, c, axes in zip(clone.results, carried, maps[n_in:])])
    return list(loop.results), clone


_ROW_DIMS = {"linalg.matmul": (0, 1), "linalg.batch_matmul": (1, 2)}
"""The dims of a contraction chunked by ``rows`` (M, N); its batch dim goes one at a time
(or in chunks of its static factor)."""


def _chunk_sizes(name: str, kinds: list[str], dyn: list[int], d: int,
                 rows: tuple[int, ...]) -> tuple[int, ...]:
    """``rows`` (largest first) for reductions, a contraction's M and N and a generic's
    innermost dynamic parallel dim; (1,) for the other (batch-like) dims."""
    if kinds[d] == "r":
        return rows
    if name in _ROW_DIMS:
        return rows if d in _ROW_DIMS[name] else (1,)
    innermost = d == max(x for x in dyn if kinds[x] == "p")
    return rows if innermost and d >= len(kinds) - 2 else (1,)  # rows of a matrix, not a batch


def chunk(op: ir.Operation, rows: tuple[int, ...]) -> list[ir.Operation]:
    """Replace ``op`` by chunk loops along its first dynamic dim; returns the ops to chunk
    next (the clones, which may still have dynamic dims), [] when ``op`` is not chunked."""
    structure = loop_structure(op)
    if structure is None:
        return []
    maps, kinds = structure
    dyn = dynamic_dims(op, maps)
    if not dyn or len(maps) != len(op.operands):
        return []
    d = dyn[0]
    sizes, rest = _chunk_sizes(op.name, kinds, dyn, d, rows), True
    if sizes == (1,) and factor(op, maps, d) > 1:
        sizes, rest = (factor(op, maps, d),), False  # 12*batch heads: chunks of 12, no rest
    chain = epilogue(op) if kinds[d] == "p" else []
    if chain:
        axis = maps[-1].index(d)  # the result axis of d: the members' loop dim (identity maps)
        members = [(op, maps, d)] + [(m, loop_structure(m)[0], axis) for m in chain]
        return [clones[0] for clones in _chunk_members(members, (sizes, rest))]
    group = row_group(op) if op.name == "linalg.generic" else []
    if group and d < len(kinds) - 1:  # whole rows: the group's chunks are its row kernels
        members = [(m, loop_structure(m)[0], d) for m in group]
        return [clones[-1] for clones in _chunk_members(members, (sizes, rest))]
    n_in = len(op.operands) - len(op.results)
    with ir.InsertionPoint(op), op.location:
        results, clones = _ladder(
            extent(op, maps, d), sizes, rest, list(op.operands)[n_in:],
            lambda lo, hi, step, inits: _loop(op, maps, d, lo, hi, step, inits))
    for old, new in zip(op.results, results):
        old.replace_all_uses_with(new)
    op.erase()
    return clones + group[:-1]  # a group along its rows' length: each member on its own


def _ladder(length: ir.Value, sizes: tuple[int, ...], rest: bool, inits: list,
            run) -> tuple[list, list]:
    """``run(lo, hi, step, inits) -> (results, clone)`` over the full chunks of each of
    ``sizes`` in turn (largest first: ``128, 32`` runs 300 rows as 2 x 128 + 1 x 32), then,
    if ``rest``, over the remainder one at a time; each loop's results are carried into the
    next. The last loop's results and every loop's clone."""
    lo, clones = arith.ConstantOp.create_index(0).result, []
    for size in sizes:
        if size == 1:
            break
        if not rest and size == sizes[-1]:
            hi = length  # ``size`` divides what is left
        else:
            t = arith.ConstantOp.create_index(size).result
            left = arith.subi(length, lo) if clones else length
            hi = arith.muli(arith.floordivsi(left, t), t)
            hi = arith.addi(lo, hi) if clones else hi
        inits, clone = run(lo, hi, size, inits)
        clones.append(clone)
        lo = hi
    if not rest and clones:
        return inits, clones
    results, clone = run(lo, length, 1, inits)
    return results, clones + [clone]


def _chunk_members(members, sizes) -> list[list[ir.Operation]]:
    """``chunk`` of ops chunked together (``_members_loop``): one loop nest runs them all;
    every loop's clones."""
    (op, maps, d), last = members[0], members[-1][0]
    with ir.InsertionPoint(last), op.location:  # every member's operands dominate the last
        (result,), clones = _ladder(
            extent(op, maps, d), *sizes, [last.operands[len(last.operands) - 1]],
            lambda lo, hi, step, inits: _members_loop(members, lo, hi, step, inits))
    last.results[0].replace_all_uses_with(result)
    for member, _, _ in reversed(members):
        member.erase()
    return clones


@register_pass
class ChunkDynamic(Pass):
    """Run linalg ops over dynamic extents as loops of static-size chunks (see the module
    docstring). Option: `rows` (default 128,32), the chunk sizes of a matmul's rows and of
    reductions, largest first."""

    NAME = "aic-linalg-chunk-dynamic"
    rows: tuple[int, ...] = option((128, 32), "chunk sizes of the row dims (a matmul's M) and "
                                              "of reductions, largest first")

    def run(self, op):
        ops = [o.operation for o in walk(op) if loop_structure(o.operation) is not None]
        members = [m for o in ops for m in epilogue(o)]  # chunked with their contraction
        members += [m for o in ops for m in row_group(o)[:-1]]  # with their row group's root
        work = [o for o in ops if not any(o == m for m in members)]
        while work:
            # a row group chunked along its rows' length hands back its members, some of
            # them pending already (members of a smaller group inside it)
            work.extend(o for o in chunk(work.pop(), self.rows) if not any(o == w for w in work))
