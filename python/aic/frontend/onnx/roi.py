"""ONNX region-of-interest ops decomposed into graph ops: RoiAlign (opset 10, 16).

RoiAlign samples each box on a fixed grid -- ``output_height x output_width`` bins of
``sampling_ratio x sampling_ratio`` points -- with bilinear interpolation, and averages (or
takes the maximum of) each bin's samples. The boxes are run-time data, so the sample
coordinates are computed in the graph: ``y = y1 + bin_h * (ph + (iy + 0.5) / grid)`` with the
``(ph, iy)`` part a constant; the image of each box is a ``graph.gather`` by
``batch_indices``; the four taps of every sample are ``graph.gather_elements`` over the
flattened image. The corner cases follow ONNX's reference: a sample outside ``[-1, H] x [-1,
W]`` contributes 0, one inside is clamped to the image, ``output_half_pixel`` boxes are at
least one pixel, and ``mode="max"`` takes the maximum of the four weighted taps (not of the
interpolated value), as onnxruntime does. ``sampling_ratio=0`` (a sample count that depends
on each box's size) is not supported.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import GatherElementsOp, GatherOp, LogicalOp, MaxOp, MinOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import binary, reshape, unary
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, shape_of, tensor_type


def _grid(bins: int, grid: int) -> np.ndarray:
    """Sample positions in bin units: ``p + (i + 0.5) / grid`` for bin p, sample i."""
    return (np.arange(bins)[:, None] + (np.arange(grid)[None, :] + 0.5) / grid).reshape(-1)


def _axis(n, start, end, bins: int, grid: int, size: int, half_pixel: bool):
    """Per box (``start``, ``end``: ``[R, 1]``) the samples along one image axis: the low tap,
    the high tap (as floats), and the low and high weights (0 outside ``[-1, size]``)."""
    extent = c.sub(n, end, start)
    if not half_pixel:
        extent = binary(n, MaxOp, extent, c.scalar_like(n, 1.0, extent))
    step = c.div(n, extent, c.scalar_like(n, float(bins), extent))
    pos = c.add(n, start, c.mul(n, step, n.constant(_grid(bins, grid).astype(_np(start)))))
    above = c.compare(n, "ge", pos, c.scalar_like(n, -1.0, pos))
    below = c.compare(n, "le", pos, c.scalar_like(n, float(size), pos))
    inside = c.cast(n, n.op(LogicalOp, above.type, lhs=above, rhs=below, kind="and"),
                    elem_of(pos))
    clamped = binary(n, MinOp, binary(n, MaxOp, pos, c.scalar_like(n, 0.0, pos)),
                     c.scalar_like(n, float(size - 1), pos))
    low = unary(n, clamped, "floor")
    high = binary(n, MinOp, c.add(n, low, c.scalar_like(n, 1.0, low)),
                  c.scalar_like(n, float(size - 1), low))
    frac = c.sub(n, clamped, low)
    w_high = c.mul(n, frac, inside)
    w_low = c.mul(n, c.sub(n, c.scalar_like(n, 1.0, frac), frac), inside)
    return (low, high), (w_low, w_high)


def _np(v):
    from aic.frontend.onnx.tensors import np_dtype
    return np_dtype(elem_of(v))


def _tap(n, image, y, x, width: int):
    """``image[r, c, y[r, i], x[r, j]]`` for ``image`` ``[R, C, H*W]``: ``[R, C, Nh, Nw]``."""
    rois, channels = shape_of(image)[:2]
    nh, nw = shape_of(y)[1], shape_of(x)[1]
    flat = c.add(n, c.mul(n, reshape(n, y, [rois, nh, 1]), c.scalar_like(n, float(width), y)),
                 reshape(n, x, [rois, 1, nw]))
    index = c.cast(n, reshape(n, flat, [rois, 1, nh * nw]), c.i64())
    index = c.expand(n, index, [rois, channels, nh * nw])
    taps = n.op(GatherElementsOp, tensor_type([rois, channels, nh * nw], elem_of(image)),
                x=image, indices=index, axis=2)
    return reshape(n, taps, [rois, channels, nh, nw])


def _weight(n, wy, wx):
    rois, nh, nw = shape_of(wy)[0], shape_of(wy)[1], shape_of(wx)[1]
    return c.mul(n, reshape(n, wy, [rois, 1, nh, 1]), reshape(n, wx, [rois, 1, 1, nw]))


@handler("RoiAlign", 10, attrs={"coordinate_transformation_mode", "mode", "output_height",
                               "output_width", "sampling_ratio", "spatial_scale"})
def roi_align(n):
    half_pixel = n.attr("coordinate_transformation_mode",
                        "half_pixel" if n.version >= 16 else "output_half_pixel") == "half_pixel"
    mode, grid = n.attr("mode", "avg"), int(n.attr("sampling_ratio", 0))
    oh, ow = int(n.attr("output_height", 1)), int(n.attr("output_width", 1))
    if grid <= 0:
        raise n.unsupported("sampling_ratio=0 (a sample count that depends on each box) is "
                            "not supported")
    if mode not in ("avg", "max"):
        raise n.unsupported(f"mode '{mode}'")
    x, rois = n.value(0), c.cast(n, n.value(1), elem_of(n.value(0)))
    channels, height, width = n.shape(0)[1:]
    count = shape_of(rois)[0]
    box = [c.sub(n, c.mul(n, c.last_slice(n, rois, k, k + 1),
                          c.scalar_like(n, float(n.attr("spatial_scale", 1.0)), rois)),
                 c.scalar_like(n, 0.5 if half_pixel else 0.0, rois)) for k in range(4)]
    ys, wys = _axis(n, box[1], box[3], oh, grid, height, half_pixel)
    xs, wxs = _axis(n, box[0], box[2], ow, grid, width, half_pixel)
    image = n.op(GatherOp, tensor_type([count, channels, height, width], elem_of(x)), x=x,
                 indices=n.value(2), axis=0)
    image = reshape(n, image, [count, channels, height * width])
    terms = [c.mul(n, _tap(n, image, ys[a], xs[b], width), _weight(n, wys[a], wxs[b]))
             for a in (0, 1) for b in (0, 1)]
    if mode == "avg":
        samples = c.add(n, c.add(n, terms[0], terms[1]), c.add(n, terms[2], terms[3]))
    else:
        samples = binary(n, MaxOp, binary(n, MaxOp, terms[0], terms[1]),
                         binary(n, MaxOp, terms[2], terms[3]))
    bins = reshape(n, samples, [count, channels, oh, grid, ow, grid])
    pooled = c.reduce(n, bins, "sum" if mode == "avg" else "max", [3, 5], keepdims=False)
    if mode == "avg":
        pooled = c.div(n, pooled, c.scalar_like(n, float(grid * grid), pooled))
    return pooled
