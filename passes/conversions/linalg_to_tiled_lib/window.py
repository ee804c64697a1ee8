"""Sliding-window kernels for ``aic-convert-linalg-to-tiled``: depthwise conv and pooling.

Accepted (``analyze``; anything else stays linalg): `linalg.depthwise_conv_2d_nchw_chw`,
`linalg.pooling_nchw_max` and `linalg.pooling_nchw_sum` on static tensors. Their input maps
(`oh * stride + kh * dilation`) are not projected permutations, so they get their own kernel
kind: the space is the output `(n, c, oh, ow)`, all parallel; the window dims are not tiled
(each tile applies the whole window). Per tile `(n0, c0, oh0, ow0)` of sizes
`(tn, tc, th, tw)` the body loads

    input  x[n0, c0, oh0 * sh, ow0 * sw]  sizes (tn, tc, (th-1)*sh + dh*(kh-1) + 1, ...)
    filter w[c0, 0, 0]                    sizes (tc, kh, kw)          (depthwise only)

and applies the same named op to the tiles (pooling keeps its shape-only window tensor).
The init's producer, when it is a `linalg.fill` or a per-channel `linalg.broadcast`
(dimensions [0, 2, 3], as the conv bias) used only here, moves into the body: the kernel's
init becomes the producer's destination, and each tile fills its own accumulator (so the
vectorizer can start from the bias in registers instead of re-reading a filled tensor).
When the input is a `tensor.pad` of the spatial dims (constant value) and a tile is whole
output planes, the tile loads the unpadded planes and pads them itself (`tensor.pad` in the
body), so no padded copy of the whole input is made.
Tile sizes: ``aic.dialects.tiled.tiling.window``.
"""

from __future__ import annotations

from dataclasses import dataclass

from aic.dialects.tiled import PARALLEL, LoadOp
from aic.passes.conversions.linalg_to_tiled_lib.analysis import LinalgInfo
from aic.dialects.tiled.shapes import static_shape, tile_type
from aic.mlir_api import arith, ir, linalg, tensor

DEPTHWISE = "linalg.depthwise_conv_2d_nchw_chw"
POOL_MAX, POOL_SUM = "linalg.pooling_nchw_max", "linalg.pooling_nchw_sum"
NAMES = (DEPTHWISE, POOL_MAX, POOL_SUM)
_BUILDERS = {DEPTHWISE: linalg.depthwise_conv_2d_nchw_chw, POOL_MAX: linalg.pooling_nchw_max,
             POOL_SUM: linalg.pooling_nchw_sum}


@dataclass
class Pad:
    source: ir.Value
    low: list[int]  # (top, left)
    high: list[int]  # (bottom, right)
    value: ir.Value  # defined above the pad


@dataclass
class Window:
    info: LinalgInfo  # space = the output shape; of its maps only maps[-1] (the identity,
    # which epilogue fusion reads) is real: the input's window maps are no permutations
    x: ir.Value
    w: ir.Value  # filter (depthwise) or shape-only window (pooling)
    strides: list[int]
    dilations: list[int]
    producer: ir.OpView | None  # fill / broadcast of the init, moved into the kernel
    pad: Pad | None  # the tensor.pad producing x (spatial dims only)

    @property
    def window(self) -> list[int]:
        return static_shape(self.w.type)[-2:]

    def input_extent(self, d: int, size: int) -> int:
        """Input rows (d = 0) or columns (d = 1) read by ``size`` outputs along that dim."""
        return (size - 1) * self.strides[d] + self.dilations[d] * (self.window[d] - 1) + 1


def _ints(op, name: str) -> list[int]:
    if name not in op.attributes:
        return [1, 1]
    return [int(v) for v in ir.DenseIntElementsAttr(op.attributes[name])]


def _movable_producer(init: ir.Value) -> ir.OpView | None:
    """The init's fill / per-channel broadcast when this window op is its only user."""
    if isinstance(init.owner, ir.Block) or len(list(init.uses)) != 1:
        return None
    owner = init.owner.operation
    if owner.name not in ("linalg.fill", "linalg.broadcast"):
        return None
    if owner.name == "linalg.broadcast":
        src = owner.operands[0]
        dims = [int(v) for v in ir.DenseI64ArrayAttr(owner.attributes["dimensions"])]
        if dims != [0, 2, 3] or static_shape(src.type) is None:
            return None
    return owner.opview


