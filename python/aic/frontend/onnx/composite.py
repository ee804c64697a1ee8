"""Small ONNX ops decomposed into existing graph ops: Hardmax (argmax + one-hot), Swish and
SwiGLU (sigmoid gates), Shrink (compare/select), LpPool (``(sum |x|^p)^(1/p)`` per window: an
average pool of ``|x|^p`` counting the zero padding, times the window size),
LpNormalization (``x / ||x||_p``, 0 where the norm is 0), CenterCropPad (a slice and a
pad, the target shape known at compile time), Col2Im (a grouped conv_transpose with a
constant one-hot weight), and the window functions HannWindow,
HammingWindow, BlackmanWindow (their size decides the shape, so it must be known at compile
time; the window is then a constant).
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import (ArgReduceOp, ConvTransposeOp, OneHotOp, PadOp, PoolOp, PowOp,
                                SliceOp)
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import check_shape, norm_axes, norm_axis
from aic.frontend.onnx.nn import _window, _window_out
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, onnx_to_np, shape_of, tensor_type


def _hardmax_last(n, x):
    shape = shape_of(x)
    axis = len(shape) - 1
    idx = n.op(ArgReduceOp, tensor_type(shape[:-1], c.i64()), x=x, kind="max", axis=axis,
               keepdims=False)
    return n.op(OneHotOp, x.type, indices=idx, depth=shape[-1], axis=axis)


@handler("Hardmax", 1, attrs={"axis"})
def hardmax(n):
    x, shape = n.value(0), n.shape(0)
    if n.version >= 13:
        axis = norm_axis(n, int(n.attr("axis", -1)), len(shape))
        perm = [d for d in range(len(shape)) if d != axis] + [axis]
        y = _hardmax_last(n, c.transpose(n, x, perm))
        return c.transpose(n, y, list(np.argsort(perm)))
    axis = norm_axis(n, int(n.attr("axis", 1)), len(shape))
    rows = [int(np.prod(shape[:axis])), int(np.prod(shape[axis:]))]
    return c.reshape(n, _hardmax_last(n, c.reshape(n, x, rows)), shape)


def _swish(n, x, alpha: float):
    gate = c.unary(n, c.mul(n, x, c.scalar_like(n, alpha, x)), "sigmoid")
    return c.mul(n, x, gate)


handler("Swish", 24, attrs={"alpha"})(
    lambda n: _swish(n, n.value(0), float(n.attr("alpha", 1.0))))


@handler("SwiGLU", 24, attrs={"alpha"})
def swiglu(n):
    if n.shape(0) != n.shape(1):
        raise n.unsupported("inputs of different shapes")
    return c.mul(n, _swish(n, n.value(0), float(n.attr("alpha", 1.0))), n.value(1))


@handler("Shrink", 9, attrs={"bias", "lambd"})
def shrink(n):
    x = n.value(0)
    bias, lambd = float(n.attr("bias", 0.0)), float(n.attr("lambd", 0.5))
    zero = c.scalar_like(n, 0, x)
    below = c.compare(n, "lt", x, c.scalar_like(n, -lambd, x))
    above = c.compare(n, "gt", x, c.scalar_like(n, lambd, x))
    b = c.scalar_like(n, bias, x)
    return c.where(n, below, c.add(n, x, b), c.where(n, above, c.sub(n, x, b), zero))


def _power(n, x, p: float):
    if p == 1:
        return x
    if p == 2:
        return c.mul(n, x, x)
    if p == 0.5:
        return c.unary(n, x, "sqrt")
    return n.op(PowOp, x.type, lhs=x, rhs=c.scalar_like(n, p, x))


@handler("LpPool", 2, attrs={"auto_pad", "kernel_shape", "pads", "strides", "ceil_mode",
                             "dilations", "p"})
def lp_pool(n):
    x, x_shape = n.value(0), n.shape(0)
    p = float(n.attr("p", 2))
    kernel = list(n.attr("kernel_shape"))
    strides, dilations, pads = _window(n, x_shape[2:], kernel)
    ceil_mode = bool(n.attr("ceil_mode", 0))
    out = x_shape[:2] + _window_out(x_shape[2:], kernel, strides, dilations, pads, ceil_mode)
    check_shape(n, out)
    avg = n.op(PoolOp, tensor_type(out, elem_of(x)), x=_power(n, c.unary(n, x, "abs"), p),
               kind="avg", kernel=kernel, strides=strides, pads=pads, dilations=dilations,
               ceil_mode=ceil_mode, count_include_pad=True)
    total = c.mul(n, avg, c.scalar_like(n, float(np.prod(kernel)), x))
    return _power(n, total, 1 / p)


@handler("LpNormalization", 1, attrs={"axis", "p"})
def lp_normalization(n):
    x = n.value(0)
    axis, p = norm_axis(n, int(n.attr("axis", -1)), n.rank(0)), int(n.attr("p", 2))
    if p not in (1, 2):
        raise n.unsupported(f"p = {p} (1 or 2)")
    norm = c.reduce(n, x, "l1" if p == 1 else "l2", [axis])
    zero = c.scalar_like(n, 0, x)
    return c.where(n, c.compare(n, "eq", norm, zero), zero, c.div(n, x, norm))


@handler("CenterCropPad", 18, attrs={"axes"})
def center_crop_pad(n):
    x, shape = n.value(0), n.shape(0)
    target = n.need_const(1, "shape").reshape(-1).tolist()
    axes = norm_axes(n, n.attr("axes", list(range(len(shape)))), len(shape))
    if len(target) != len(axes):
        raise n.unsupported(f"{len(target)} sizes for {len(axes)} axes")
    starts, cropped = [0] * len(shape), list(shape)
    low, high = [0] * len(shape), [0] * len(shape)
    for a, size in zip(axes, target):
        if size < shape[a]:
            starts[a], cropped[a] = (shape[a] - size) // 2, size
        elif size > shape[a]:
            low[a] = (size - shape[a]) // 2
            high[a] = size - shape[a] - low[a]
    if cropped != shape:
        x = n.op(SliceOp, tensor_type(cropped, elem_of(x)), x=x, starts=starts,
                 steps=[1] * len(shape))
    if any(low) or any(high):
        out = [s + lo + hi for s, lo, hi in zip(cropped, low, high)]
        x = n.op(PadOp, tensor_type(out, elem_of(x)), x=x, pads=low + high)
    return x


def _window_fn(formula):
    def build(n):
        size = int(n.need_const(0, "size").reshape(-1)[0])
        periodic = int(n.attr("periodic", 1))
        dtype = onnx_to_np(int(n.attr("output_datatype", 1)), str(n))
        span = size if periodic else size - 1
        ni = np.arange(size, dtype=np.float64)
        return formula(ni, span).astype(dtype)
    return build


handler("HannWindow", 17, attrs={"output_datatype", "periodic"})(
    _window_fn(lambda i, span: np.sin(i * np.pi / span) ** 2))
handler("HammingWindow", 17, attrs={"output_datatype", "periodic"})(
    _window_fn(lambda i, span: 25 / 46 - (1 - 25 / 46) * np.cos(2 * np.pi * i / span)))
handler("BlackmanWindow", 17, attrs={"output_datatype", "periodic"})(
    _window_fn(lambda i, span: 0.42 - 0.5 * np.cos(2 * np.pi * i / span)
               + 0.08 * np.cos(4 * np.pi * i / span)))


@handler("Col2Im", 18, attrs={"dilations", "pads", "strides"})
def col2im(n):
    """Col2Im = a grouped ``graph.conv_transpose`` (one group per image channel) whose
    constant weight puts block element ``kk`` at kernel position ``kk``: overlapping blocks
    add up, as Col2Im's do."""
    x, (batch, ck, blocks) = n.value(0), n.shape(0)
    image = n.need_const(1, "image_shape").reshape(-1).tolist()
    kernel = n.need_const(2, "block_shape").reshape(-1).tolist()
    k = len(kernel)
    strides = list(n.attr("strides", [1] * k))
    dilations = list(n.attr("dilations", [1] * k))
    pads = list(n.attr("pads", [0] * 2 * k))
    size = int(np.prod(kernel))
    if ck % size:
        raise n.unsupported(f"{ck} rows for blocks of {size}")
    grid = [(i + pads[d] + pads[d + k] - dilations[d] * (kernel[d] - 1) - 1) // strides[d] + 1
            for d, i in enumerate(image)]
    if int(np.prod(grid)) != blocks:
        raise n.unsupported(f"{blocks} blocks, the image and attributes give {grid}")
    full = [(g - 1) * s - pads[d] - pads[d + k] + dl * (kb - 1) + 1
            for d, (g, s, dl, kb) in enumerate(zip(grid, strides, dilations, kernel))]
    channels = ck // size
    weight = np.tile(np.eye(size, dtype=n.dtype(0)).reshape(size, 1, *kernel), (channels, 1)
                     + (1,) * k)
    y = n.op(ConvTransposeOp, tensor_type([batch, channels, *image], elem_of(x)),
             x=c.reshape(n, x, [batch, ck, *grid]), w=n.constant(weight), strides=strides,
             pads=pads, dilations=dilations,
             output_padding=[i - f for i, f in zip(image, full)], group=channels)
    return y
