"""DFT and STFT as one ``graph.matmul`` with a constant DFT matrix (the fast matmul kernel;
O(n * L) per transform, no FFT).

ONNX represents complex signals as a trailing dim of 2 (real, imaginary; 1: real). The
transformed axis is moved just before that dim and both are flattened into one row of
``n * C`` values, so the row times the matrix ``M[(t, c_in), (k, c_out)]`` gives the
transform already interleaved (real, imaginary). M (built in f64, rounded once) holds
``cos``/``sin`` of ``2 pi k t / L`` with the signs of ``e^{-i..}`` (forward) or
``e^{+i..}/L`` (inverse); input beyond ``dft_length`` L is dropped and missing input counts
as zeros; ``onesided`` keeps bins ``0..L/2`` (forward) or reads them as a Hermitian
half-spectrum with a real result (inverse, numpy's irfft). STFT gathers the frames with
constant indices and multiplies by the window before the same matrix.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import GatherOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import norm_axis
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of, tensor_type


def dft_matrix(n_in: int, complex_in: bool, length: int, inverse: bool, onesided: bool,
               dtype) -> np.ndarray:
    """``M`` of the module docstring, shape ``[n_in * C_in, bins * C_out]``."""
    t = np.arange(min(n_in, length))[:, None]
    if inverse and onesided:  # Hermitian half-spectrum in, real signal out
        k = np.arange(min(n_in, length // 2 + 1))
        weight = np.where((k == 0) | (2 * k == length), 1.0, 2.0) / length
        theta = 2 * np.pi * k[:, None] * np.arange(length)[None, :] / length
        re, im = weight[:, None] * np.cos(theta), -weight[:, None] * np.sin(theta)
        m = np.zeros((n_in, 2 if complex_in else 1, length, 1))
        m[:len(k), 0, :, 0] = re
        if complex_in:
            m[:len(k), 1, :, 0] = im
        return m.reshape(n_in * (2 if complex_in else 1), length).astype(dtype)
    bins = length // 2 + 1 if onesided and not inverse else length
    theta = 2 * np.pi * t * np.arange(bins)[None, :] / length
    cos, sin = np.cos(theta), np.sin(theta)
    sign, scale = (1, 1 / length) if inverse else (-1, 1.0)
    m = np.zeros((n_in, 2 if complex_in else 1, bins, 2))
    n_t = t.shape[0]
    m[:n_t, 0, :, 0], m[:n_t, 0, :, 1] = cos * scale, sign * sin * scale  # from the real part
    if complex_in:  # i * b * (cos + i sign sin) = -sign b sin + i b cos
        m[:n_t, 1, :, 0], m[:n_t, 1, :, 1] = -sign * sin * scale, cos * scale
    return m.reshape(n_in * (2 if complex_in else 1), bins * 2).astype(dtype)


def dft_along(n, x, axis: int, length: int, inverse: bool, onesided: bool, window=None):
    """The DFT of complex-as-last-dim ``x`` along ``axis`` (not the last dim)."""
    shape = shape_of(x)
    rank, chans = len(shape), shape[-1]
    if chans not in (1, 2) or axis == rank - 1:
        raise n.unsupported(f"signal shape {shape}, axis {axis}")
    perm = [d for d in range(rank - 1) if d != axis] + [axis, rank - 1]
    moved = c.transpose(n, x, perm)
    outer = shape_of(moved)[:-2]
    m = dft_matrix(shape[axis], chans == 2, length, inverse, onesided, np.float64)
    if window is not None:  # constant window: fold it into the matrix rows
        m = m * np.repeat(window.astype(np.float64)[:shape[axis]], chans)[:, None]
    rows = c.reshape(n, moved, [int(np.prod(outer)), shape[axis] * chans])
    out = c.matmul(n, rows, n.constant(m.astype(np_dtype(elem_of(x)))))
    c_out = 1 if inverse and onesided else 2
    y = c.reshape(n, out, [*outer, shape_of(out)[-1] // c_out, c_out])
    return c.transpose(n, y, list(np.argsort(perm)))


def _dft(n, axis: int):
    x = n.value(0)
    axis = norm_axis(n, axis, n.rank(0))
    inverse, onesided = bool(n.attr("inverse", 0)), bool(n.attr("onesided", 0))
    if n.has(1):
        length = int(n.need_const(1, "dft_length").reshape(-1)[0])
    else:
        length = 2 * (n.shape(0)[axis] - 1) if inverse and onesided else n.shape(0)[axis]
    if length < 1:
        raise n.unsupported(f"dft_length {length}")
    return dft_along(n, x, axis, length, inverse, onesided)


handler("DFT", 17, attrs={"axis", "inverse", "onesided"})(
    lambda n: _dft(n, int(n.attr("axis", 1))))


@handler("DFT", 20, attrs={"inverse", "onesided"})
def dft_20(n):
    axis = int(n.need_const(2, "axis").reshape(-1)[0]) if n.has(2) else -2
    return _dft(n, axis)


@handler("STFT", 17, attrs={"onesided"})
def stft(n):
    x, (batch, size, chans) = n.value(0), n.shape(0)
    step = int(n.need_const(1, "frame_step").reshape(-1)[0])
    window = n.const(2) if n.has(2) else None
    if n.has(3):
        frame = int(n.need_const(3, "frame_length").reshape(-1)[0])
    else:
        frame = n.shape(2)[0] if n.has(2) else size
    frames = 1 + (size - frame) // step
    if step < 1 or frames < 1:
        raise n.unsupported(f"frame_step {step}, frame_length {frame} for {size} samples")
    idx = np.arange(frames)[:, None] * step + np.arange(frame)[None, :]
    framed = n.op(GatherOp, tensor_type([batch, frames, frame, chans], elem_of(x)), x=x,
                  indices=n.constant(idx.astype(np.int64)), axis=1)
    if n.has(2) and window is None:  # a run-time window
        framed = c.mul(n, framed, c.reshape(n, n.value(2), [frame, 1]))
    return dft_along(n, framed, 2, frame, False, bool(n.attr("onesided", 1)), window)
