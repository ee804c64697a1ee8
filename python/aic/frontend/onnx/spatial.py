"""ONNX ops that place or sample values by position, decomposed into graph ops: AffineGrid
(opset 20), MaxUnpool (9, 11, 22), ReverseSequence (10), and MeanVarianceNormalization (9,
13; its ONNX function body).

* **AffineGrid**: the base grid of normalised coordinates ``(x, y[, z], 1)`` is a constant
  (``size`` must be known at compile time -- it decides the shape); the grid is one
  ``graph.matmul`` of it with each ``theta`` transposed.
* **MaxUnpool**: ``graph.scatter_elements`` of the flattened values into a flattened zero
  tensor at the flat ``indices`` (MaxPool's Indices), reshaped to the inverse of the pooling
  window; a larger ``output_shape`` pads that with zeros at the end (ONNX's reference).
* **ReverseSequence**: ``graph.gather_elements`` along the time axis at
  ``where(t < len[b], len[b] - 1 - t, t)``, the lengths a run-time input.
* **MeanVarianceNormalization**: ``(x - mean) / (sqrt(mean(x^2) - mean^2) + 1e-9)`` over
  ``axes`` (default ``[0, 2, 3]``), as its function body computes it.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import GatherElementsOp, PadOp, ScatterElementsOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import check_shape, norm_axes, norm_axis, reshape
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of, tensor_type


def _linspace(size: int, align_corners: bool) -> np.ndarray:
    if align_corners:
        return np.linspace(-1.0, 1.0, size) if size > 1 else np.array([-1.0])
    return (2 * np.arange(size) + 1) / size - 1


@handler("AffineGrid", 20, attrs={"align_corners"})
def affine_grid(n):
    size = [int(s) for s in n.need_const(1, "size").reshape(-1)]
    spatial, align = size[2:], bool(n.attr("align_corners", 0))
    theta = n.value(0)
    if len(spatial) not in (2, 3) or shape_of(theta)[1:] != [len(spatial), len(spatial) + 1]:
        raise n.unsupported(f"theta {shape_of(theta)} for size {size}")
    axes = np.meshgrid(*(_linspace(s, align) for s in spatial), indexing="ij")
    base = np.stack([a.reshape(-1) for a in axes[::-1]] + [np.ones(axes[0].size)], axis=1)
    base = n.constant(base.astype(np_dtype(elem_of(theta))))
    grid = c.matmul(n, base, c.transpose(n, theta, [0, 2, 1]))
    out = [size[0], *spatial, len(spatial)]
    check_shape(n, out)
    return reshape(n, grid, out)


@handler("MaxUnpool", 9, attrs={"kernel_shape", "pads", "strides"})
def max_unpool(n):
    x_shape, kernel = n.shape(0), list(n.attr("kernel_shape"))
    k = len(kernel)
    strides, pads = list(n.attr("strides", [1] * k)), list(n.attr("pads", [0] * 2 * k))
    out = x_shape[:2] + [(i - 1) * s - pads[d] - pads[d + k] + kk for d, (i, s, kk)
                         in enumerate(zip(x_shape[2:], strides, kernel))]
    total, count = int(np.prod(out)), int(np.prod(x_shape))
    zeros = n.constant(np.zeros(total, np_dtype(elem_of(n.value(0)))))
    flat = n.op(ScatterElementsOp, tensor_type([total], elem_of(n.value(0))), x=zeros,
                indices=reshape(n, n.value(1), [count]), updates=reshape(n, n.value(0), [count]),
                axis=0, reduction="none")
    y = reshape(n, flat, out)
    if not n.has(2):
        check_shape(n, out)
        return y
    # ONNX's reference: the indices address the inferred shape, which is then zero-padded at
    # the end to output_shape (ONNX's inference does not read output_shape's value)
    given = [int(d) for d in n.need_const(2, "output_shape").reshape(-1)]
    if len(given) != len(out) or any(g < o for g, o in zip(given, out)):
        raise n.unsupported(f"output_shape {given} smaller than the inferred {out}")
    if given == out:
        return y
    return n.op(PadOp, tensor_type(given, elem_of(y)), x=y,
                pads=[0] * len(out) + [g - o for g, o in zip(given, out)])


@handler("ReverseSequence", 10, attrs={"batch_axis", "time_axis"})
def reverse_sequence(n):
    x, shape = n.value(0), n.shape(0)
    batch_axis = norm_axis(n, int(n.attr("batch_axis", 1)), len(shape))
    time_axis = norm_axis(n, int(n.attr("time_axis", 0)), len(shape))
    along = [1] * len(shape)
    along[batch_axis] = shape[batch_axis]
    lengths = reshape(n, c.cast(n, n.value(1), c.i64()), along)
    along = [1] * len(shape)
    along[time_axis] = shape[time_axis]
    t = n.constant(np.arange(shape[time_axis], dtype=np.int64).reshape(along))
    flipped = c.sub(n, c.sub(n, lengths, n.constant(np.array(1, np.int64))), t)
    index = c.where(n, c.compare(n, "lt", t, lengths), flipped, c.expand(
        n, t, list(np.broadcast_shapes(tuple(shape_of(t)), tuple(shape_of(lengths))))))
    index = c.expand(n, index, shape)
    return n.op(GatherElementsOp, x.type, x=x, indices=index, axis=time_axis)


@handler("MeanVarianceNormalization", 9, attrs={"axes"})
def mean_variance_normalization(n):
    x = n.value(0)
    axes = norm_axes(n, n.attr("axes", [0, 2, 3]), n.rank(0))
    mean = c.reduce(n, x, "mean", axes)
    variance = c.sub(n, c.reduce(n, c.mul(n, x, x), "mean", axes), c.mul(n, mean, mean))
    std = c.unary(n, variance, "sqrt")
    return c.div(n, c.sub(n, x, mean), c.add(n, std, c.scalar_like(n, 1e-9, x)))
