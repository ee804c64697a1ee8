"""non_max_suppression, unique, nonzero -> scalar loops into a largest-size buffer, then its
leading part (``tensor.extract_slice`` to a count computed at run time).

The result length of these ops depends on the data (``?`` with no name). Each lowering
fills a buffer of the largest possible length (every box kept, every slice distinct, every
element nonzero) in ``scf.for`` loops (``loops``) while counting, and returns the first
``count`` rows: a tensor whose dim is that count. Their operands must be static.

* non_max_suppression, per batch and class: the candidates are the boxes scoring above the
  threshold; N times, the best remaining candidate (highest score, lowest index) is kept,
  while fewer than ``max_output`` are, and every remaining candidate whose IoU with it exceeds
  ``iou_threshold`` is dropped -- ONNX's greedy rule (IoU is symmetric, so dropping them now
  equals testing each later box against every kept one), computed in f32 in the reference's
  order. O(N x kept) per batch and class: the search stops at the first step that keeps
  no box (none left, or ``max_output`` reached).
* unique: a stable merge sort of the slice indices, then one walk of the sorted order gives
  each slice's first occurrence (the first of its run of equal slices) and its run's rank:
  the position of its distinct slice (when not sorted: the number of first occurrences
  before it), then every output. Slices compare element by element in row-major order;
  NaNs equal each other and sort last (numpy's ``unique``). O(M log M K).
* nonzero: one pass, writing each nonzero element's coordinates as the next column.

May import: the MLIR shim, the graph op classes and the other lowering helpers.
"""

from __future__ import annotations

from aic.dialects.graph import NonMaxSuppressionOp, NonZeroOp, UniqueOp
from aic.mlir_api import arith, ir
from aic.passes.conversions.graph_to_linalg_lib import scalar
from aic.passes.conversions.graph_to_linalg_lib.dims import DynamicDimError
from aic.passes.conversions.graph_to_linalg_lib.common import (const, elem_of, empty, filled,
                                                               is_float)
from aic.passes.conversions.graph_to_linalg_lib.loops import (both, delinearize, flag, get,
                                                              icmp, index, leading, loop,
                                                              negate, put, to_i64, to_index,
                                                              when)


def _i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def _static(value: ir.Value) -> list[int]:
    t = ir.RankedTensorType(value.type)
    if not t.has_static_shape:
        raise DynamicDimError(f"the result buffer is sized from the operand shapes, which must "
                              f"be static: got {t}")
    return list(t.shape)


# -- non_max_suppression ----------------------------------------------------------------------

def _extent(boxes, b, i, center: bool):
    """(x_min, x_max, y_min, y_max) of box ``i`` of batch ``b``, as ONNX's reference."""
    c = [get(boxes, b, i, k) for k in range(4)]
    if center:  # [x_center, y_center, width, height]
        two = const(ir.F32Type.get(), 2.0)
        hw, hh = arith.divf(c[2], two), arith.divf(c[3], two)
        return arith.subf(c[0], hw), arith.addf(c[0], hw), arith.subf(c[1], hh), \
            arith.addf(c[1], hh)
    return (arith.minimumf(c[1], c[3]), arith.maximumf(c[1], c[3]),
            arith.minimumf(c[0], c[2]), arith.maximumf(c[0], c[2]))


def _area(e):
    return arith.mulf(arith.subf(e[1], e[0]), arith.subf(e[3], e[2]))


def _overlaps(cand, kept, iou) -> ir.Value:
    """ONNX's ``suppress_by_iou(candidate, kept)``: IoU > threshold, with every guard."""
    gt = lambda a, b: scalar.compare("gt", a, b)  # noqa: E731
    zero = const(ir.F32Type.get(), 0.0)
    x0, x1 = arith.maximumf(cand[0], kept[0]), arith.minimumf(cand[1], kept[1])
    y0, y1 = arith.maximumf(cand[2], kept[2]), arith.minimumf(cand[3], kept[3])
    inter = arith.mulf(arith.subf(x1, x0), arith.subf(y1, y0))
    a1, a2 = _area(cand), _area(kept)
    union = arith.subf(arith.addf(a1, a2), inter)
    out = both(gt(x1, x0), gt(y1, y0))
    for value in (inter, a1, a2, union):
        out = both(out, gt(value, zero))
    return both(out, gt(arith.divf(inter, union), iou))


def _candidates(scores, b, c, n: int, floor) -> ir.Value:
    """``alive[i]``: box ``i`` scores above ``floor`` (every box when there is none)."""
    if floor is None:
        return filled([n], ir.IntegerType.get_signless(1), flag(True))
    alive = empty([n], ir.IntegerType.get_signless(1))
    return loop(0, n, [alive], lambda i, a: [put(
        scalar.compare("gt", get(scores, b, c, i), floor), a, i)])[0]