def analyze(op: ir.OpView) -> Window | None:
    if op.operation.name not in NAMES or len(op.operation.results) != 1:
        return None
    x, w, init = list(op.operation.operands)
    shapes = [static_shape(v.type) for v in (x, w, init)]
    if any(s is None for s in shapes) or len(shapes[0]) != 4 or len(shapes[2]) != 4:
        return None
    if 0 in shapes[2]:
        return None
    producer = _movable_producer(init)
    kernel_init = producer.operation.operands[-1] if producer is not None else init
    space = list(shapes[2])
    identity = list(range(4))
    info = LinalgInfo(op, [x, w], kernel_init, [identity, [1], identity], [PARALLEL] * 4, space)
    return Window(info, x, w, _ints(op, "strides"), _ints(op, "dilations"), producer,
                  spatial_pad(x))


def spatial_pad(x: ir.Value) -> Pad | None:
    """x = tensor.pad(source) with static pads on the last two dims and an outside value."""
    if isinstance(x.owner, ir.Block) or x.owner.operation.name != "tensor.pad":
        return None
    pad = x.owner.operation
    if len(pad.operands) != 1:  # dynamic pads
        return None
    low = [int(v) for v in ir.DenseI64ArrayAttr(pad.attributes["static_low"])]
    high = [int(v) for v in ir.DenseI64ArrayAttr(pad.attributes["static_high"])]
    value = list(pad.regions[0].blocks[0].operations)[-1].operands[0]
    inside = not isinstance(value.owner, ir.Block) and value.owner.operation.parent == pad
    if low[:2] != [0, 0] or high[:2] != [0, 0] or inside or isinstance(value.owner, ir.Block):
        return None
    return Pad(pad.operands[0], low[2:], high[2:], value)


def index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def scaled(offset: ir.Value, factor: int) -> ir.Value:
    return offset if factor == 1 else arith.muli(offset, index(factor))


def tile_body(win: Window, sizes: list[int], offsets, acc) -> ir.Value:
    """The window op applied to one output tile (built at the current insertion point)."""
    n, c, _, _ = offsets
    x_tile = input_tile(win, sizes, offsets, sizes[2:] == win.info.space[2:])
    w = win.w
    if win.info.name == DEPTHWISE:
        w_sizes = [sizes[1]] + win.window
        w_elem = ir.RankedTensorType(w.type).element_type
        zero = index(0)
        w = LoadOp(tile_type(w_sizes, w_elem), w, [c, zero, zero], sizes=w_sizes).result
    init = _tile_init(win, sizes[1], c, acc)
    build = _BUILDERS[win.info.name]
    return build(x_tile, w, outs=[init], strides=win.strides, dilations=win.dilations)


def input_tile(src, sizes: list[int], offsets, whole_planes: bool) -> ir.Value:
    """The input that output tile ``sizes`` ``(n, c, th, tw)`` at ``offsets`` reads from
    ``src`` (a Window or patches: ``x``, ``pad``, ``strides``, ``input_extent``): whole planes
    of a padded input are loaded unpadded and padded in the tile."""
    n, c, oh, ow = offsets
    if src.pad is not None and whole_planes:
        return padded_tile(src.pad, sizes, n, c)
    element = ir.RankedTensorType(src.x.type).element_type
    x_sizes = sizes[:2] + [src.input_extent(0, sizes[2]), src.input_extent(1, sizes[3])]
    x_offsets = [n, c, scaled(oh, src.strides[0]), scaled(ow, src.strides[1])]
    return LoadOp(tile_type(x_sizes, element), src.x, x_offsets, sizes=x_sizes).result


