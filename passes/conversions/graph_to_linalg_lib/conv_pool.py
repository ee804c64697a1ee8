"""Convolutions and pooling (NCHW-style layouts) -> linalg.

conv: explicit ``tensor.pad`` (zeros), output initialised with the broadcast bias (or zeros)
(f16, bf16: accumulated in f32, rounded once at the end),
then 2-D group 1: im2col + ``linalg.matmul`` (``im2col``; with ``conv-im2col=false``
``linalg.conv_2d_nchw_fchw``), ``linalg.depthwise_conv_2d_nchw_chw``
(one filter per channel) or ``linalg.conv_2d_ngchw_gfchw`` on reshaped operands (other
groups); 1-D/3-D group 1 use the matching named ops; anything else a ``linalg.generic``.
conv_transpose: zero-interleave the input (``tensor.insert_slice`` with strides), pad by
``dilation*(k-1) - pad``, then a grouped conv with the flipped, channel-swapped kernel (a
kernel equal to the stride never gets here: ``aic-graph-simplify`` makes it a 1x1 conv and a
pixel shuffle).
pool: pad with -inf (max) or 0 (avg) — extra end padding covers ``ceil_mode`` windows —
then ``linalg.pooling_nchw_max/sum`` (2-D; unsigned max pools use the generic, the named
max op is signed) or a generic window reduction; avg divides by a
per-position count constant computed here (``count_include_pad`` counts explicit pads,
never the ceil-mode overhang). global_pool: a reduction over the spatial dims, collapsed
into one.

May import: the MLIR shim, the graph op classes, ``common``, ``im2col`` and ``scalar``.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import ConvOp, ConvTransposeOp, GlobalPoolOp, PoolOp
from aic.mlir_api import ir, linalg, tensor
from aic.passes.conversions.graph_to_linalg_lib import im2col
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib import dims
from aic.passes.conversions.graph_to_linalg_lib.common import (
    PARALLEL, REDUCTION, affine_map, const, dense_const, dim, elem_of, empty, filled, generic,
    is_unsigned_int, lowest, map_elementwise, per_item, reduce_dims, reshape, shape_of, wide)


def pad(x: ir.Value, low: list[int], high: list[int], value: ir.Value) -> ir.Value:
    """``tensor.pad`` with a constant (no-op when all pads are zero)."""
    if not any(low) and not any(high):
        return x
    shape = [d + lo + hi for d, lo, hi in zip(shape_of(x), low, high)]
    op = tensor.PadOp(ir.RankedTensorType.get(dims.static_shape(shape), elem_of(x)), x, [], [],
                      low, high)
    block = op.regions[0].blocks.append(*[ir.IndexType.get()] * len(low))
    with ir.InsertionPoint(block):
        tensor.YieldOp(value)
    return op.result


def _spatial_pads(op, n_spatial):
    pads = list(op.pads) or [0] * (2 * n_spatial)
    return [0, 0] + pads[:n_spatial], [0, 0] + pads[n_spatial:]


def _conv_init(bias, out_shape, elem):
    if bias is None:
        return filled(out_shape, elem, const(elem, 0))
    dims = [d for d in range(len(out_shape)) if d != 1]
    return linalg.broadcast(bias, outs=[empty(out_shape, elem)], dimensions=dims).results[0]


def generic_conv(x, w, init, strides, dilations, group):
    """Grouped N-d conv as one linalg.generic: x N x C x ..., w M x C/g x K..., init N x M x O..."""
    ns = len(strides)
    sw, so = shape_of(w), shape_of(init)
    cg, fg = sw[1], sw[0] // group
    wg = reshape(w, [group, fg, cg] + sw[2:])
    ig = reshape(init, [so[0], group, fg] + so[2:])
    # dims: n, g, f, o_1..o_ns, c, k_1..k_ns
    n_dims = 4 + 2 * ns
    g, c = dim(1), dim(3 + ns)
    outs = [dim(3 + i) for i in range(ns)]
    ks = [dim(4 + ns + i) for i in range(ns)]
    x_map = affine_map(n_dims, [0, g * cg + c] + [o * st + k * dl for o, k, st, dl
                                                  in zip(outs, ks, strides, dilations)])
    w_map = affine_map(n_dims, [1, 2, 3 + ns] + ks)
    o_map = affine_map(n_dims, [0, 1, 2] + outs)
    iters = [PARALLEL] * (3 + ns) + [REDUCTION] * (1 + ns)
    res = generic([x, wg], [ig], [x_map, w_map, o_map], iters,
                  lambda a, b, acc: s.add(acc, s.mul(s.convert(a, acc.type),
                                                     s.convert(b, acc.type))))[0]
    return reshape(res, so)


def _named_conv(x, w, init, strides, dilations, group):
    ns = len(strides)
    c, m = shape_of(x)[1], shape_of(w)[0]
    kw = dict(strides=strides, dilations=dilations)
    if im2col.applies(x, group):
        return im2col.im2col_conv(x, w, init, strides, dilations)
    named = {1: linalg.conv_1d_ncw_fcw, 2: linalg.conv_2d_nchw_fchw, 3: linalg.conv_3d_ncdhw_fcdhw}
    depthwise = {1: linalg.depthwise_conv_1d_ncw_cw, 2: linalg.depthwise_conv_2d_nchw_chw,
                 3: linalg.depthwise_conv_3d_ncdhw_cdhw}
    if group == 1 and ns in named:
        return named[ns](x, w, outs=[init], **kw)
    if group == c and m == c and ns in depthwise:
        wc = reshape(w, [m] + shape_of(w)[2:])
        return depthwise[ns](x, wc, outs=[init], **kw)
    if ns == 2:
        n, fg, cg = shape_of(x)[0], m // group, c // group
        xg = reshape(x, [n, group, cg] + shape_of(x)[2:])
        wg = reshape(w, [group, fg, cg] + shape_of(w)[2:])
        out_shape = shape_of(init)
        ig = reshape(init, [n, group, fg] + out_shape[2:])
        res = linalg.conv_2d_ngchw_gfchw(xg, wg, outs=[ig], **kw)
        return reshape(res, out_shape)
    return generic_conv(x, w, init, strides, dilations, group)


def conv(x, w, bias, out_shape, strides, dilations, group, low, high):
    """f16 and bf16 convs accumulate in f32 (as onnxruntime and ONNX's reference do) and
    round once."""
    elem = elem_of(x)
    acc = wide(elem)
    xp = pad(x, low, high, const(elem, 0.0))
    if bias is not None and acc != elem:
        bias = map_elementwise(shape_of(bias), acc, [bias], lambda v: s.convert(v, acc))
    if bias is not None and out_shape[0] == 1 and im2col.applies(xp, group):
        # zero accumulator, bias added after the matmul: an epilogue of its kernel
        res = im2col.im2col_conv(xp, w, _conv_init(None, out_shape, acc), list(strides),
                                 list(dilations), bias=bias)
    else:
        init = _conv_init(bias, out_shape, acc)
        res = _named_conv(xp, w, init, list(strides), list(dilations), group)
    if acc == elem:
        return res
    return map_elementwise(out_shape, elem, [res], lambda v: s.convert(v, elem))


def lower_conv(op):
    """A batch of several images, or a dynamic batch (nothing else dynamic): a loop over the
    images, each the batch-1 convolution (its implicit GEMM; measured 2x faster at batch 4
    than one batched contraction over a broadcast filter)."""
    ns = len(shape_of(op.x)) - 2
    low, high = _spatial_pads(op, ns)
    out_shape = shape_of(op.operation.results[0])

    def one(x, shape):
        return conv(x, op.w, op.bias, shape, op.strides, op.dilations, op.group, low, high)
    batch, rest = out_shape[0], shape_of(op.x)[1:] + out_shape[1:]
    if (dims.is_dim(batch) or batch > 1) and not any(map(dims.is_dim, rest)):
        return [per_item(op.x, out_shape, elem_of(op.operation.results[0]), one)]
    return [one(op.x, out_shape)]


def _transposed_kernel(w, group):
    """C x M/g x K... -> M x C/g x K..., spatially flipped (the equivalent conv kernel)."""
    sw = shape_of(w)
    c, fg, ks = sw[0], sw[1], sw[2:]
    cg, ns = c // group, len(ks)
    n_dims = 3 + ns  # g, f, c, k...
    kexpr = [ir.AffineConstantExpr.get(k - 1) - dim(3 + i) for i, k in enumerate(ks)]
    w_map = affine_map(n_dims, [dim(0) * cg + dim(2), 1] + kexpr)
    out = empty([group, fg, cg] + ks, elem_of(w))
    flipped = generic([w], [out], [w_map, ir.AffineMap.get_identity(n_dims)],
                      [PARALLEL] * n_dims, lambda a, _: a)[0]
    return reshape(flipped, [group * fg, cg] + ks)


def lower_conv_transpose(op):
    x, w = op.x, op.w
    sx, sw = shape_of(x), shape_of(w)
    ns = len(sx) - 2
    strides, dil, group = list(op.strides), list(op.dilations), op.group
    pads = list(op.pads) or [0] * (2 * ns)
    out_pad = list(op.output_padding) or [0] * ns
    elem = elem_of(x)
    zero = const(elem, 0.0)
    # 1. zero-interleave the input by the strides
    inter = [(d - 1) * st + 1 for d, st in zip(sx[2:], strides)]
    if any(st > 1 for st in strides):
        base = filled(sx[:2] + inter, elem, zero)
        x = tensor.insert_slice(x, base, [], [], [], [0] * len(sx), sx, [1, 1] + strides)
    # 2. pad by dilation*(k-1) - pad (negative: crop afterwards via a larger/later slice)
    out_shape = shape_of(op.operation.results[0])
    low = [dl * (k - 1) - p for dl, k, p in zip(dil, sw[2:], pads[:ns])]
    high = [dl * (k - 1) - p + op_ for dl, k, p, op_ in zip(dil, sw[2:], pads[ns:], out_pad)]
    crop = [max(0, -lo) for lo in low]
    x = pad(x, [0, 0] + [max(0, lo) for lo in low], [0, 0] + [max(0, h) for h in high], zero)
    if any(crop) or any(h < 0 for h in high):
        sizes = sx[:2] + [o + dl * (k - 1) for o, dl, k in zip(out_shape[2:], dil, sw[2:])]
        x = tensor.extract_slice(ir.RankedTensorType.get(sizes, elem), x, [], [], [],
                                 [0, 0] + crop, sizes, [1] * len(sx))
    kernel = _transposed_kernel(w, group)
    no_pad = [0] * len(sx)
    return [conv(x, kernel, op.bias, out_shape, [1] * ns, dil, group, no_pad, no_pad)]


def _pool_counts(in_sizes, out_sizes, kernel, strides, dil, low, high, include_pad):
    """Per output position: how many window cells count in an average (numpy, static)."""
    axes = []
    for size, out, k, st, dl, lo, hi in zip(in_sizes, out_sizes, kernel, strides, dil, low, high):
        first, last = (-lo, size + hi) if include_pad else (0, size)
        axes.append(np.array([sum(1 for j in range(k) if first <= o * st - lo + j * dl < last)
                              for o in range(out)], dtype=np.float64))
    counts = axes[0]
    for a in axes[1:]:
        counts = np.multiply.outer(counts, a)
    return np.maximum(counts, 1)


def lower_pool(op):
    x = op.x
    sx, elem = shape_of(x), elem_of(x)
    out_shape = shape_of(op.operation.results[0])
    ns = len(sx) - 2
    kernel, strides = list(op.kernel), list(op.strides)
    dil = list(op.dilations) or [1] * ns
    pads = list(op.pads) or [0] * (2 * ns)
    low, high = pads[:ns], pads[ns:]
    # ceil_mode: the last window may run past the padded input; pad that overhang too
    extra = [max(0, (o - 1) * st + dl * (k - 1) + 1 - (d + lo + hi)) for o, st, dl, k, d, lo, hi
             in zip(out_shape[2:], strides, dil, kernel, sx[2:], low, high)]
    is_max = op.kind == "max"
    fill_value = lowest(elem) if is_max else const(elem, 0.0)
    xp = pad(x, [0, 0] + low, [0, 0] + [h + e for h, e in zip(high, extra)], fill_value)
    init = filled(out_shape, elem, fill_value)
    window = empty(kernel, elem)
    kw = dict(strides=strides, dilations=dil)
    named = {(2, True): linalg.pooling_nchw_max, (2, False): linalg.pooling_nchw_sum,
             (1, True): linalg.pooling_ncw_max, (1, False): linalg.pooling_ncw_sum}
    if (ns, is_max) in named and not is_unsigned_int(elem):  # named max pools are signed
        pooled = named[(ns, is_max)](xp, window, outs=[init], **kw)
    else:
        pooled = _generic_pool(xp, init, kernel, strides, dil, is_max)
    if is_max:
        return [pooled]
    counts = _pool_counts(sx[2:], out_shape[2:], kernel, strides, dil, low, high,
                          bool(op.count_include_pad))
    divisor = dense_const(counts, elem)
    return [map_elementwise(out_shape, elem, [pooled, divisor], s.div)]


def _generic_pool(xp, init, kernel, strides, dil, is_max):
    ns = len(kernel)
    n_dims = 2 + 2 * ns  # n, c, o..., k...
    outs = [dim(2 + i) for i in range(ns)]
    ks = [dim(2 + ns + i) for i in range(ns)]
    x_map = affine_map(n_dims, [0, 1] + [o * st + k * dl
                                         for o, k, st, dl in zip(outs, ks, strides, dil)])
    o_map = affine_map(n_dims, [0, 1] + outs)
    iters = [PARALLEL] * (2 + ns) + [REDUCTION] * ns
    window = empty(kernel, elem_of(xp))
    w_map = affine_map(n_dims, ks)
    combine = s.maximum if is_max else s.add
    return generic([xp, window], [init], [x_map, w_map, o_map], iters,
                   lambda a, _w, acc: combine(acc, a))[0]


def lower_global_pool(op):
    x = op.x
    sx, elem = shape_of(x), elem_of(x)
    if len(sx) > 3:  # one innermost reduced dim, which the vectorizer reduces along
        x = reshape(x, sx[:2] + [dims.prod(sx[2:])])
    spatial = list(range(2, len(shape_of(x))))
    is_max = op.kind == "max"
    init = lowest(elem) if is_max else const(elem, 0.0)
    red = reduce_dims(x, spatial, init, s.maximum if is_max else s.add)
    if not is_max:
        count = const(elem, float(np.prod(sx[2:])))
        red = map_elementwise(shape_of(red), elem, [red], lambda v: s.div(v, count))
    return [reshape(red, shape_of(op.operation.results[0]))]


LOWERINGS = {ConvOp: lower_conv, ConvTransposeOp: lower_conv_transpose, PoolOp: lower_pool,
             GlobalPoolOp: lower_global_pool}
