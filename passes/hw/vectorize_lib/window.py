"""Vectorize a sliding-window tile — depthwise conv or 2-D pooling, NCHW — along the output
row (on tensors).

Used by `aic-hw-vectorize`. Accepted (anything else is left untouched): a
`linalg.depthwise_conv_2d_nchw_chw`, `linalg.pooling_nchw_max` or `linalg.pooling_nchw_sum`
on static tiles whose payload is region-free `arith`/`math` ops on int or float scalars
(f16 inputs widened to an f32 accumulator included). With V lanes (the target's vector
width for the widest element, at most the next power of two of the row width `ow`):

    for n, c:                                   (scf.for, carrying the output tile)
      f[kh][kw] = broadcast(w[c, kh, kw])       (depthwise: filter taps, hoisted)
      for oh step R (then the oh % R leftover rows with R = 1):
        for j in 0..ow - ow % V step V:  row chunk j, all loads and stores in bounds
        row chunk ow - ow % V, when ow % V != 0: masked (in_bounds = false) loads/stores
    row chunk j (R output rows):
      acc[r] = init                             (broadcast of the fill value / channel bias,
                                                 else vector.transfer_read of the output)
      for each input row t of the block, kw:    (unrolled)
        x = input[n, c, oh*sh + t, j*sw + kw*dw + sw*i for i < V]
            (stride 1: one vector read; stride s: a read of s*V lanes and a
             vector.shuffle keeping every s-th lane)
        acc[r] = payload(x, f[kh][kw], acc[r])  for each r, kh with r*sh + kh*dh = t
            (f32 mul + add: vector.fma; float max: maximumf{nnan,nsz}, NaN tracked on
             the side and selected in at the end, so a NaN in the window still gives NaN)
      vector.transfer_write acc[r]

When the output tile's producer is a `linalg.fill` or a per-channel `linalg.broadcast`
(dimensions [0, 2, 3]) in the same block, the chunks start from that value in registers and
the producer is erased. A static `tensor.pad` producing the input in the same block (a tile
padding its own planes) becomes vector code too: a tile-local tensor filled with the pad
value, then the source rows copied in (a ragged row end reads the pad value past the end).
"""

from __future__ import annotations

from aic.mlir_api import arith, ir, scf, tensor, vector
from aic.passes.hw.vectorize_lib.elementwise import body_ok, element_bits, vector_ops

NAMES = ("linalg.depthwise_conv_2d_nchw_chw", "linalg.pooling_nchw_max",
         "linalg.pooling_nchw_sum")
ROWS = 4
"""Output rows per block: 3x3 stride 1 reads 6 input rows for 4 output rows (not 12)."""


def vectorize_window(op, vector_bits: int) -> bool:
    """Replace ``op`` by vector code; False (untouched) when unsupported."""
    plan = _plan(op, vector_bits)
    if plan is None:
        return False
    with ir.InsertionPoint(op), op.location:
        if plan["pad"] is not None:
            plan["x"] = _pad_planes(plan["pad"], plan["lanes"])
        result = _loop(plan, 0, [], plan["out"])
    op.operation.results[0].replace_all_uses_with(result)
    op.operation.erase()
    for producer in (plan["producer"], plan["pad"]):
        if producer is not None and not list(producer.results[0].uses):
            producer.erase()
    return True


def _ints(op, name: str) -> list[int]:
    if name not in op.attributes:
        return [1, 1]
    return [int(v) for v in ir.DenseIntElementsAttr(op.attributes[name])]


def _shape(v) -> list[int] | None:
    t = v.type.maybe_downcast()
    if not isinstance(t, ir.RankedTensorType) or not t.has_static_shape:
        return None
    return list(t.shape)


def _pow2_ceil(x: int) -> int:
    p = 1
    while p < x:
        p *= 2
    return p


