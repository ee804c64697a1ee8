"""Resize with ``antialias=1`` (linear and cubic modes): one constant matrix per resized axis.

A linear or cubic resize is linear in the data and separable: along each axis, output ``o`` is
a weighted sum of input samples. With ``antialias`` the filter is stretched by ``1 / scale``
when downscaling (``scale < 1``), so the taps per output grow with the reduction; ONNX's
reference normalises the stretched weights to sum to 1. This module builds, per axis, the
``[in, out]`` matrix of those weights (the coordinate transformation, the neighbours with
edge clamping, ``exclude_outside``, ``cubic_coeff_a`` all as in the ONNX reference) and the
resize becomes one ``graph.matmul`` per resized axis (the axis moved last and back). Not
supported here: ``tf_crop_and_resize`` (its extrapolation is not a matrix).
"""

from __future__ import annotations

import numpy as np

from aic.frontend.onnx import compose as c
from aic.frontend.onnx.tensors import np_dtype


def _source(mode: str, o: int, scale: float, n_in: int, n_out: int) -> float:
    """The input coordinate of output ``o`` (ONNX's coordinate_transformation_mode)."""
    width = scale * n_in
    if mode == "align_corners":
        return 0.0 if width == 1 else o * (n_in - 1) / (width - 1)
    if mode == "asymmetric":
        return o / scale
    if mode == "pytorch_half_pixel":
        return -0.5 if width == 1 else (o + 0.5) / scale - 0.5
    if mode == "half_pixel_symmetric":
        offset = n_in / 2 * (1 - n_out / width)
        return offset + (o + 0.5) / scale - 0.5
    return (o + 0.5) / scale - 0.5  # half_pixel


def _weights(kind: str, ratio: float, scale: float, a: float) -> np.ndarray:
    """The filter's taps for a sample at ``ratio`` in (0, 1] past the left neighbour,
    stretched by ``1 / scale`` when downscaling, normalised to sum 1."""
    scale = min(scale, 1.0)
    reach = 1 if kind == "linear" else 2
    start = int(np.floor(-reach / scale) + 1)
    t = np.abs((np.arange(start, 2 - start) - ratio) * scale)
    if kind == "linear":
        w = np.clip(1 - t, 0, 1)
    else:
        w = np.where(t <= 1, (a + 2) * t ** 3 - (a + 3) * t ** 2 + 1,
                     np.where(t < 2, a * t ** 3 - 5 * a * t ** 2 + 8 * a * t - 4 * a, 0.0))
    return w / w.sum()


def _neighbours(x: float, count: int, n_in: int) -> np.ndarray:
    """The ``count`` input indices nearest ``x`` (ties: the lower), before edge clamping."""
    pad = int(np.ceil(count / 2))
    x = x + pad
    low = int(np.floor(x))
    near = range(max(0, low - count), min(n_in + 2 * pad, low + count + 2))
    return np.array(sorted(sorted(near, key=lambda i: (abs(x - i), i))[:count])) - pad


def axis_matrix(kind: str, coord: str, scale: float, n_in: int, n_out: int, a: float,
                exclude_outside: bool) -> np.ndarray:
    """``[n_in, n_out]``: column ``o`` holds the weights of output ``o`` over the input."""
    m = np.zeros((n_in, n_out))
    for o in range(n_out):
        x = _source(coord, o, scale, n_in, n_out)
        ratio = 1.0 if float(x).is_integer() else x - np.floor(x)
        w = _weights(kind, ratio, scale, a)
        idx = _neighbours(x, len(w), n_in)
        if exclude_outside:
            w = np.where((idx >= 0) & (idx < n_in), w, 0.0)
            w = w / w.sum()
        np.add.at(m[:, o], np.clip(idx, 0, n_in - 1), w)
    return m


def resize(n, scales: list[float], coord: str, exclude_outside: bool):
    """``n``'s Resize (linear or cubic, antialiased) as matmuls with constant matrices."""
    if coord == "tf_crop_and_resize":
        raise n.unsupported("antialias with tf_crop_and_resize is not supported")
    kind, a = n.attr("mode", "nearest"), float(n.attr("cubic_coeff_a", -0.75))
    x, out_shape = n.value(0), list(n.out_type().shape)
    dtype = np_dtype(n.out_type().element_type)
    for axis, (n_in, n_out) in enumerate(zip(n.shape(0), out_shape)):
        if scales[axis] == 1.0 and n_in == n_out:
            continue
        m = axis_matrix(kind, coord, scales[axis], n_in, n_out, a, exclude_outside)
        rank = len(out_shape)
        perm = [d for d in range(rank) if d != axis] + [axis]
        y = c.matmul(n, c.transpose(n, x, perm), n.constant(m.astype(dtype)))
        x = c.transpose(n, y, list(np.argsort(perm)))
    return x
