"""Element-wise epilogues of tensor-core kernels: which are supported, and their per-element
form in the generated kernel.

Supported (``supported``): an empty epilogue, or `tiled.load`s whose offsets are the tile's
own offsets of the dims their `linalg.generic` user indexes, and all-parallel 2-D
`linalg.generic`s (identity output map, projected-permutation input maps, the body's
region-free `arith`/`math` ops using block arguments, body values or outer `arith.constant`s) each
taking the previous result (or the accumulator) as an input; the last result is yielded.
At the `hw` level the loads are `tensor.extract_slice`s of the same values (``from_hw``).

``from_hw(ops, acc, ivs)`` turns those ops into an ``Epilogue`` for ``kernel.emit_kernel``:
the sliced tensors become extra kernel operands, each accumulator element ``(row, col)``
loads their element ``(row, col)`` projected by the generic's map and runs the scalar body.

May import: the MLIR shim, the tiled dialect, ``mma_lib.kernel``.
"""

from __future__ import annotations

from aic.dialects.tiled import LoadOp
from aic.mlir_api import ir
from aic.passes.hw.mma_lib.kernel import Epilogue, Text
from aic.verify import defining_op


SCALAR_DIALECTS = ("arith", "math")  # ops a kernel body can hold as they are


def _constant_op(value: ir.Value):
    op = defining_op(value)
    return op if op is not None and op.name == "arith.constant" else None


def _result_dims(map_attr) -> list[int] | None:
    m = ir.AffineMapAttr(map_attr).value
    if not m.is_projected_permutation:
        return None
    return [ir.AffineDimExpr(r).position for r in m.results]


def _generic_ok(op, chain: ir.Value, inside) -> bool:
    iters = [str(x) for x in ir.ArrayAttr(op.attributes["iterator_types"])]
    maps = [_result_dims(x) for x in ir.ArrayAttr(op.attributes["indexing_maps"])]
    n_in = len(op.operands) - 1
    if iters != ["#linalg.iterator_type<parallel>"] * 2 or None in maps or maps[-1] != [0, 1]:
        return False
    ins = list(op.operands)[:n_in]
    if chain not in ins or maps[ins.index(chain)] != [0, 1]:
        return False
    body = op.regions[0].blocks[0]
    if list(list(body.arguments)[-1].uses):
        return False  # reads its output
    scalars = [o.operation for o in body.operations][:-1]
    local = {r for o in scalars for r in o.results} | set(body.arguments)
    for s in scalars:
        if len(s.regions) or len(s.results) != 1 or s.name.split(".")[0] not in SCALAR_DIALECTS:
            return False
        if any(v not in local and _constant_op(v) is None for v in s.operands):
            return False
    return all(inside(v) for v in ins if v != chain)


def supported(kernel) -> bool:
    """Whether ``kernel``'s epilogue (`tiled` level) is one the tensor-core kernel fuses."""
    blocks = list(kernel.operation.regions[1].blocks)
    if not blocks:
        return True
    block = blocks[0]
    args = list(block.arguments)
    ivs, chain = args[:2], args[2]
    loads = {}
    ops = [o.operation for o in block.operations]
    for op in ops[:-1]:
        if isinstance(op.opview, LoadOp):
            loads[op.results[0]] = list(op.opview.offsets)
        elif op.name == "linalg.generic":
            def inside(v, op=op):
                dims = _load_dims(op, v)
                return v in loads and dims is not None and loads[v] == [ivs[d] for d in dims]
            if not _generic_ok(op, chain, inside):
                return False
            chain = op.results[0]
        else:
            return False
    return list(ops[-1].operands) == [chain]


def _load_dims(generic, value) -> list[int] | None:
    ins = list(generic.operands)[:len(generic.operands) - 1]
    maps = list(ir.ArrayAttr(generic.attributes["indexing_maps"]))
    return _result_dims(maps[ins.index(value)]) if value in ins else None


def inline(kernel, ivs, acc) -> ir.Value:
    """Move ``kernel``'s epilogue to the insertion point (block args -> ``ivs``, ``acc``)."""
    blocks = list(kernel.operation.regions[1].blocks)
    if not blocks:
        return acc
    block = blocks[0]
    for arg, new in zip(block.arguments, list(ivs) + [acc]):
        arg.replace_all_uses_with(new)
    ops = list(block.operations)
    here = ir.InsertionPoint.current
    for o in ops[:-1]:
        o.operation.move_before(here.ref_operation) if here.ref_operation else \
            here.block.append(o.operation)
    return ops[-1].operation.operands[0]


def from_hw(ops, acc: ir.Value, ivs) -> tuple[Epilogue, list[ir.Value]] | None:
    """The ``Epilogue`` of the `hw` epilogue ``ops`` (slices and generics after the k loop,
    the block's offsets ``ivs``) and the tensors it reads, or None when they are not of the
    supported form."""
    sources, index_of, generics, offsets = [], {}, [], {}
    for op in ops:
        if op.name == "tensor.extract_slice":
            index_of[op.results[0]] = op.operands[0]
            offsets[op.results[0]] = list(op.operands)[1:]
        elif op.name == "linalg.generic":
            generics.append(op)
        else:
            return None
    for g in generics:
        for v in list(g.operands)[:-1]:
            if v in index_of and offsets[v] != [ivs[d] for d in _load_dims(g, v)]:
                return None  # a slice not at the block's own offsets
    operands = []
    for g in generics:
        for v in list(g.operands)[:-1]:
            src = index_of.get(v)
            if src is not None and src not in sources:
                sources.append(src)
                t = ir.RankedTensorType(src.type)
                dims = "".join(f"{d}x" for d in t.shape)  # a 0-d operand: memref<f32>
                operands.append(f"memref<{dims}{t.element_type}>")

    def lines(text: Text, value: str, rows: list[str], col: str) -> str:
        current, names = value, {acc: value}
        coords = [rows[-1], col]
        for g in generics:
            body = g.regions[0].blocks[0]
            env = {}
            ins = list(g.operands)[:-1]
            maps = list(ir.ArrayAttr(g.attributes["indexing_maps"]))
            for arg, v, m in zip(body.arguments, ins, maps):
                if v in names:
                    env[arg] = names[v]
                else:
                    src = index_of[v]
                    n = sources.index(src)
                    idx = ", ".join(coords[d] for d in _result_dims(m))
                    env[arg] = text.emit(f"memref.load %E{n}[{idx}] : {operands[n]}", "e")
            current = _scalar_body(text, body, env)
            names[g.results[0]] = current
        return current
    return Epilogue(operands=operands, lines=lines), sources


def _scalar_body(text: Text, body, env: dict) -> str:
    ops = [o.operation for o in body.operations]
    for s in ops[:-1]:
        args = []
        for v in s.operands:
            if v not in env:
                c = defining_op(v)
                env[v] = text.emit(f"arith.constant {c.attributes['value']}", "k")
            args.append(env[v])
        attrs = ", ".join(f"{a} = {s.attributes[a]}" for a in s.attributes)
        types = ", ".join(str(v.type) for v in s.operands)
        env[s.results[0]] = text.emit(
            f"\"{s.name}\"({', '.join(args)}) {{{attrs}}} : ({types}) -> {s.results[0].type}", "x")
    return env[ops[-1].operands[0]]