def _best(scores, b, c, alive, n: int) -> ir.Value:
    """The alive box with the highest score, the lowest index among equal ones; ``n`` if none."""
    none = index(n)

    def step(j, best, top):
        s = get(scores, b, c, j)
        better = both(get(alive, j), arith.ori(icmp("eq", best, none),
                                               scalar.compare("gt", s, top)))
        return [arith.select(better, j, best), arith.select(better, s, top)]
    return loop(0, n, [none, const(ir.F32Type.get(), 0.0)], step)[0]


def _nms_class(op, b, c, out, total, limit, iou, floor):
    boxes, scores = op.boxes, op.scores
    n = _static(boxes)[1]
    center = bool(ir.BoolAttr(op.operation.attributes["center_point_box"]).value) \
        if "center_point_box" in op.operation.attributes else False

    def keep(best, alive, out, total, kept):
        row = [to_i64(b), to_i64(c), to_i64(best)]
        for k, v in enumerate(row):
            out = put(v, out, total, k)
        alive = put(flag(False), alive, best)
        chosen = _extent(boxes, b, best, center)

        def drop(u, alive):
            hit = _overlaps(_extent(boxes, b, u, center), chosen, iou)
            return [put(both(get(alive, u), negate(hit)), alive, u)]
        alive = loop(0, n, [alive], drop)[0]
        return [best, alive, out, arith.addi(total, index(1)), arith.addi(kept, index(1))]

    def search(alive, out, total, kept, _):
        best = _best(scores, b, c, alive, n)
        take = both(icmp("ult", best, index(n)), icmp("slt", kept, limit))
        return when(take, [best, alive, out, total, kept], keep)[1:] + [take]

    def step(_, *state):  # once no box is kept (none left, or the limit), the rest is skipped
        return when(state[-1], state, search)
    alive = _candidates(scores, b, c, n, floor)
    _, out, total, _, _ = loop(0, n, [alive, out, total, index(0), flag(True)], step)
    return [out, total]


def lower_non_max_suppression(op):
    nb, n, _ = _static(op.boxes)
    nc = _static(op.scores)[1]
    limit = to_index(arith.maxsi(get(op.max_output), const(_i64(), 0)))
    iou = get(op.iou_threshold)
    floor = get(op.score_threshold) if op.score_threshold is not None else None
    out = empty([max(nb * nc * n, 1), 3], _i64())

    def per_batch(b, out, total):
        return loop(0, nc, [out, total],
                    lambda c, o, t: _nms_class(op, b, c, o, t, limit, iou, floor))
    out, total = loop(0, nb, [out, index(0)], per_batch)
    return [leading(out, 0, total)]


# -- unique -----------------------------------------------------------------------------------

def _equal(a, b) -> ir.Value:
    """``a == b``, where NaNs equal each other (numpy's ``unique`` merges them)."""
    eq = scalar.compare("eq", a, b)
    if not is_float(a.type):
        return eq
    return arith.ori(eq, both(scalar.compare("uno", a, a), scalar.compare("uno", b, b)))


def _less(a, b) -> ir.Value:
    """``a < b``, NaN sorting after every number (numpy's sort)."""
    lt = scalar.compare("lt", a, b)
    if not is_float(a.type):
        return lt
    return arith.ori(lt, both(scalar.compare("uno", b, b), negate(scalar.compare("uno", a, a))))


class _Slices:
    """Slice ``i`` of ``x`` along ``axis``: element ``e`` (row-major over the other dims)."""

    def __init__(self, x: ir.Value, axis: int):
        self.x, self.axis, self.shape = x, axis, _static(x)
        self.others = self.shape[:axis] + self.shape[axis + 1:]
        self.size = 1
        for d in self.others:
            self.size *= d

    def at(self, i, e) -> list[ir.Value]:
        coords = delinearize(e, self.others) if self.others else []
        return coords[:self.axis] + [i] + coords[self.axis:]

    def get(self, i, e) -> ir.Value:
        return get(self.x, *self.at(i, e))

    def same(self, i, j) -> ir.Value:
        if self.size == 1:  # single elements (unique without an axis)
            return _equal(self.get(i, index(0)), self.get(j, index(0)))
        return loop(0, self.size, [flag(True)], lambda e, eq: [both(eq, _equal(
            self.get(i, e), self.get(j, e)))])[0]

    def before(self, j, i) -> ir.Value:
        """Slice ``j`` sorts before slice ``i`` (lexicographic)."""
        if self.size == 1:
            return _less(self.get(j, index(0)), self.get(i, index(0)))

        def step(e, decided, less):
            a, b = self.get(j, e), self.get(i, e)
            differ = both(negate(decided), negate(_equal(a, b)))
            return [arith.ori(decided, differ), arith.select(differ, _less(a, b), less)]
        return loop(0, self.size, [flag(False), flag(False)], step)[1]


