"""ONNX neural-network ops: MatMul, Gemm, Conv, ConvTranspose, pooling, normalisations, LRN.

MaxPool's Indices output: the windows' taps stacked on a new last axis (pad + one strided
slice per tap), an argmax over them, and the flat input position computed from the tap with
constants (``max_pool_indices``); the values stay one ``graph.pool``.

Padding is made explicit: ``auto_pad`` SAME_UPPER/SAME_LOWER/VALID is resolved with the static
input shapes into ``pads`` (all begins, then all ends). Every computed output shape is checked
against ONNX shape inference; a disagreement is refused, never compiled.
"""

from __future__ import annotations

import itertools

import numpy as np

from aic.dialects.graph import (ArgReduceOp, BatchNormOp, ConvOp, ConvTransposeOp, DenseOp,
                                GatherOp, GlobalPoolOp, GroupNormOp, LayerNormOp, LrnOp, MatMulOp,
                                PadOp, PoolOp, SliceOp)
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import check_shape, norm_axis, reshape
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of, tensor_type


@handler("MatMul", 1)
def matmul(n):
    return n.op(MatMulOp, n.out_type(), a=n.value(0), b=n.value(1))


@handler("Gemm", 7, attrs={"alpha", "beta", "transA", "transB"})
def gemm(n):
    return n.op(DenseOp, n.out_type(), a=n.value(0), b=n.value(1),
                c=n.value(2) if n.has(2) else None, alpha=float(n.attr("alpha", 1.0)),
                beta=float(n.attr("beta", 1.0)), trans_a=bool(n.attr("transA", 0)),
                trans_b=bool(n.attr("transB", 0)))