def padded_tile(pad: Pad, sizes: list[int], n: ir.Value, c: ir.Value) -> ir.Value:
    """Whole planes: load them unpadded and pad the tile (the pad stays in L1/L2) — the pad
    value filled into the tile's border strips only and the plane copied into its interior
    by an identity generic, which the hw vectorizer turns into vector rows (a `tensor.pad`
    would bufferize to a generic strided `memrefCopy`, one element at a time; filling the
    whole tile first wrote every element twice: a 3x3 s2 max-pool of 64 x 112x112 ran 0.229
    ms with the whole tile filled)."""
    shape = static_shape(pad.source.type)
    element = ir.RankedTensorType(pad.source.type).element_type
    src_sizes = sizes[:2] + shape[2:]
    zero = index(0)
    src = LoadOp(tile_type(src_sizes, element), pad.source, [n, c, zero, zero],
                 sizes=src_sizes).result
    padded = src_sizes[:2] + [e + lo + hi for e, lo, hi in zip(shape[2:], pad.low, pad.high)]
    filled = tensor.EmptyOp(padded, element).result
    for offsets, strip in _border(shape[2:], pad.low, pad.high):
        filled = _update_slice(filled, [0, 0] + offsets, src_sizes[:2] + strip,
                               lambda part: linalg.fill(pad.value, outs=[part]))
    return _update_slice(filled, [0, 0] + pad.low, src_sizes, lambda part: copy_into(src, part))


def _border(extent: list[int], low: list[int], high: list[int]):
    """``(offsets, sizes)`` of the non-empty border strips of a 2-D plane of ``extent``
    padded by ``low`` / ``high``: the top and bottom rows over the whole padded width, the
    left and right columns beside the interior rows."""
    (h, w), (lh, lw), (hh, hw) = extent, low, high
    width = lw + w + hw
    strips = [([0, 0], [lh, width]), ([lh + h, 0], [hh, width]),
              ([lh, 0], [h, lw]), ([lh, lw + w], [h, hw])]
    return [(o, z) for o, z in strips if z[0] > 0 and z[1] > 0]


def _update_slice(dest: ir.Value, offsets: list[int], sizes: list[int], update) -> ir.Value:
    """``dest`` with its static slice at ``offsets`` / ``sizes`` replaced by ``update(slice)``
    (in place after bufferization: the slice is extracted from and inserted into ``dest``)."""
    element = ir.RankedTensorType(dest.type).element_type
    slice_type = ir.RankedTensorType.get(sizes, element)
    part = tensor.ExtractSliceOp(slice_type, dest, [], [], [], offsets, sizes,
                                 [1] * len(sizes)).result
    return tensor.InsertSliceOp(update(part), dest, [], [], [], offsets, sizes,
                                [1] * len(sizes)).result


def copy_into(src: ir.Value, dst: ir.Value) -> ir.Value:
    """``dst`` overwritten with ``src`` (same shape) by an identity `linalg.generic`, which the
    hw vectorizer turns into vector rows."""
    dtype = ir.RankedTensorType(dst.type)
    identity = ir.AffineMapAttr.get(ir.AffineMap.get_identity(dtype.rank))
    parallel = ir.Attribute.parse("#linalg.iterator_type<parallel>")
    copy = linalg.GenericOp([dst.type], [src], [dst], ir.ArrayAttr.get([identity, identity]),
                            ir.ArrayAttr.get([parallel] * dtype.rank))
    block = copy.regions[0].blocks.append(dtype.element_type, dtype.element_type)
    with ir.InsertionPoint(block):
        linalg.YieldOp([block.arguments[0]])
    return copy.result


def _tile_init(win: Window, channels: int, c: ir.Value, acc: ir.Value) -> ir.Value:
    producer = win.producer
    if producer is None:
        return acc
    if producer.operation.name == "linalg.fill":
        return linalg.fill(producer.operation.operands[0], outs=[acc])
    src = producer.operation.operands[0]
    src_elem = ir.RankedTensorType(src.type).element_type
    bias = LoadOp(tile_type([channels], src_elem), src, [c], sizes=[channels]).result
    return linalg.broadcast(bias, outs=[acc], dimensions=[0, 2, 3]).results[0]


def producers(win: Window) -> list[ir.Operation]:
    """The init's producer and the input's pad, where the kernel has taken their place."""
    ops = (win.producer, win.x.owner if win.pad else None)
    return [o.operation for o in ops if o is not None and not list(o.operation.results[0].uses)]


def erase_producers(win: Window) -> None:
    """Drop the init's producer and the input's pad once the kernel has taken their place."""
    for op in producers(win):
        op.erase()


def erase_pad(pad: Pad | None, x: ir.Value) -> None:
    """Drop the tensor.pad producing ``x`` once no kernel reads it any more."""
    if pad is not None and not list(x.uses):
        x.owner.operation.erase()
