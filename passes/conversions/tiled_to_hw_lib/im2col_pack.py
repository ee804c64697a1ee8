"""Implicit GEMM on the CPU: a convolution's patch matrix read straight from the image.

A group-1 2-D convolution (batch 1, f32) reaches ``aic-convert-tiled-to-hw`` as a matmul
kernel ``W[F, C*KH*KW] x P`` whose B operand is the collapsed patch copy
``P[c*KH*KW + kh*KW + kw, oh*OW + ow] = x[c, oh*sh + kh*dh - pt, ow*sw + kw*dw - pl]`` (the
pad value outside ``x``), left as the copying `linalg.generic` by
``aic-convert-linalg-to-tiled`` (``linalg_to_tiled_lib.patches.defers_to_hw``). P is never
built: ``tile_panels`` gives each micro-kernel call its B block as panels
``[ceil(nt/nr), kt, nr]`` read from ``x`` right before the call (so the micro-kernel reads them
from L1). The lane geometry of a panel's columns is computed once per panel, and so are the
read masks of each filter tap (the lanes inside the image at that ``(kh, kw)``, a table of
``nr``-bit words); per row only the row's flat offset and its tap's masks are loaded. The lanes of one output row read
elements ``sw`` apart, so a panel row is one masked contiguous read per output row its
columns touch, merged by select (column stride 2: reads of ``2*nr`` elements and a shuffle;
larger strides: one masked gather -- slow on CPUs with gather mitigations). Every read is
masked: padding lanes read nothing and get the pad value, so no padded copy of ``x`` is made.
A patch copy that no micro-kernel took (``lower_remaining``) becomes the plain patch matrix,
one row per iteration of a ``hw.parallel``, read with the same lane code.

May import numpy, the MLIR shim, the graph constants, the hw dialect and
``linalg_to_tiled_lib.patches`` (the analysis).
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph.constants import elements_attr
from aic.dialects.hw import TERMINATOR, ParallelOp
from aic.mlir_api import arith, ir, scf, tensor, vector
from aic.passes.conversions.linalg_to_tiled_lib.patches import Patches, analyze, matrix_of
from aic.verify import defining_op, walk


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


class _Lanes:
    """Vector arithmetic on ``n`` i32 lanes."""

    def __init__(self, n: int):
        self.n = n
        self.i32 = ir.IntegerType.get_signless(32)
        self.type = ir.VectorType.get([n], self.i32)

    def const(self, values) -> ir.Value:
        data = np.full(self.n, values, np.int32) if isinstance(values, int) \
            else np.array(values, np.int32)
        return arith.ConstantOp(self.type, ir.DenseElementsAttr.get(data, type=self.type)).result

    def splat(self, index: ir.Value) -> ir.Value:
        return vector.broadcast(self.type, arith.index_cast(self.i32, index))

    def splat32(self, value: ir.Value) -> ir.Value:
        return vector.broadcast(self.type, value)

    def spread(self, mask: ir.Value, stride: int) -> ir.Value:
        """The ``stride * n`` lane mask with lane ``stride*i`` = ``mask[i]``, others off."""
        bit = ir.VectorType.get([1], ir.IntegerType.get_signless(1))
        off = arith.ConstantOp(bit, ir.DenseElementsAttr.get_splat(
            bit, ir.BoolAttr.get(False))).result
        return vector.shuffle(mask, off, [i // stride if i % stride == 0 else self.n
                                          for i in range(stride * self.n)])


class Image:
    """The unpadded image, flat (C*H*W), and the patch geometry read from it: per row ``k`` =
    (c, kh, kw) of P, a table of its flat offset ``c*H*W + dy*W + dx`` (``dy = kh*dh - pt``,
    ``dx = kw*dw - pl``; one load instead of divisions)."""

    def __init__(self, p: Patches):
        self.p = p
        _, self.c, self.kh, self.kw, self.oh, self.ow = p.info.space
        self.sh, self.sw = p.strides
        x = p.pad.source if p.pad is not None else p.x
        _, _, self.h, self.w = ir.RankedTensorType(x.type).shape
        self.element = ir.RankedTensorType(x.type).element_type
        self.fill = p.pad.value if p.pad is not None else arith.ConstantOp(
            self.element, ir.FloatAttr.get(self.element, 0.0)).result
        self.padded = p.pad is not None
        self.flat = _flat(x)
        top, left = p.pad.low if p.pad is not None else (0, 0)
        rows = [(c, kh * p.dilations[0] - top, kw * p.dilations[1] - left)
                for c in range(self.c) for kh in range(self.kh) for kw in range(self.kw)]
        self.offsets = self._table([(c * self.h + dy) * self.w + dx for c, dy, dx in rows])

    @staticmethod
    def _table(values: list[int]) -> ir.Value:
        kind = ir.RankedTensorType.get([len(values)], ir.IntegerType.get_signless(32))
        return arith.ConstantOp(kind, elements_attr(np.array(values, np.int32), kind)).result

    def segments(self, lanes: int, first) -> int | None:
        """Most output rows that ``lanes`` consecutive columns of P, starting at any of
        ``first``, touch: one contiguous read each. None (gathers) for column strides over
        ``MAX_READ_STRIDE``."""
        n = self.oh * self.ow
        most = max((min(q + lanes, n) - 1) // self.ow - q // self.ow + 1 for q in first)
        return most if self.sw <= MAX_READ_STRIDE else None

    def entry(self, table: ir.Value, k: ir.Value) -> ir.Value:
        return tensor.extract(table, [k])


MAX_READ_STRIDE = 2
"""Column strides up to this read ``stride * lanes`` consecutive elements and keep every
stride-th (one shuffle); larger ones gather."""


class _Columns:
    """Columns ``q0 .. q0+lanes`` of P: the lane geometry, computed once for many rows.

    The lanes of one output row read image elements ``sw`` apart, so a row of P is
    ``segments`` contiguous reads (one per output row touched; ``sw`` > 1: of ``sw*lanes``
    elements, every ``sw``-th kept), merged by select; ``segments`` None: one gather. Every
    read is masked: lanes past N or outside the image (the padding) read nothing and get
    the pad value, so no padded copy of the image is made (a masked-off lane's address may
    lie outside the image; it is never dereferenced)."""

    def __init__(self, img: Image, lanes: _Lanes, q0: ir.Value, segments: int | None):
        self.img, self.lanes, self.segments = img, lanes, segments
        q = arith.addi(lanes.splat(q0), lanes.const(list(range(lanes.n))))
        self.valid = arith.cmpi(arith.CmpIPredicate.ult, q, lanes.const(img.oh * img.ow))
        oh = arith.divui(q, lanes.const(img.ow))
        ow = arith.remui(q, lanes.const(img.ow))
        self.rows = arith.muli(oh, lanes.const(img.sh))  # + dy: the input row of each lane
        self.cols = arith.muli(ow, lanes.const(img.sw))  # + dx: its input column
        self.vtype = ir.VectorType.get([lanes.n], img.element)
        if segments is None:
            self.where = arith.addi(arith.muli(self.rows, lanes.const(img.w)), self.cols)
            self.taps = self._tap_masks() if img.padded else None
            return
        oh0, ow0 = arith.divui(q0, _index(img.ow)), arith.remui(q0, _index(img.ow))
        self.starts, self.masks = [], []
        for s in range(segments):  # lane 0's offset were it in output row oh0 + s
            row = arith.addi(oh0, _index(s))
            start = arith.addi(arith.muli(row, _index(img.sh * img.w)),
                               arith.muli(ow0, _index(img.sw)))
            self.starts.append(arith.subi(start, _index(s * img.ow * img.sw)) if s else start)
            same = arith.cmpi(arith.CmpIPredicate.eq, oh, lanes.splat(row))
            self.masks.append(arith.andi(self.valid, same))
        self.taps = self._tap_masks() if img.padded else None

    def _inside(self, dy: int, dx: int) -> ir.Value:
        """Lanes whose input element at window offset (dy, dx) lies in the image (and
        before N)."""
        lanes, img = self.lanes, self.img
        rows = arith.addi(self.rows, lanes.const(dy))
        cols = arith.addi(self.cols, lanes.const(dx))
        inside = arith.andi(arith.cmpi(arith.CmpIPredicate.ult, rows, lanes.const(img.h)),
                            arith.cmpi(arith.CmpIPredicate.ult, cols, lanes.const(img.w)))
        return arith.andi(self.valid, inside)

    def _tap_masks(self) -> ir.Value:
        """The read masks of every filter tap (kh, kw), computed once for these columns: a
        ``taps x reads`` table of ``lanes``-bit integers (bit i: read lane i), ``reads`` =
        the segments (one for a gather), each the segment's lanes that lie in the image at
        that tap. A row of P then loads its tap's masks (one scalar load each) instead of
        computing them (the tap: row mod KH*KW)."""
        img = self.img
        p = img.p
        top, left = p.pad.low
        masks = self.masks if self.segments is not None else [self.valid]
        table = tensor.EmptyOp([img.kh * img.kw, len(masks)], self._bits()).result
        for kh in range(img.kh):
            for kw in range(img.kw):
                inside = self._inside(kh * p.dilations[0] - top, kw * p.dilations[1] - left)
                for s, segment in enumerate(masks):
                    word = vector.bitcast(ir.VectorType.get([1], self._bits()),
                                          arith.andi(segment, inside))
                    table = tensor.insert(vector.extract(word, [], [0]), table,
                                          [_index(kh * img.kw + kw), _index(s)])
        return table

    def _bits(self) -> ir.Type:
        return ir.IntegerType.get_signless(self.lanes.n)

    def _read_masks(self, k: ir.Value) -> list[ir.Value]:
        """Per read (segment, or the gather), its lanes to read for row ``k`` of P."""
        if self.taps is None:
            return self.masks if self.segments is not None else [self.valid]
        tap = arith.remui(k, _index(self.img.kh * self.img.kw))
        mask = ir.VectorType.get([self.lanes.n], ir.IntegerType.get_signless(1))
        word = ir.VectorType.get([1], self._bits())
        return [vector.bitcast(mask, vector.broadcast(word, tensor.extract(self.taps,
                                                                           [tap, _index(s)])))
                for s in range(self.segments if self.segments is not None else 1)]

    def row(self, k: ir.Value) -> ir.Value:
        """P[k, q0 .. q0+lanes] (pad values past N)."""
        img, lanes = self.img, self.lanes
        offset = img.entry(img.offsets, k)
        reads = self._read_masks(k)
        if self.segments is None:
            where = arith.addi(self.where, lanes.splat32(offset))
            return vector.gather(self.vtype, img.flat, [_index(0)], where, reads[0],
                                 vector.broadcast(self.vtype, img.fill))
        offset = arith.index_cast(ir.IndexType.get(), offset)
        minor = ir.AffineMapAttr.get(ir.AffineMap.get(1, 0, [ir.AffineDimExpr.get(0)]))
        in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])  # masked lanes read nothing
        sw, n = img.sw, lanes.n
        wide = ir.VectorType.get([sw * n], img.element)
        value = None
        for start, segment, mask in zip(self.starts, self.masks, reads):
            where = [arith.addi(start, offset)]
            if sw == 1:
                read = vector.transfer_read(self.vtype, img.flat, where, minor, img.fill,
                                            in_bounds, mask=mask)
            else:  # sw*n consecutive elements (lane i's at sw*i), every sw-th kept
                read = vector.transfer_read(wide, img.flat, where, minor, img.fill, in_bounds,
                                            mask=lanes.spread(mask, sw))
                read = vector.shuffle(read, read, list(range(0, sw * n, sw)))
            value = read if value is None else arith.select(segment, read, value)
        return value


def _flat(x: ir.Value) -> ir.Value:
    shape = ir.RankedTensorType(x.type).shape
    flat = ir.RankedTensorType.get([shape[1] * shape[2] * shape[3]],
                                   ir.RankedTensorType(x.type).element_type)
    reassoc = ir.ArrayAttr.get([ir.ArrayAttr.get(
        [ir.IntegerAttr.get(ir.IntegerType.get_signless(64), i) for i in range(4)])])
    return tensor.CollapseShapeOp(flat, x, reassoc).result


def _kernel(dest_shape, element, bound: int, body) -> ir.Value:
    """``hw.parallel`` over the ``bound`` rows of a new ``dest_shape`` tensor; ``body(i,
    row)`` returns the written row (``1 x ...``)."""
    empty = tensor.EmptyOp(dest_shape, element).result
    par = ParallelOp([empty.type], [empty], upper_bounds=[bound], steps=[1], mapping=["core"])
    block = par.operation.regions[0].blocks.append(ir.IndexType.get(), empty.type)
    with ir.InsertionPoint(block):
        i, dest = block.arguments
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        one = [1] + list(dest_shape[1:])
        static = [dyn] + [0] * (len(one) - 1)
        tile = tensor.ExtractSliceOp(ir.RankedTensorType.get(one, element), dest, [i], [], [],
                                     static, one, [1] * len(one)).result
        tile = body(i, tile)
        zero = _index(0)
        ir.Operation.create(TERMINATOR, operands=[tile, i] + [zero] * (len(one) - 1))
    return par.operation.results[0]


def _dims(p: Patches) -> tuple[int, int]:
    _, c, kh, kw, oh, ow = p.info.space
    return c * kh * kw, oh * ow


def _write_panel(img: Image, lanes: _Lanes, segments, q0: ir.Value, dest: ir.Value,
                 panel: ir.Value, rows: tuple[ir.Value, int] | None = None) -> ir.Value:
    """``dest[panel, 0:kt, 0:lanes]`` = P's columns ``q0 .. q0+lanes`` of the rows ``k0 ..
    k0+kt`` (``rows``; default all K), a loop over the rows."""
    k0, kt = rows if rows is not None else (None, _dims(img.p)[0])
    minor = ir.AffineMapAttr.get(ir.AffineMap.get(3, 0, [ir.AffineDimExpr.get(2)]))
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    columns = _Columns(img, lanes, q0, segments)
    loop = scf.ForOp(_index(0), _index(kt), _index(1), [dest])
    with ir.InsertionPoint(loop.body):
        p = loop.induction_variable
        row = columns.row(p if k0 is None else arith.addi(k0, p))
        out = loop.inner_iter_args[0]
        scf.YieldOp([vector.transfer_write(out.type, row, out, [
            panel, loop.induction_variable, _index(0)], minor, in_bounds)])
    return loop.results[0]


def tile_panels(img: Image, nr: int, q0: ir.Value, nt: int, firsts, k0: ir.Value,
                kt: int) -> ir.Value:
    """The B panels ``[ceil(nt/nr), kt, nr]`` of P's block ``k0 .. k0+kt`` x ``q0 .. q0+nt``
    (zeros past N), for one micro-kernel call (built at the current insertion point, right
    before it: the panels are still in L1 when it reads them); ``firsts``: every value
    ``q0`` can take."""
    lanes, panels = _Lanes(nr), -(-nt // nr)
    segments = img.segments(nr, [q + j * nr for q in firsts for j in range(panels)])
    dest = tensor.EmptyOp([panels, kt, nr], img.element).result
    loop = scf.ForOp(_index(0), _index(panels), _index(1), [dest])
    with ir.InsertionPoint(loop.body):
        j = loop.induction_variable
        first = arith.addi(q0, arith.muli(j, _index(nr)))
        scf.YieldOp([_write_panel(img, lanes, segments, first, loop.inner_iter_args[0], j,
                                  (k0, kt))])
    return loop.results[0]


def patch_matrix(p: Patches, lanes: int) -> ir.Value:
    """The patch matrix P (K x N), one row per ``hw.parallel`` iteration."""
    k, n = _dims(p)
    img, vec = Image(p), _Lanes(lanes)
    segments = img.segments(lanes, range(0, n, lanes))
    minor = ir.AffineMapAttr.get(ir.AffineMap.get(2, 0, [ir.AffineDimExpr.get(1)]))
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(n % lanes == 0)])

    def row(i, tile):
        loop = scf.ForOp(_index(0), _index(n), _index(lanes), [tile])
        with ir.InsertionPoint(loop.body):
            values = _Columns(img, vec, loop.induction_variable, segments).row(i)
            out = loop.inner_iter_args[0]
            scf.YieldOp([vector.transfer_write(out.type, values, out, [
                _index(0), loop.induction_variable], minor, in_bounds)])
        return loop.results[0]

    return _kernel([k, n], img.element, k, row)


def lower_remaining(root, lanes: int) -> int:
    """Every deferred patch copy still under ``root`` (its P not packed for a micro-kernel):
    P built by ``patch_matrix`` where still read; the copy, its collapse, its init and the
    image's pad erased. Returns how many copies were lowered."""
    count = 0
    for op in [c for c in walk(root) if c.operation.name == "linalg.generic"]:
        copy = analyze(op)
        collapse = matrix_of(copy) if copy is not None else None
        if collapse is None:
            continue
        result = collapse.results[0]
        if list(result.uses):
            with ir.InsertionPoint(op), op.location:
                result.replace_all_uses_with(patch_matrix(copy, lanes))
        collapse.erase()
        init = defining_op(op.operation.operands[1])
        op.operation.erase()
        for dead in (init, defining_op(copy.x) if copy.pad is not None else None):
            if dead is not None and not list(dead.results[0].uses):
                dead.erase()
        count += 1
    return count
