"""ONNX DeformConv (opset 19, 22; 2-D) decomposed into graph ops: a deformable im2col, then
one batched ``graph.matmul`` per convolution group.

Every kernel tap of every output position reads the input at its regular position
``(oh * s - pad + kh * d, ow * s - pad + kw * d)`` moved by the run-time ``offset`` of its
offset group, interpolated bilinearly with zeros outside the image (ONNX's reference:
GridSample, ``align_corners=1``, zero padding) and scaled by ``mask`` when given. The four
neighbours are ``graph.gather_elements`` over the flattened image, their weights computed
elementwise (a neighbour outside the image weighs 0). The columns ``[N, C * kH * kW, oH * oW]``
then meet the weight ``[oC, C / group * kH * kW]`` in one matmul per group, plus the bias.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import GatherElementsOp, LogicalOp, MaxOp, MinOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import binary, reshape, transpose, unary
from aic.frontend.onnx.nn import _window_out
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of, tensor_type


def _base(out, kernel, strides, pads, dilations, axis: int) -> np.ndarray:
    """``[K, P]``: the regular position along ``axis`` (0: rows, 1: columns) of every tap
    ``k = kh * kW + kw`` at every output position ``p = oh * oW + ow``."""
    taps = np.indices(kernel).reshape(2, -1)[axis] * dilations[axis]
    grid = np.indices(out).reshape(2, -1)[axis] * strides[axis] - pads[axis]
    return (taps[:, None] + grid[None, :]).astype(np.float64)


def _split_offsets(n, offset, groups: int, taps: int, positions: int):
    """``offset [N, G*K*2, oH, oW]`` -> the row and column offsets, each ``[N, G, K, P]``."""
    batch = shape_of(offset)[0]
    pairs = transpose(n, reshape(n, offset, [batch, groups, taps, 2, positions]),
                      [0, 1, 2, 4, 3])
    return [reshape(n, c.last_slice(n, pairs, i, i + 1), [batch, groups, taps, positions])
            for i in (0, 1)]


def _neighbours(n, pos, size: int):
    """The two neighbours of ``pos`` along an axis of ``size``: (index clamped into the image,
    bilinear weight, 0 where the neighbour lies outside)."""
    low = unary(n, pos, "floor")
    out = []
    frac = c.sub(n, pos, low)
    for shift in (0.0, 1.0):
        at = c.add(n, low, c.scalar_like(n, shift, low))
        weight = c.sub(n, c.scalar_like(n, 1.0, frac), frac) if shift == 0 else frac
        ge = c.compare(n, "ge", at, c.scalar_like(n, 0.0, at))
        lt = c.compare(n, "lt", at, c.scalar_like(n, float(size), at))
        inside = c.cast(n, n.op(LogicalOp, ge.type, lhs=ge, rhs=lt, kind="and"), elem_of(pos))
        clamped = binary(n, MinOp, binary(n, MaxOp, at, c.scalar_like(n, 0.0, at)),
                         c.scalar_like(n, float(size - 1), at))
        out.append((clamped, c.mul(n, weight, inside)))
    return out


def _columns(n, x, rows, cols, mask, groups: int):
    """The deformable im2col: ``[N, C, K, P]`` samples of ``x`` at (``rows``, ``cols``)
    (each ``[N, G, K, P]``), times ``mask``."""
    batch, channels, height, width = shape_of(x)
    _, _, taps, positions = shape_of(rows)
    image = reshape(n, x, [batch, groups, channels // groups, height * width])
    total = None
    for r, wr in _neighbours(n, rows, height):
        for q, wq in _neighbours(n, cols, width):
            flat = c.add(n, c.mul(n, r, c.scalar_like(n, float(width), r)), q)
            index = reshape(n, c.cast(n, flat, c.i64()), [batch, groups, 1, taps * positions])
            index = c.expand(n, index, [batch, groups, channels // groups, taps * positions])
            values = n.op(GatherElementsOp, tensor_type(shape_of(index), elem_of(x)), x=image,
                          indices=index, axis=3)
            weight = reshape(n, c.mul(n, c.mul(n, wr, wq), mask),
                             [batch, groups, 1, taps * positions])
            term = c.mul(n, values, weight)
            total = term if total is None else c.add(n, total, term)
    return reshape(n, total, [batch, channels, taps, positions])


@handler("DeformConv", 19, attrs={"dilations", "group", "kernel_shape", "offset_group",
                                 "pads", "strides"})
def deform_conv(n):
    x_shape, w_shape = n.shape(0), n.shape(1)
    if len(x_shape) != 4:
        raise n.unsupported("only 2-D DeformConv is supported")
    kernel = list(n.attr("kernel_shape", w_shape[2:]))
    strides, dilations = list(n.attr("strides", [1, 1])), list(n.attr("dilations", [1, 1]))
    pads = list(n.attr("pads", [0, 0, 0, 0]))
    group, groups = int(n.attr("group", 1)), int(n.attr("offset_group", 1))
    out = _window_out(x_shape[2:], kernel, strides, dilations, pads)
    batch, channels = x_shape[:2]
    taps, positions = kernel[0] * kernel[1], out[0] * out[1]
    x, dtype = n.value(0), np_dtype(elem_of(n.value(0)))
    offsets = _split_offsets(n, n.value(2), groups, taps, positions)
    rows, cols = (c.add(n, off, n.constant(_base(out, kernel, strides, pads, dilations, a)
                                           .astype(dtype)))
                  for a, off in enumerate(offsets))
    mask = (reshape(n, n.value(4), [batch, groups, taps, positions]) if n.has(4)
            else c.scalar_like(n, 1.0, x))
    cols_ = reshape(n, _columns(n, x, rows, cols, mask, groups),
                    [batch, group, channels // group * taps, positions])
    weight = reshape(n, n.value(1), [1, group, w_shape[0] // group, channels // group * taps])
    y = reshape(n, c.matmul(n, weight, cols_), [batch, w_shape[0], *out])
    if n.has(3):
        y = c.add(n, y, reshape(n, n.value(3), [1, w_shape[0], 1, 1]))
    return y