def _merge_pass(s: _Slices, src, m: int, width: int):
    """One pass of a bottom-up merge sort: the sorted runs of ``width`` slice indices in
    ``src`` merged pairwise (stable: the left run first among equal slices)."""
    def step(k, dst, i, j):
        lo = arith.muli(arith.divui(k, index(2 * width)), index(2 * width))
        mid = arith.minui(arith.addi(lo, index(width)), index(m))
        hi = arith.minui(arith.addi(lo, index(2 * width)), index(m))
        start = icmp("eq", k, lo)
        i, j = arith.select(start, lo, i), arith.select(start, mid, j)
        last = index(m - 1)
        a = get(src, arith.minui(i, last))
        b = get(src, arith.minui(j, last))
        right_first = s.before(to_index(b), to_index(a))
        left = both(icmp("ult", i, mid), arith.ori(icmp("uge", j, hi), negate(right_first)))
        return [put(arith.select(left, a, b), dst, k),
                arith.select(left, arith.addi(i, index(1)), i),
                arith.select(left, j, arith.addi(j, index(1)))]
    return loop(0, m, [empty([m], _i64()), index(0), index(0)], step)[0]


def _sorted_order(s: _Slices, m: int) -> ir.Value:
    """The slice indices in sorted order, equal slices by index (a stable merge sort,
    O(M log M K))."""
    order = loop(0, m, [empty([m], _i64())], lambda k, o: [put(to_i64(k), o, k)])[0]
    width = 1
    while width < m:
        order = _merge_pass(s, order, m, width)
        width *= 2
    return order


def _runs(s: _Slices, m: int):
    """Walk the sorted slices: each slice's first occurrence (the first of its run of equal
    slices), each slice's run number (its rank among the distinct slices) and the number of
    runs."""
    order = _sorted_order(s, m)

    def step(k, first, run, f, r):
        i = to_index(get(order, k))
        prev = to_index(get(order, arith.select(icmp("eq", k, index(0)), k,
                                                 arith.subi(k, index(1)))))
        new = arith.ori(icmp("eq", k, index(0)), negate(s.same(prev, i)))
        f = arith.select(new, i, f)
        r = arith.select(new, arith.addi(r, index(1)), r)
        return [put(to_i64(f), first, i), put(to_i64(arith.subi(r, index(1))), run, i), f, r]
    first, run, _, u = loop(0, m, [empty([m], _i64()), empty([m], _i64()), index(0),
                                   index(0)], step)
    return first, run, u


def _first_seen_positions(first, m: int) -> ir.Value:
    """Not sorted: each first occurrence's position is the number of first occurrences
    before it."""
    def step(i, pos, u):
        is_first = icmp("eq", to_index(get(first, i)), i)
        return [put(to_i64(u), pos, i), arith.select(is_first, arith.addi(u, index(1)), u)]
    return loop(0, m, [empty([m], _i64()), index(0)], step)[0]


def lower_unique(op):
    axis = int(ir.IntegerAttr(op.operation.attributes["axis"]).value)
    ordered = bool(ir.BoolAttr(op.operation.attributes["sorted"]).value) \
        if "sorted" in op.operation.attributes else True
    s = _Slices(op.x, axis)
    m = s.shape[axis]
    first, pos, u = _runs(s, m)
    if not ordered:
        pos = _first_seen_positions(first, m)
    zero = const(_i64(), 0)

    def per_slice(i, y, idx, inv, counts):
        p = to_index(get(pos, to_index(get(first, i))))
        inv = put(to_i64(p), inv, i)
        counts = put(arith.addi(get(counts, p), const(_i64(), 1)), counts, p)

        def emit(y, idx):
            y = loop(0, s.size, [y], lambda e, y_: [put(s.get(i, e), y_, *s.at(p, e))])[0]
            return [y, put(to_i64(i), idx, p)]
        y, idx = when(icmp("eq", to_index(get(first, i)), i), [y, idx], emit)
        return [y, idx, inv, counts]
    y, idx, inv, counts = loop(0, m, [empty(s.shape, elem_of(op.x)), empty([m], _i64()),
                                      empty([m], _i64()), filled([m], _i64(), zero)], per_slice)
    return [leading(y, axis, u), leading(idx, 0, u), inv, leading(counts, 0, u)]


# -- nonzero ----------------------------------------------------------------------------------

def lower_nonzero(op):
    shape = _static(op.x)
    size = 1
    for d in shape:
        size *= d
    t = elem_of(op.x)
    zero = const(t, 0.0 if is_float(t) else 0)

    def step(e, out, count):
        coords = delinearize(e, shape)
        v = get(op.x, *coords)
        hit = scalar.compare("ne", v, zero)

        def write(out, count):
            for k, ck in enumerate(coords):
                out = put(to_i64(ck), out, k, count)
            return [out, arith.addi(count, index(1))]
        return when(hit, [out, count], write)
    out, count = loop(0, size, [empty([len(shape), max(size, 1)], _i64()), index(0)], step)
    return [leading(out, 1, count)]


LOWERINGS = {NonMaxSuppressionOp: lower_non_max_suppression, UniqueOp: lower_unique,
             NonZeroOp: lower_nonzero}
