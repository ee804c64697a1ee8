"""Implicit GEMM on the CPU: a convolution's patch matrix packed straight from the image.

A group-1 2-D convolution (batch 1) reaches ``aic-convert-tiled-to-hw`` as a matmul kernel
``W[F, C*KH*KW] x P`` whose B operand is the collapsed patch copy
``P[c*KH*KW + kh*KW + kw, oh*OW + ow] = xp[c, oh*sh + kh*dh, ow*sw + kw*dw]`` of the padded
image ``xp``, left as the copying `linalg.generic` by ``aic-convert-linalg-to-tiled``
(``linalg_to_tiled_lib.patches.defers_to_hw``). No patch matrix is built: ``packed_patches``
writes the micro-kernel's B panels ``[ceil(N/nr), K, nr]`` (``P3[j, p, i] = P[p, j*nr + i]``,
zeros past N) directly from ``xp`` -- one ``hw.parallel`` over the panels, a loop over the
K rows inside. The lane geometry of a panel's columns is computed once per panel; per row
only the row's ``(c, kh, kw)`` offset is added. With unit column stride a panel row is one
masked contiguous read per output row its columns touch (merged by select); with larger
strides it is one masked ``vector.gather`` (slow on CPUs with gather mitigations: measured
~30 cycles per 16 lanes here). ``xp`` itself is built by a ``hw.parallel`` over channels
(``padded_image``: a filled plane, the unpadded plane copied in by vector rows). A
micro-kernel whose B tile columns are not aligned to its ``nr`` gets the plain patch matrix
instead (``patch_matrix``: one row of P per iteration, same lane code).

May import numpy, the MLIR shim, the hw dialect and ``linalg_to_tiled_lib`` (the patch
analysis, the vector-row copy).
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph.constants import elements_attr
from aic.dialects.hw import TERMINATOR, ParallelOp
from aic.mlir_api import arith, ir, linalg, scf, tensor, vector
from aic.passes.conversions.linalg_to_tiled_lib.patches import Patches, analyze, matrix_of
from aic.passes.conversions.linalg_to_tiled_lib.window import copy_into
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


class Image:
    """The padded image, flat (C*Hp*Wp), and the patch geometry read from it."""

    def __init__(self, p: Patches):
        self.p = p
        _, self.c, self.kh, self.kw, self.oh, self.ow = p.info.space
        self.sh, self.sw = p.strides
        shape = ir.RankedTensorType(p.x.type).shape
        self.hp, self.wp = shape[2], shape[3]
        self.element = ir.RankedTensorType(p.x.type).element_type
        self.flat = _flat(padded_image(p) if p.pad is not None else p.x)
        taps = [(c * self.hp + kh * p.dilations[0]) * self.wp + kw * p.dilations[1]
                for c in range(self.c) for kh in range(self.kh) for kw in range(self.kw)]
        offsets = ir.RankedTensorType.get([len(taps)], ir.IntegerType.get_signless(32))
        self.offsets = arith.ConstantOp(offsets, elements_attr(
            np.array(taps, np.int32), offsets)).result

    def segments(self, lanes: int, first) -> int | None:
        """Most output rows that ``lanes`` consecutive columns of P, starting at any of
        ``first``, touch: one contiguous read each. None (gathers) for column strides over
        ``MAX_READ_STRIDE``, or where a read would start before the image."""
        n = self.oh * self.ow
        most = max((min(q + lanes, n) - 1) // self.ow - q // self.ow + 1 for q in first)
        if self.sw > MAX_READ_STRIDE:
            return None
        starts = ((q // self.ow + s) * self.sh * self.wp + (q % self.ow - s * self.ow) * self.sw
                  for q in first for s in range(most))
        return most if min(starts) >= 0 else None

    def row_offset(self, k: ir.Value) -> ir.Value:
        """Flat offset of the window origin of P's row ``k`` = (c, kh, kw): c*Hp*Wp +
        kh*dh*Wp + kw*dw, from a table (one load instead of divisions)."""
        return arith.index_cast(ir.IndexType.get(), tensor.extract(self.offsets, [k]))


MAX_READ_STRIDE = 2
"""Column strides up to this read ``stride * lanes`` consecutive elements and keep every
stride-th (one shuffle); larger ones gather."""


class _Columns:
    """Columns ``q0 .. q0+lanes`` of P: the lane geometry, computed once for many rows.

    The lanes of one output row read image elements ``sw`` apart, so a row of P is
    ``segments`` contiguous reads (one per output row touched; ``sw`` > 1: of ``sw*lanes``
    elements, every ``sw``-th kept), merged by select. ``segments`` None: one masked
    gather."""

    def __init__(self, img: Image, lanes: _Lanes, q0: ir.Value, segments: int | None):
        self.img, self.lanes, self.segments = img, lanes, segments
        q = arith.addi(lanes.splat(q0), lanes.const(list(range(lanes.n))))
        self.valid = arith.cmpi(arith.CmpIPredicate.ult, q, lanes.const(img.oh * img.ow))
        oh = arith.divui(q, lanes.const(img.ow))
        self.vtype = ir.VectorType.get([lanes.n], img.element)
        self.zero = arith.ConstantOp(img.element, ir.FloatAttr.get(img.element, 0.0)).result
        if segments is None:
            ow = arith.remui(q, lanes.const(img.ow))
            self.where = arith.addi(arith.muli(oh, lanes.const(img.sh * img.wp)),
                                    arith.muli(ow, lanes.const(img.sw)))
            return
        oh0, ow0 = arith.divui(q0, _index(img.ow)), arith.remui(q0, _index(img.ow))
        self.starts, self.masks = [], []
        for s in range(segments):  # lane 0's offset were it in output row oh0 + s
            row = arith.addi(oh0, _index(s))
            start = arith.addi(arith.muli(row, _index(img.sh * img.wp)),
                               arith.muli(ow0, _index(img.sw)))
            self.starts.append(arith.subi(start, _index(s * img.ow * img.sw)) if s else start)
            same = arith.cmpi(arith.CmpIPredicate.eq, oh, lanes.splat(row))
            self.masks.append(arith.andi(self.valid, same))
        # a wide read (column stride sw > 1) reads lane i's element at position sw*i
        spread = [i // img.sw if i % img.sw == 0 else lanes.n for i in range(img.sw * lanes.n)]
        off = arith.ConstantOp(ir.VectorType.get([1], ir.IntegerType.get_signless(1)),
                               ir.DenseElementsAttr.get_splat(
                                   ir.VectorType.get([1], ir.IntegerType.get_signless(1)),
                                   ir.BoolAttr.get(False))).result
        self.wide_masks = [vector.shuffle(m, off, spread) if img.sw > 1 else None
                           for m in self.masks]

    def row(self, k: ir.Value) -> ir.Value:
        """P[k, q0 .. q0+lanes] (zeros past N)."""
        offset = self.img.row_offset(k)
        if self.segments is None:
            where = arith.addi(self.where, self.lanes.splat(offset))
            fill = vector.broadcast(self.vtype, self.zero)
            return vector.gather(self.vtype, self.img.flat, [_index(0)], where, self.valid, fill)
        minor = ir.AffineMapAttr.get(ir.AffineMap.get(1, 0, [ir.AffineDimExpr.get(0)]))
        in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])  # masked lanes read nothing
        sw, n = self.img.sw, self.lanes.n
        value = None if sw == 1 else vector.broadcast(self.vtype, self.zero)
        for start, mask, wide_mask in zip(self.starts, self.masks, self.wide_masks):
            where = [arith.addi(start, offset)]
            if sw == 1:
                read = vector.transfer_read(self.vtype, self.img.flat, where, minor, self.zero,
                                            in_bounds, mask=mask)
            else:  # sw*n consecutive elements, every sw-th kept
                wide = ir.VectorType.get([sw * n], self.img.element)
                read = vector.transfer_read(wide, self.img.flat, where, minor, self.zero,
                                            in_bounds, mask=wide_mask)
                read = vector.shuffle(read, read, list(range(0, sw * n, sw)))
            value = read if value is None else arith.select(mask, read, value)
        return value


def _flat(x: ir.Value) -> ir.Value:
    shape = ir.RankedTensorType(x.type).shape
    flat = ir.RankedTensorType.get([shape[1] * shape[2] * shape[3]],
                                   ir.RankedTensorType(x.type).element_type)
    reassoc = ir.ArrayAttr.get([ir.ArrayAttr.get(
        [ir.IntegerAttr.get(ir.IntegerType.get_signless(64), i) for i in range(4)])])
    return tensor.CollapseShapeOp(flat, x, reassoc).result


def padded_image(p: Patches) -> ir.Value:
    """``p.x`` (the padded image) built by a ``hw.parallel`` over channels: each plane
    filled with the pad value and the unpadded plane copied into it (vector rows)."""
    shape = ir.RankedTensorType(p.x.type).shape
    source = p.pad.source
    element = ir.RankedTensorType(source.type).element_type
    plane = list(ir.RankedTensorType(source.type).shape)
    plane[1] = 1
    where = [0, 0] + list(p.pad.low)
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()

    def channel(c, tile):
        src = tensor.ExtractSliceOp(ir.RankedTensorType.get(plane, element), source,
                                    [c], [], [], [0, dyn, 0, 0], plane, [1] * 4).result
        filled = linalg.fill(p.pad.value, outs=[tile])
        inner = tensor.ExtractSliceOp(src.type, filled, [], [], [], where, plane,
                                      [1] * 4).result
        return tensor.InsertSliceOp(copy_into(src, inner), filled, [], [], [], where, plane,
                                    [1] * 4).result

    return _kernel(list(shape), element, shape[1], channel, dim=1)


def _kernel(dest_shape, element, bound: int, body, dim: int = 0) -> ir.Value:
    """``hw.parallel`` over the ``bound`` unit slices along ``dim`` of a new ``dest_shape``
    tensor; ``body(i, slice)`` returns the written slice."""
    empty = tensor.EmptyOp(dest_shape, element).result
    par = ParallelOp([empty.type], [empty], upper_bounds=[bound], steps=[1], mapping=["core"])
    block = par.operation.regions[0].blocks.append(ir.IndexType.get(), empty.type)
    with ir.InsertionPoint(block):
        i, dest = block.arguments
        dyn = ir.ShapedType.get_dynamic_stride_or_offset()
        one = [1 if d == dim else e for d, e in enumerate(dest_shape)]
        static = [dyn if d == dim else 0 for d in range(len(one))]
        tile = tensor.ExtractSliceOp(ir.RankedTensorType.get(one, element), dest, [i], [], [],
                                     static, one, [1] * len(one)).result
        tile = body(i, tile)
        zero = _index(0)
        ir.Operation.create(TERMINATOR, operands=[tile] + [i if d == dim else zero
                                                           for d in range(len(one))])
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


def packed_patches(img: Image, nr: int) -> ir.Value:
    """The B panels ``[ceil(N/nr), K, nr]`` of the whole patch matrix, read from the image by
    a ``hw.parallel`` over the panels (built at the current insertion point)."""
    k, n = _dims(img.p)
    lanes, panels = _Lanes(nr), -(-n // nr)
    segments = img.segments(nr, range(0, n, nr))
    return _kernel([panels, k, nr], img.element, panels, lambda j, tile: _write_panel(
        img, lanes, segments, arith.muli(j, _index(nr)), tile, _index(0)))


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