def _plan(op, vector_bits: int) -> dict | None:
    if op.operation.name not in NAMES or len(op.operation.results) != 1:
        return None
    x, w, out = list(op.operation.operands)
    shapes = [_shape(v) for v in (x, w, out)]
    if any(s is None for s in shapes) or len(shapes[0]) != 4 or len(shapes[2]) != 4:
        return None
    types = [ir.RankedTensorType(v.type).element_type for v in (x, w, out)]
    bits = [element_bits(t) for t in types]
    if any(b is None for b in bits) or not body_ok(op) or 0 in shapes[2]:
        return None
    ow = shapes[2][3]
    lanes = min(max(1, vector_bits // max(bits)), _pow2_ceil(ow))
    if lanes < 2:
        return None
    producer, init = _producer(out)
    return {"op": op, "x": x, "w": w, "out": producer.operands[-1] if producer else out,
            "producer": producer, "init": init, "lanes": lanes, "out_shape": shapes[2],
            "in_shape": shapes[0], "window": shapes[1][-2:], "strides": _ints(op, "strides"),
            "dilations": _ints(op, "dilations"), "depthwise": op.operation.name == NAMES[0],
            "pad": _pad_of(x, op.operation.parent), "fast_max": _is_float_max(op)}


def _is_float_max(op) -> bool:
    """Payload ``maximumf(out, in)`` (max pooling on floats)."""
    block = op.operation.regions[0].blocks[0]
    ops = list(block.operations)
    if len(ops) != 2 or ops[0].operation.name != "arith.maximumf":
        return False
    args = block.arguments
    return set(ops[0].operation.operands) == {args[0], args[2]} and \
        isinstance(args[2].type.maybe_downcast(), ir.FloatType)


def _NO_NAN_NO_SIGNED_ZERO() -> ir.Attribute:
    return ir.Attribute.parse("#arith.fastmath<nnan,nsz>")


def _is_nan(v: ir.Value) -> ir.Value:
    return arith.cmpf(arith.CmpFPredicate.UNO, v, v)


def _nan_vector(vtype) -> ir.Value:
    element = ir.VectorType(vtype).element_type
    return vector.broadcast(vtype, arith.ConstantOp(element, ir.FloatAttr.get(element,
                                                                           float("nan"))).result)


def _pad_of(x: ir.Value, parent):
    """The `tensor.pad` producing ``x`` in the block of ``parent``'s ops, static, with a value
    from above; else None."""
    if isinstance(x.owner, ir.Block) or x.owner.operation.name != "tensor.pad":
        return None
    pad = x.owner.operation
    value = list(pad.regions[0].blocks[0].operations)[-1].operands[0]
    if len(pad.operands) != 1 or _shape(pad.operands[0]) is None or pad.parent != parent:
        return None  # (a pad outside the tile's block pads the whole tensor once already)
    if isinstance(value.owner, ir.Block) or value.owner.operation.parent == pad:
        return None
    return pad


def _producer(out: ir.Value):
    """(fill / per-channel broadcast producing ``out``, fn(c) -> its scalar) or (None, None)."""
    if isinstance(out.owner, ir.Block) or len(list(out.uses)) != 1:
        return None, None
    owner = out.owner.operation
    if owner.name == "linalg.fill":
        return owner, lambda c: owner.operands[0]
    if owner.name != "linalg.broadcast":
        return None, None
    dims = [int(v) for v in ir.DenseI64ArrayAttr(owner.attributes["dimensions"])]
    src = owner.operands[0]
    if dims != [0, 2, 3] or _shape(src) is None:
        return None, None
    return owner, lambda c: tensor.extract(src, [c])


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _for(upper: int, carried: ir.Value, lower: int = 0, step: int = 1) -> scf.ForOp:
    return scf.ForOp(_index(lower), _index(upper), _index(step), [carried])


def _loop(plan, d: int, ivs: list, carried) -> ir.Value:
    """Loops over n, c (one scf.for each), then the output rows in blocks."""
    if d == 2:
        return _row_blocks(plan, ivs, carried)
    loop = _for(plan["out_shape"][d], carried)
    with ir.InsertionPoint(loop.body):
        here = ivs + [loop.induction_variable]
        if d == 1:
            plan = dict(plan, taps=_taps(plan, here[1]), start=_start(plan, here[1]))
        scf.YieldOp([_loop(plan, d + 1, here, loop.inner_iter_args[0])])
    return loop.results[0]


def _row_blocks(plan, ivs: list, out) -> ir.Value:
    """Blocks of ROWS output rows (an input row loaded once serves every row of the block
    that reads it), then the leftover rows one at a time."""
    oh = plan["out_shape"][2]
    blocked = oh - oh % ROWS
    for lower, upper, rows in ((0, blocked, ROWS), (blocked, oh, 1)):
        if lower == upper:
            continue
        loop = _for(upper, out, lower=lower, step=rows)
        with ir.InsertionPoint(loop.body):
            here = ivs + [loop.induction_variable]
            scf.YieldOp([_row(plan, here, rows, loop.inner_iter_args[0])])
        out = loop.results[0]
    return out


def _taps(plan, c) -> list[list[ir.Value]] | None:
    """The filter taps of channel ``c`` as vectors (depthwise), else None."""
    if not plan["depthwise"]:
        return None
    element = ir.RankedTensorType(plan["w"].type).element_type
    vtype = ir.VectorType.get([plan["lanes"]], element)
    kh, kw = plan["window"]
    return [[vector.broadcast(vtype, tensor.extract(plan["w"], [c, _index(i), _index(j)]))
             for j in range(kw)] for i in range(kh)]


def _start(plan, c) -> ir.Value | None:
    if plan["init"] is None:
        return None
    scalar = plan["init"](c)
    return vector.broadcast(ir.VectorType.get([plan["lanes"]], scalar.type), scalar)


def _row(plan, ivs, rows: int, out) -> ir.Value:
    lanes, ow = plan["lanes"], plan["out_shape"][3]
    full = ow - ow % lanes
    if full:
        chunks = _for(full, out, step=lanes)
        with ir.InsertionPoint(chunks.body):
            new = _chunk(plan, ivs, rows, chunks.induction_variable, chunks.inner_iter_args[0],
                         full - lanes)
            scf.YieldOp([new])
        out = chunks.results[0]
    if full < ow:
        out = _chunk(plan, ivs, rows, _index(full), out, None)
    return out


def _minor(rank: int) -> ir.AffineMapAttr:
    return ir.AffineMapAttr.get(ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(rank - 1)]))