def _window(n, spatial: list[int], kernel: list[int]):
    """strides, dilations and explicit pads of a sliding window (conv or pool)."""
    k = len(spatial)
    strides = list(n.attr("strides", [1] * k))
    dilations = list(n.attr("dilations", [1] * k))
    auto_pad = n.attr("auto_pad", "NOTSET")
    if len(strides) != k or len(dilations) != k:
        raise n.unsupported("strides/dilations do not match the number of spatial dims")
    if auto_pad == "NOTSET":
        pads = list(n.attr("pads", [0] * 2 * k))
    elif auto_pad == "VALID":
        pads = [0] * 2 * k
    elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begins, ends = [], []
        for size, s, d, kk in zip(spatial, strides, dilations, kernel):
            out = -(-size // s)
            total = max(0, (out - 1) * s + (kk - 1) * d + 1 - size)
            small = total // 2
            begins.append(small if auto_pad == "SAME_UPPER" else total - small)
            ends.append(total - begins[-1])
        pads = begins + ends
    else:
        raise n.unsupported(f"auto_pad='{auto_pad}' is not supported")
    if len(pads) != 2 * k or min(pads) < 0:
        raise n.unsupported(f"pads {pads} are not supported")
    return strides, dilations, pads


def _window_out(spatial, kernel, strides, dilations, pads, ceil_mode=False):
    k = len(spatial)
    out = []
    for i, (size, kk, s, d) in enumerate(zip(spatial, kernel, strides, dilations)):
        span = size + pads[i] + pads[i + k] - ((kk - 1) * d + 1)
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= size + pads[i]:
            o -= 1  # the last window must start inside the input or the begin padding
        out.append(o)
    return out


@handler("Conv", 1, attrs={"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"})
def conv(n):
    bias = n.value(2) if n.has(2) else None
    return n.op(ConvOp, n.out_type(), **conv_operands(n, n.value(0), n.value(1), bias))


def conv_operands(n, x, w, bias) -> dict:
    """``graph.conv``'s operands and attributes for a Conv-like node (Conv, ConvInteger,
    QLinearConv) with the window attributes of ``n`` applied to ``x`` and ``w``."""
    x_shape, w_shape = shape_of(x), shape_of(w)
    kernel = w_shape[2:]
    if list(n.attr("kernel_shape", kernel)) != kernel:
        raise n.unsupported("kernel_shape does not match the weight shape")
    strides, dilations, pads = _window(n, x_shape[2:], kernel)
    check_shape(n, x_shape[:1] + [w_shape[0]] +
                _window_out(x_shape[2:], kernel, strides, dilations, pads))
    return {"x": x, "w": w, "bias": bias, "strides": strides, "pads": pads,
            "dilations": dilations, "group": int(n.attr("group", 1))}


@handler("ConvTranspose", 1, attrs={"auto_pad", "dilations", "group", "kernel_shape",
                                    "output_padding", "output_shape", "pads", "strides"})
def conv_transpose(n):
    x_shape, w_shape = n.shape(0), n.shape(1)
    spatial, kernel, k = x_shape[2:], w_shape[2:], len(x_shape) - 2
    if list(n.attr("kernel_shape", kernel)) != kernel:
        raise n.unsupported("kernel_shape does not match the weight shape")
    strides = list(n.attr("strides", [1] * k))
    dilations = list(n.attr("dilations", [1] * k))
    out_pad = list(n.attr("output_padding", [0] * k))
    auto_pad = n.attr("auto_pad", "NOTSET")
    full = [s * (i - 1) + op + (kk - 1) * d + 1
            for i, s, op, kk, d in zip(spatial, strides, out_pad, kernel, dilations)]
    target = n.attr("output_shape")
    if target is None and auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        target = [i * s for i, s in zip(spatial, strides)]
    if target is not None:
        target = list(target)[-k:]
        # an output larger than the full one grows at the end (ONNX's reference: an implicit
        # output_padding)
        out_pad = [op + max(0, t - f) for op, t, f in zip(out_pad, target, full)]
        full = [max(f, t) for f, t in zip(full, target)]
        total = [f - t for f, t in zip(full, target)]
        upper = auto_pad == "SAME_UPPER"
        begins = [t // 2 if upper else t - t // 2 for t in total]
        pads = begins + [t - b for t, b in zip(total, begins)]
    elif auto_pad in ("NOTSET", "VALID"):
        pads = [0] * 2 * k if auto_pad == "VALID" else list(n.attr("pads", [0] * 2 * k))
    else:
        raise n.unsupported(f"auto_pad='{auto_pad}' is not supported")
    group = int(n.attr("group", 1))
    out = [f - pads[i] - pads[i + k] for i, f in enumerate(full)]
    check_shape(n, x_shape[:1] + [w_shape[1] * group] + out)
    return n.op(ConvTransposeOp, n.out_type(), x=n.value(0), w=n.value(1),
                bias=n.value(2) if n.has(2) else None, strides=strides, pads=pads,
                dilations=dilations, output_padding=out_pad, group=group)


def _pool(n, kind: str):
    x_shape = n.shape(0)
    kernel = list(n.attr("kernel_shape"))
    strides, dilations, pads = _window(n, x_shape[2:], kernel)
    ceil_mode = bool(n.attr("ceil_mode", 0))
    include_pad = bool(n.attr("count_include_pad", 0))
    out = _window_out(x_shape[2:], kernel, strides, dilations, pads, ceil_mode)
    check_shape(n, x_shape[:2] + out)
    y = n.op(PoolOp, n.out_type(), x=n.value(0), kind=kind, kernel=kernel, strides=strides,
             pads=pads, dilations=dilations, ceil_mode=ceil_mode, count_include_pad=include_pad)
    if not n.has_output(1):
        return y
    window = (kernel, strides, dilations, pads)
    return [y, max_pool_indices(n, n.value(0), window, out, int(n.attr("storage_order", 0)))]


_POOL_ATTRS = {"auto_pad", "kernel_shape", "pads", "strides", "ceil_mode", "dilations"}
handler("MaxPool", 1, attrs=_POOL_ATTRS | {"storage_order"})(lambda n: _pool(n, "max"))
handler("AveragePool", 1, attrs=_POOL_ATTRS | {"count_include_pad"})(lambda n: _pool(n, "avg"))
handler("GlobalAveragePool", 1)(
    lambda n: n.op(GlobalPoolOp, n.out_type(), x=n.value(0), kind="avg"))
handler("GlobalMaxPool", 1)(lambda n: n.op(GlobalPoolOp, n.out_type(), x=n.value(0), kind="max"))


def _windows(n, x, window, out: list[int]):
    """``[N, C, *out, K]``: the K taps of every pooling window (padding: the lowest value)."""
    kernel, strides, dilations, pads = window
    shape, k = shape_of(x), len(kernel)
    ends = [max(pads[k + j], (o - 1) * s + (kk - 1) * d + 1 - pads[j] - i)
            for j, (o, s, kk, d, i) in enumerate(zip(out, strides, kernel, dilations, shape[2:]))]
    dtype = np_dtype(elem_of(x))
    low = float("-inf") if dtype.kind == "f" else float(np.iinfo(dtype).min)
    padded = [i + b + e for i, b, e in zip(shape[2:], pads[:k], ends)]
    x = n.op(PadOp, tensor_type(shape[:2] + padded, elem_of(x)), x=x,
             pads=[0, 0, *pads[:k], 0, 0, *ends], value=low)
    taps = None
    for tap in itertools.product(*(range(kk) for kk in kernel)):
        t = n.op(SliceOp, tensor_type(shape[:2] + out, elem_of(x)), x=x,
                 starts=[0, 0, *(a * d for a, d in zip(tap, dilations))], steps=[1, 1, *strides])
        t = reshape(n, t, shape[:2] + out + [1])
        taps = t if taps is None else c.concat(n, taps, t, 2 + k)
    return taps


def max_pool_indices(n, x, window, out: list[int], storage_order: int):
    """MaxPool's Indices: the flat position in ``x`` of each window's first maximum (row-major
    over N, C and the spatial dims; ``storage_order=1``: the spatial dims column-major):
    argmax over the taps, then ``(n*C + c)*prod(spatial) + sum_j h_j * stride_j`` with
    ``h_j = o_j * s_j - pad_j + tap_j * d_j`` -- constants but for the tap's contribution."""
    kernel, strides, dilations, pads = window
    shape, k = shape_of(x), len(kernel)
    spatial = shape[2:]
    order = range(k) if storage_order else range(k - 1, -1, -1)
    step, acc = [0] * k, 1
    for j in order:
        step[j], acc = acc, acc * spatial[j]
    arg = n.op(ArgReduceOp, tensor_type(shape[:2] + out, c.i64()), x=_windows(n, x, window, out),
               kind="max", axis=2 + k, keepdims=False)
    taps = np.array(list(itertools.product(*(range(kk) for kk in kernel))), np.int64)
    tap_part = n.constant((taps * np.array(dilations) * np.array(step)).sum(1))
    grid = np.meshgrid(*(np.arange(o) * s - p for o, s, p in zip(out, strides, pads)),
                       indexing="ij")
    base = sum(g * st for g, st in zip(grid, step)).astype(np.int64)
    images = np.arange(shape[0] * shape[1], dtype=np.int64) * acc
    offset = base[None, None] + images.reshape(shape[0], shape[1], *[1] * k)
    tap = n.op(GatherOp, tensor_type(shape[:2] + out, c.i64()), x=tap_part, indices=arg, axis=0)
    return c.add(n, tap, n.constant(offset))


@handler("BatchNormalization", 7, attrs={"epsilon", "momentum", "spatial", "training_mode"})
def batch_norm(n):
    if int(n.attr("training_mode", 0)) and n.version >= 14:
        return _batch_norm_training(n)
    if int(n.attr("training_mode", 0)) != 0 or any(n.has_output(i) for i in range(1, 5)):
        raise n.unsupported("training mode before opset 14 (saved statistics outputs) is "
                            "not supported")
    if int(n.attr("spatial", 1)) != 1:
        return _batch_norm_per_activation(n)
    return n.op(BatchNormOp, n.out_type(like=0), x=n.value(0), scale=n.value(1), bias=n.value(2),
                mean=n.value(3), var=n.value(4), epsilon=float(n.attr("epsilon", 1e-5)))


def _batch_norm_per_activation(n):
    """BatchNormalization-7 with ``spatial=0``: statistics per activation -- scale, bias, mean
    and var hold C x D1 x ... x Dn values (one per element of a sample), so
    ``y = (x - mean) * rsqrt(var + epsilon) * scale + bias`` broadcast over the batch."""
    from aic.dialects.graph import AddOp, MulOp, SubOp
    from aic.frontend.onnx.common import binary, unary
    x, elem, sample = n.value(0), elem_of(n.value(0)), n.shape(0)[1:]
    size = int(np.prod(sample))
    stats = []
    for i in range(1, 5):
        if int(np.prod(n.shape(i))) != size or n.dtype(i) != n.dtype(0):
            raise n.unsupported(f"spatial=0 needs input {i} of {size} {n.dtype(0)} values (one "
                                f"per activation), got {n.dtype(i)}{n.shape(i)}")
        stats.append(reshape(n, n.value(i), sample))
    scale, bias, mean, var = stats
    eps = n.scalar(float(n.attr("epsilon", 1e-5)), elem)
    inv = unary(n, binary(n, AddOp, var, eps), "rsqrt")
    y = binary(n, MulOp, binary(n, SubOp, x, mean), binary(n, MulOp, inv, scale))
    return binary(n, AddOp, y, bias, out_type=n.out_type(like=0))


def _batch_norm_training(n):
    """Opset 14+ training mode: normalise with the batch statistics (mean and population
    variance over every dim but 1); outputs Y and the running mean/var updated with
    ``momentum`` (``running * momentum + batch * (1 - momentum)``)."""
    from aic.dialects.graph import AddOp, MulOp, ReduceOp, SubOp
    from aic.frontend.onnx.common import binary, unary
    if any(n.dtype(i) != n.dtype(0) for i in range(1, 5)):
        raise n.unsupported("training mode with statistics in another type than the input")
    x, rank, elem = n.value(0), n.rank(0), elem_of(n.value(0))
    channels, momentum = n.shape(0)[1], float(n.attr("momentum", 0.9))
    axes, kept = [d for d in range(rank) if d != 1], [1, channels] + [1] * (rank - 2)
    mean = n.op(ReduceOp, n.ttype(kept, elem), x=x, kind="mean", axes=axes, keepdims=True)
    d = binary(n, SubOp, x, mean)
    var = n.op(ReduceOp, n.ttype(kept, elem), x=binary(n, MulOp, d, d), kind="mean",
               axes=axes, keepdims=True)
    inv = unary(n, binary(n, AddOp, var, n.scalar(float(n.attr("epsilon", 1e-5)), elem)),
                "rsqrt")
    per_c = [channels] + [1] * (rank - 2)
    y = binary(n, MulOp, binary(n, MulOp, d, inv), reshape(n, n.value(1), per_c))
    y = binary(n, AddOp, y, reshape(n, n.value(2), per_c), out_type=n.out_type(like=0))
    outs = [y]
    for i, batch in ((3, mean), (4, var)):
        old = binary(n, MulOp, n.value(i), n.scalar(momentum, elem))
        new = binary(n, MulOp, reshape(n, batch, [channels]), n.scalar(1 - momentum, elem))
        outs.append(binary(n, AddOp, old, new))
    return outs[:n.n_outputs]


@handler("InstanceNormalization", 6, attrs={"epsilon"})
def instance_norm(n):
    return n.op(GroupNormOp, n.out_type(like=0), x=n.value(0), scale=n.value(1), bias=n.value(2),
                num_groups=n.shape(0)[1], epsilon=float(n.attr("epsilon", 1e-5)))


@handler("LayerNormalization", 17, attrs={"axis", "epsilon", "stash_type"})
def layer_norm(n):
    if int(n.attr("stash_type", 1)) != 1:
        raise n.unsupported("stash_type other than 1 (float) is not supported")
    axis = norm_axis(n, int(n.attr("axis", -1)), n.rank(0))
    eps = float(n.attr("epsilon", 1e-5))
    y = n.op(LayerNormOp, n.out_type(like=0), x=n.value(0), scale=n.value(1),
             bias=n.value(2) if n.has(2) else None, axis=axis, epsilon=eps)
    if not (n.has_output(1) or n.has_output(2)):
        return y
    return [y, *_moments(n, n.value(0), axis, eps)]


def _moments(n, x, axis: int, eps: float):
    """LayerNormalization's Mean and InvStdDev outputs (kept dims), in x's element type."""
    from aic.dialects.graph import AddOp, MulOp, ReduceOp, SubOp
    from aic.frontend.onnx.common import binary, unary
    t = n.out_type(1)
    if t.element_type != elem_of(x):
        raise n.unsupported("Mean/InvStdDev outputs in a type other than the input's")
    axes = list(range(axis, n.rank(0)))
    mean = n.op(ReduceOp, t, x=x, kind="mean", axes=axes, keepdims=True)
    d = binary(n, SubOp, x, mean)
    var = n.op(ReduceOp, t, x=binary(n, MulOp, d, d), kind="mean", axes=axes, keepdims=True)
    inv = unary(n, binary(n, AddOp, var, n.scalar(eps, elem_of(x))), "rsqrt")
    return mean, inv


@handler("GroupNormalization", 18, attrs={"epsilon", "num_groups", "stash_type"})
def group_norm(n):
    if int(n.attr("stash_type", 1)) != 1:
        raise n.unsupported("stash_type other than 1 (float) is not supported")
    groups, channels = int(n.attr("num_groups")), n.shape(0)[1]
    if groups < 1 or channels % groups:
        raise n.unsupported(f"num_groups={groups} does not divide {channels} channels")
    scale, bias = n.value(1), n.value(2)
    if n.version < 21:  # scale and bias are per group: repeat them per channel
        scale, bias = (_per_channel(n, v, groups, channels) for v in (scale, bias))
    return n.op(GroupNormOp, n.out_type(like=0), x=n.value(0), scale=scale, bias=bias,
                num_groups=groups, epsilon=float(n.attr("epsilon", 1e-5)))


def _per_channel(n, v, groups: int, channels: int):
    from aic.dialects.graph import ExpandOp
    elem = elem_of(v)
    col = reshape(n, v, [groups, 1])
    wide = n.op(ExpandOp, n.ttype([groups, channels // groups], elem), x=col)
    return reshape(n, wide, [channels])


@handler("LRN", 1, attrs={"alpha", "beta", "bias", "size"})
def lrn(n):
    return n.op(LrnOp, n.out_type(like=0), x=n.value(0), size=int(n.attr("size")),
                alpha=float(n.attr("alpha", 1e-4)), beta=float(n.attr("beta", 0.75)),
                bias=float(n.attr("bias", 1.0)))


