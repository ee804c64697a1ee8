"""Patch-copy (im2col) kernels for ``aic-convert-linalg-to-tiled``.

Accepted (``analyze``): the copying `linalg.generic` that the im2col lowering of a convolution
builds (``graph_to_linalg_lib.im2col.patches``) — one static input ``x`` (N x C x H x W), one
output P (N x C x KH x KW x OH x OW) with the identity map, all iterators parallel, a body that
yields its input, and the input map

    (n, c, kh, kw, oh, ow) -> (n, c, oh * sh + kh * dh, ow * sw + kw * dw)

Its map is no projected permutation, so it is a kernel kind of its own: the space is P's shape;
a tile is ``(1, 1, KH, KW, th, OW)`` — the whole window of ``th`` output rows of one channel —
with ``th`` from ``aic.dialects.tiled.tiling.window`` over ``(n, c, oh, ow)``. Per tile the body
loads the input rows it reads (when ``x`` is a spatial `tensor.pad` and the tile is whole
planes: the unpadded plane, padded inside the tile, so no padded copy of the input is made) and
copies, in a loop over ``(kh, kw)``, the strided slice ``x[.., kh*dh + oh*sh, kw*dw + ow*sw]``
into ``P[.., kh, kw, .., ..]`` with an identity-mapped `linalg.generic` that
``aic-hw-vectorize`` turns into vector copies along ``ow``. So the patch matrix is built in
parallel, one vector row at a time, instead of by one scalar loop nest over the whole tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

from aic.dialects.tiled import PARALLEL
from aic.dialects.tiled.shapes import static_shape
from aic.mlir_api import ir, scf, tensor
from aic.passes.conversions.linalg_to_tiled_lib.analysis import GENERIC, LinalgInfo
from aic.passes.conversions.linalg_to_tiled_lib.window import Pad, copy_into, index, input_tile, \
    scaled, spatial_pad
from aic.verify import float_constant


@dataclass
class Patches:
    info: LinalgInfo  # space = P's shape; maps[-1] (the identity) is the only real map
    x: ir.Value
    strides: list[int]
    dilations: list[int]
    pad: Pad | None  # the tensor.pad producing x (spatial dims only)

    def input_extent(self, d: int, size: int) -> int:
        """Input rows (d = 0) or columns (d = 1) read by ``size`` outputs along that dim."""
        window = self.info.space[2 + d]
        return (size - 1) * self.strides[d] + self.dilations[d] * (window - 1) + 1


def _coefficients(expr) -> dict[int, int] | None:
    """{dim: factor} of a sum of dims times constants; None for anything else."""
    if isinstance(expr, ir.AffineDimExpr):
        return {expr.position: 1}
    if isinstance(expr, ir.AffineMulExpr) and isinstance(expr.rhs, ir.AffineConstantExpr):
        inner = _coefficients(expr.lhs)
        return None if inner is None else {d: f * expr.rhs.value for d, f in inner.items()}
    if isinstance(expr, ir.AffineAddExpr):
        lhs, rhs = _coefficients(expr.lhs), _coefficients(expr.rhs)
        if lhs is None or rhs is None or set(lhs) & set(rhs):
            return None
        return {**lhs, **rhs}
    return None


def _strides(input_map: ir.AffineMap) -> tuple[list[int], list[int]] | None:
    """(strides, dilations) when the map is (n, c, oh*sh + kh*dh, ow*sw + kw*dw)."""
    exprs = [_coefficients(e) for e in input_map.results]
    if input_map.n_dims != 6 or len(exprs) != 4 or exprs[:2] != [{0: 1}, {1: 1}]:
        return None
    rows, cols = exprs[2], exprs[3]
    if rows is None or cols is None or set(rows) != {4, 2} or set(cols) != {5, 3}:
        return None
    return [rows[4], cols[5]], [rows[2], cols[3]]


def analyze(op: ir.OpView) -> Patches | None:
    if op.operation.name != GENERIC or len(op.operation.operands) != 2:
        return None
    x, init = list(op.operation.operands)
    if static_shape(x.type) is None or static_shape(init.type) is None:
        return None
    attrs = op.operation.attributes
    if any("parallel" not in str(a) for a in ir.ArrayAttr(attrs["iterator_types"])):
        return None
    maps = [ir.AffineMapAttr(m).value for m in ir.ArrayAttr(attrs["indexing_maps"])]
    found = _strides(maps[0])
    if found is None or maps[1] != ir.AffineMap.get_identity(6):
        return None
    block = op.operation.regions[0].blocks[0]
    body = list(block.operations)
    if len(body) != 1 or list(body[0].operands) != [block.arguments[0]]:
        return None
    space = list(static_shape(init.type))
    identity = list(range(6))
    info = LinalgInfo(op, [x], init, [identity, identity], [PARALLEL] * 6, space)
    return Patches(info, x, found[0], found[1], spatial_pad(x))


def matrix_of(p: Patches) -> ir.Operation | None:
    """The `tensor.collapse_shape` to the 2-D patch matrix P (K x N) when it is the copy's
    only use (batch 1)."""
    uses = list(p.info.op.operation.results[0].uses)
    if len(uses) != 1 or uses[0].owner.name != "tensor.collapse_shape":
        return None
    collapse = uses[0].owner
    return collapse if ir.RankedTensorType(collapse.results[0].type).rank == 2 else None


def defers_to_hw(p: Patches, target) -> bool:
    """Whether the copy is left for ``aic-convert-tiled-to-hw`` to pack straight from the image
    (``tiled_to_hw_lib.im2col_pack``): a CPU target, f32, batch 1, a padded image under 2**31
    elements (i32 lane offsets), and P read only as the B operand of `linalg.matmul`."""
    n, c, h, w = static_shape(p.x.type)
    if target is None or target.kind != "cpu" or c * h * w >= 2 ** 31:
        return False
    return _only_matmul_b(p)


def _only_matmul_b(p: Patches) -> bool:
    """f32, batch 1, and P read only as the B operand of `linalg.matmul`."""
    element = ir.RankedTensorType(p.x.type).element_type
    if not isinstance(element, ir.F32Type) or static_shape(p.x.type)[0] != 1:
        return False
    collapse = matrix_of(p)
    uses = list(collapse.results[0].uses) if collapse is not None else []
    return bool(uses) and all(u.owner.name == "linalg.matmul" and u.operand_number == 1
                              for u in uses)


def implicit_gemm_attr(p: Patches, sizes: list[int], target) -> ir.Attribute | None:
    """On a CUDA target, the ``mma_lib.plan.IM2COL_ATTR`` value of this copy's kernel: the
    padding, strides and dilations with which a tensor-core kernel computing the matmul reads
    B from the image its tiles load (``aic-hw-lower-mma``; the copy is then dropped): the
    unpadded source when the tiles pad whole planes themselves (a zero pad), else ``x`` (a
    zero `tensor.pad` there is seen through by that pass). None: not a CUDA target, not f32
    batch 1, P read by anything but matmuls as B, or a nonzero pad value."""
    if target is None or target.kind != "cuda" or not _only_matmul_b(p):
        return None
    pads = [0, 0]
    if p.pad is not None and sizes[4:] == p.info.space[4:]:  # tile_body pads in the tile
        if float_constant(p.pad.value) != 0:
            return None
        pads = list(p.pad.low)
    return ir.DictAttr.get({name: ir.DenseI64ArrayAttr.get(list(values)) for name, values in
                            (("pads", pads), ("strides", p.strides),
                             ("dilations", p.dilations))})


def tile_body(p: Patches, sizes: list[int], offsets, acc) -> ir.Value:
    """The patches of one tile ``(1, tc, KH, KW, th, OW)`` (built at the current point): loops
    over ``kh`` and ``kw`` around one copy, so the IR stays small for any window (a 16x16
    patch embedding would otherwise be 256 slice pairs, which bufferization analyses in
    quadratic time)."""
    element = ir.RankedTensorType(p.x.type).element_type
    out = [sizes[0], sizes[1], sizes[4], sizes[5]]
    where = [offsets[0], offsets[1], offsets[4], offsets[5]]
    x_tile = input_tile(p, out, where, sizes[4:] == p.info.space[4:])
    rows = scf.ForOp(index(0), index(sizes[2]), index(1), [acc])
    with ir.InsertionPoint(rows.body):
        cols = scf.ForOp(index(0), index(sizes[3]), index(1), [rows.inner_iter_args[0]])
        with ir.InsertionPoint(cols.body):
            copied = _copy_window(p, x_tile, cols.inner_iter_args[0], out,
                                  rows.induction_variable, cols.induction_variable, element)
            scf.YieldOp([copied])
        scf.YieldOp([cols.results[0]])
    return rows.results[0]


def _copy_window(p: Patches, x_tile, acc, out: list[int], kh, kw, element):
    """acc[:, :, kh, kw] = x_tile[:, :, kh*dh + sh*i, kw*dw + sw*j] (one generic copy)."""
    dyn = ir.ShapedType.get_dynamic_stride_or_offset()
    plane = ir.RankedTensorType.get(out, element)
    src = tensor.ExtractSliceOp(plane, x_tile, [scaled(kh, p.dilations[0]),
                                                scaled(kw, p.dilations[1])], [], [],
                                [0, 0, dyn, dyn], out,
                                [1, 1, p.strides[0], p.strides[1]]).result
    full = [out[0], out[1], 1, 1, out[2], out[3]]
    at = [0, 0, dyn, dyn, 0, 0]
    dst = tensor.ExtractSliceOp(plane, acc, [kh, kw], [], [], at, full, [1] * 6).result
    return tensor.InsertSliceOp(copy_into(src, dst), acc, [kh, kw], [], [], at, full,
                                [1] * 6).result