def _bounds(in_bounds: bool) -> ir.ArrayAttr:
    return ir.ArrayAttr.get([ir.BoolAttr.get(in_bounds)])


def _read(source, indices, lanes: int, in_bounds: bool, pad=None) -> ir.Value:
    element = ir.RankedTensorType(source.type).element_type
    pad = pad or arith.ConstantOp(element, _zero(element)).result
    return vector.transfer_read(ir.VectorType.get([lanes], element), source, indices,
                                _minor(4), pad, _bounds(in_bounds))


def _zero(element) -> ir.Attribute:
    if isinstance(element.maybe_downcast(), ir.IntegerType):
        return ir.IntegerAttr.get(element, 0)
    return ir.FloatAttr.get(element, 0.0)


def _chunk(plan, ivs, rows: int, j, out, last: int | None) -> ir.Value:
    """Output rows oh .. oh + rows - 1 at columns j .. j + V - 1; ``last`` is the largest j
    of an in-bounds chunk loop (None: the masked remainder). Each input row is read once per
    column tap and combined into every output row whose window holds it (per output row the
    taps still come in window order)."""
    n, c, oh = ivs
    lanes, fast_max, taps = plan["lanes"], plan["fast_max"], plan["taps"]
    out_rows = [_plus(oh, r) for r in range(rows)]
    accs = [plan["start"] or _read(out, [n, c, o, j], lanes, last is not None)
            for o in out_rows]
    nans = [_is_nan(a) for a in accs] if fast_max else None
    (sh, sw), (dh, dw) = plan["strides"], plan["dilations"]
    base = arith.muli(oh, _index(sh)) if sh != 1 else oh
    col = arith.muli(j, _index(sw)) if sw != 1 else j
    kh, kw = plan["window"]
    for offset in range((rows - 1) * sh + (kh - 1) * dh + 1):
        users = [(r, i) for r in range(rows) for i in range(kh) if r * sh + i * dh == offset]
        for k in range(kw if users else 0):
            x = _strided(plan, [n, c, _plus(base, offset), _plus(col, k * dw)], last, k * dw)
            for r, i in users:
                if fast_max:
                    accs[r] = arith.maximumf(x, accs[r], fastmath=_NO_NAN_NO_SIGNED_ZERO())
                    nans[r] = arith.ori(nans[r], _is_nan(x))
                else:
                    accs[r] = _payload(plan["op"], x, taps[i][k] if taps else None, accs[r])
    in_bounds = _bounds(last is not None)
    for r, o in enumerate(out_rows):
        acc = arith.select(nans[r], _nan_vector(accs[r].type), accs[r]) if fast_max else accs[r]
        out = vector.transfer_write(out.type, acc, out, [n, c, o, j], _minor(4), in_bounds)
    return out


def _plus(base: ir.Value, offset: int) -> ir.Value:
    return base if offset == 0 else arith.addi(base, _index(offset))


def _strided(plan, indices, last: int | None, shift: int) -> ir.Value:
    """V input lanes at ``indices`` with the column stride (every s-th of s*V lanes)."""
    lanes, stride = plan["lanes"], plan["strides"][1]
    width = lanes * stride
    fits = last is not None and last * stride + shift + width <= plan["in_shape"][3]
    raw = _read(plan["x"], indices, width, fits)
    if stride == 1:
        return raw
    return vector.shuffle(raw, raw, [i * stride for i in range(lanes)])


def _payload(op, x, tap, acc) -> ir.Value:
    """The named op's scalar payload on vectors: block args (input, filter/window, out)."""
    block = op.operation.regions[0].blocks[0]
    ops = list(block.operations)
    arg_in, arg_w, arg_out = block.arguments
    if _is_float_fma(ops, arg_in, arg_w, arg_out, acc):
        return vector.fma(x, tap, acc)
    values = {arg_in: x, arg_out: acc}
    if tap is not None:
        values[arg_w] = tap
    vector_ops(ops[:-1], values, ir.VectorType(acc.type).shape[0])
    return values[ops[-1].operation.operands[0]]


def _is_float_fma(ops, arg_in, arg_w, arg_out, acc) -> bool:
    """Payload ``out + in * w`` on one float type (no conversions)."""
    if len(ops) != 3 or [o.operation.name for o in ops[:2]] != ["arith.mulf", "arith.addf"]:
        return False
    mul, add = ops[0].operation, ops[1].operation
    if set(mul.operands) != {arg_in, arg_w} or set(add.operands) != {arg_out, mul.results[0]}:
        return False
    same = arg_in.type == arg_w.type == arg_out.type
    return same and isinstance(arg_out.type.maybe_downcast(), ir.FloatType)


def _pad_planes(pad, lanes: int) -> ir.Value:
    """``pad`` as vector code: fill the padded tile with the value, then copy the rows in."""
    source = pad.operands[0]
    src_shape = _shape(source)
    shape = _shape(pad.results[0])
    low = [int(v) for v in ir.DenseI64ArrayAttr(pad.attributes["static_low"])]
    value = list(pad.regions[0].blocks[0].operations)[-1].operands[0]
    dest = tensor.EmptyOp(shape, value.type).result
    fill = vector.broadcast(ir.VectorType.get([lanes], value.type), value)
    dest = _rows(shape, dest, lambda ivs, j, d, ok: _write(fill, d, ivs + [j], ok), lanes)

    def copy(ivs, j, d, ok):  # a ragged tail reads the pad value past the source row's end
        row = _read(source, ivs + [j], lanes, ok, value)
        return _write(row, d, [_plus(i, lo) for i, lo in zip(ivs + [j], low)], ok)
    return _rows(src_shape, dest, copy, lanes)


def _write(v, dest, indices, in_bounds: bool) -> ir.Value:
    return vector.transfer_write(dest.type, v, dest, indices, _minor(4), _bounds(in_bounds))


def _rows(shape, dest, chunk, lanes: int, ivs=()) -> ir.Value:
    """For every row of a 4-D ``shape``: ``chunk(ivs, j, dest, in_bounds)`` per V columns."""
    if len(ivs) == 3:
        full = shape[3] - shape[3] % lanes
        if full:
            loop = _for(full, dest, step=lanes)
            with ir.InsertionPoint(loop.body):
                scf.YieldOp([chunk(list(ivs), loop.induction_variable,
                                   loop.inner_iter_args[0], True)])
            dest = loop.results[0]
        return chunk(list(ivs), _index(full), dest, False) if full < shape[3] else dest
    loop = _for(shape[len(ivs)], dest)
    with ir.InsertionPoint(loop.body):
        scf.YieldOp([_rows(shape, loop.inner_iter_args[0], chunk, lanes,
                           ivs + (loop.induction_variable,))])
    return loop.results[0]
