"""ONNX data-movement ops: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice,
Gather, GatherElements, Expand, Tile, Pad, DepthToSpace, SpaceToDepth, Identity, Dropout,
Shape, Size, ConstantOfShape, Trilu, OneHot, Resize, Upsample.

Result shapes come from ONNX shape inference; shape-like inputs (Reshape's shape, Slice's
starts/ends, Pad's pads, Tile's repeats...) must be constants at import time -- when one is
computed from graph inputs, ``ValueNeededError`` names them (``values.py``) and
``aic.compile`` specialises on their values. Shape and Size
fold to constants, or, over dynamic dims, to symbolic arrays (``symbolic.py``).
Attribute->input migrations (Slice 10, Split 13,
Squeeze/Unsqueeze 13, Pad 11) are handled by reading whichever form the node carries.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import (ConcatOp, ExpandOp, GatherElementsOp, GatherOp, MulOp, OneHotOp,
                                PadOp, ReshapeOp, ResizeOp, SliceOp, TileOp, TriluOp)
from aic.frontend.onnx import antialias, symbolic
from aic.frontend.onnx.common import (check_shape, float_attr_scalar, norm_axes, norm_axis,
                                      reshape, transpose)
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import annotate_dims, tensor_type


def _reshape_like(n):
    dims = _reshaped_dims(n) if _dynamic(n) else None
    if dims is None or any(d is None for d in dims):
        return n.op(ReshapeOp, n.out_type(), x=n.value(0))
    shape = [-1 if isinstance(d, symbolic.Sym) else int(d) for d in dims]
    out = n.op(ReshapeOp, tensor_type(shape, n.elem(0)), x=n.value(0))
    annotate_dims(out, [_name(d) for d in dims])
    return out


def _dynamic(n) -> bool:
    """Input 0 has dynamic dims, or the target shape is computed from them."""
    return any(d < 0 for d in n.shape(0)) or (
        n.has(1) and symbolic.is_symbolic(n.imp.env[n.proto.input[1]]))


def _name(d) -> str:
    return d.name() if isinstance(d, symbolic.Sym) else ""


def _reshaped_dims(n) -> list:
    """The symbolic dims of a Reshape/Flatten/Squeeze/Unsqueeze result (None where unknown)."""
    dims, out_shape = n.sym_dims(0), n.out_shape()
    if n.op_type == "Reshape":
        target = n.sym_const(1, "shape").reshape(-1).tolist()
        allow_zero = int(n.attr("allowzero", 0))
        target = [dims[i] if (not allow_zero and isinstance(t, int) and t == 0) else t
                  for i, t in enumerate(target)]
        if any(t is None for t in target) or any(d is None for d in dims):
            return [None] * len(out_shape)
        if -1 in [t for t in target if isinstance(t, int)]:
            known = 1
            for t in target:
                known = known * t if not (isinstance(t, int) and t == -1) else known
            total = 1
            for d in dims:
                total = total * d
            try:
                rest = total // known
            except symbolic.NotSymbolic:
                rest = None
            target = [rest if isinstance(t, int) and t == -1 else t for t in target]
        return target
    if n.op_type == "Flatten":
        axis = int(n.attr("axis", 1))
        axis = axis + len(dims) if axis < 0 else axis
        if any(d is None for d in dims):
            return [None, None]
        head, tail = 1, 1
        for d in dims[:axis]:
            head = head * d
        for d in dims[axis:]:
            tail = tail * d
        return [head, tail]
    dynamic = iter([d for d in dims if not isinstance(d, int) or d < 0])  # (Un)squeeze
    return [next(dynamic, None) if d < 0 else d for d in out_shape]

handler("Reshape", 5, attrs={"allowzero"})(_reshape_like)
handler("Flatten", 1, attrs={"axis"})(_reshape_like)
handler("Squeeze", 1, attrs={"axes"})(_reshape_like)
handler("Unsqueeze", 1, attrs={"axes"})(_reshape_like)


@handler("Identity", 1)
def identity(n):
    return n.const(0) if n.const(0) is not None else n.value(0)


@handler("Dropout", 7, attrs={"ratio", "seed"})
def dropout(n):
    training = n.has(2) and n.need_const(2, "training_mode").reshape(-1)[0]
    ratio = float(n.need_const(1, "ratio").reshape(-1)[0]) if training and n.has(1) else 0.5
    if training and ratio != 0:  # ratio 0 drops nothing: the identity, as in inference
        return _seeded_dropout(n, ratio)
    mask = None
    if n.has_output(1) and n.version < 10:  # Dropout-7: the mask has the input's type and
        mask = np.ones(n.shape(0), n.dtype(0))  # shape (ONNX's inference leaves it untyped)
    elif n.has_output(1):
        mask = np.ones(n.out_shape(1), np.bool_)
    return [identity(n), mask]


def _seeded_dropout(n, ratio: float):
    """Training-mode Dropout with a ``seed``: ONNX's reference draws the keep mask from
    numpy's ``RandomState(seed)`` (MT19937, ``uniform(0, 1, shape) >= ratio``) afresh on every
    run, so every run drops the same elements -- the mask is a constant, drawn here with that
    very generator. ``y = x * (mask / (1 - ratio))``. Without a seed the mask would be random
    per run: refused."""
    if not n.has_attr("seed"):
        raise n.unsupported("training_mode=true with a nonzero ratio and no seed drops at "
                            "random on every run (only a seeded mask is reproducible)")
    shape = n.shape(0)
    if any(d < 0 for d in shape):
        raise n.unsupported("training-mode Dropout needs a static input shape (its seeded "
                            "mask is drawn at compile time)")
    keep = np.random.RandomState(int(n.attr("seed"))).uniform(0, 1.0, shape) >= ratio
    scale = np.asarray(1.0 / (1.0 - ratio)).astype(n.dtype(0))
    y = n.op(MulOp, n.value(0).type, lhs=n.value(0), rhs=n.constant(keep * scale))
    return [y, keep if n.has_output(1) else None]


@handler("Transpose", 1, attrs={"perm"})
def transpose_(n):
    perm = n.attr("perm", list(reversed(range(n.rank(0)))))
    return transpose(n, n.value(0), norm_axes(n, perm, n.rank(0)))


@handler("Concat", 4, attrs={"axis"})
def concat(n):
    axis = norm_axis(n, int(n.attr("axis")), n.rank(0))
    inputs = [n.value(i) for i in range(n.n_inputs) if n.has(i)]
    if len(inputs) == 1:
        return inputs[0]
    out = inputs[0]
    for rhs in inputs[1:]:  # graph.concat is binary (see its docstring): chain left to right
        out = n.build(ConcatOp, [], lhs=out, rhs=rhs, axis=axis).result
    return out


@handler("Split", 2, attrs={"axis", "split", "num_outputs"})
def split(n):
    axis = norm_axis(n, int(n.attr("axis", 0)), n.rank(0))
    types = [n.out_type(i) for i in range(n.n_outputs)]
    sizes = [t.shape[axis] for t in types]
    if sum(sizes) != n.shape(0)[axis]:
        raise n.unsupported(f"split sizes {sizes} do not cover dim {n.shape(0)[axis]}")
    outs, begin = [], 0
    for t, size in zip(types, sizes):  # one graph.slice per piece
        starts = [0] * len(t.shape)
        starts[axis] = begin
        piece = n.build(SliceOp, [t], x=n.value(0), starts=starts, steps=[1] * len(t.shape))
        annotate_dims(piece.result, [_name(d) for d in n.sym_dims(0)])  # split on a static axis
        outs.append(piece.result)
        begin += size
    return outs


def _slice_params(n):
    if n.version < 10:
        starts, ends = n.attr("starts"), n.attr("ends")
        axes, steps = n.attr("axes"), None
    else:
        starts = n.sym_const(1, "starts").tolist()
        ends = n.sym_const(2, "ends").tolist()
        axes = n.need_const(3, "axes").tolist() if n.has(3) else None
        steps = n.need_const(4, "steps").tolist() if n.has(4) else None
    rank = n.rank(0)
    axes = norm_axes(n, axes if axes is not None else range(len(starts)), rank)
    return starts, ends, axes, steps or [1] * len(starts)


@handler("Slice", 1, attrs={"axes", "ends", "starts"})
def slice_(n):
    starts, ends, axes, steps = _slice_params(n)
    shape = n.shape(0)
    first, step, count = [0] * len(shape), [1] * len(shape), list(shape)
    names = [_name(d) for d in n.sym_dims(0)]
    for a, s, e, st in zip(axes, starts, ends, steps):
        if st == 0:
            raise n.unsupported("slice step 0")
        if shape[a] < 0 or isinstance(s, symbolic.Sym) or isinstance(e, symbolic.Sym):
            first[a], count[a], names[a] = _dynamic_slice(n, a, s, e, st)
            continue
        picked = range(shape[a])[slice(int(s), int(e), int(st))]
        first[a], step[a], count[a] = (picked.start if len(picked) else 0), int(st), len(picked)
        names[a] = ""
    check_shape(n, count)
    if first == [0] * len(shape) and count == shape:
        return n.value(0)
    out = n.op(SliceOp, tensor_type(count, n.elem(0)), x=n.value(0), starts=first, steps=step)
    annotate_dims(out, names)
    return out


def _dynamic_slice(n, axis: int, start, end, step) -> tuple[int, int, str]:
    """A slice over a dynamic extent or to a symbolic end, as (first, count, name): step 1,
    a constant non-negative start, and an end that is the extent itself ("to the end") or a
    symbolic dim (``x[:, :seq]``); the count is then a named dynamic dim."""
    extent = n.shape(0)[axis]
    name = _name(n.sym_dims(0)[axis])
    if step != 1 or isinstance(start, symbolic.Sym) or int(start) < 0:
        raise n.unsupported(f"slice of axis {axis} from {start} to {end} step {step} over a "
                            "dynamic dim: only step 1 from a constant start is supported")
    start = int(start)
    if isinstance(end, symbolic.Sym):
        count = end - start
    elif extent < 0 and int(end) >= 2**31 - 1 and start == 0:
        return 0, -1, name  # the whole dynamic extent
    else:
        raise n.unsupported(f"slice of axis {axis} to {end} over a dynamic extent")
    if not isinstance(count, symbolic.Sym) or not count.name():
        raise n.unsupported(f"slice of axis {axis} to {end}: the count {count} is not a dim "
                            "of the model's inputs")
    return start, -1, count.name()


@handler("Gather", 1, attrs={"axis"})
def gather(n):
    axis = norm_axis(n, int(n.attr("axis", 0)), n.rank(0))
    return n.op(GatherOp, n.out_type(), x=n.value(0), indices=n.value(1), axis=axis)


@handler("GatherElements", 11, attrs={"axis"})
def gather_elements(n):
    axis = norm_axis(n, int(n.attr("axis", 0)), n.rank(0))
    return n.op(GatherElementsOp, n.out_type(), x=n.value(0), indices=n.value(1), axis=axis)


@handler("Expand", 8)
def expand(n):
    x, t = n.value(0), n.out_type()
    return x if x.type == t else n.op(ExpandOp, t, x=x)


@handler("Tile", 6)
def tile(n):
    repeats = n.need_const(1, "repeats").reshape(-1).tolist()
    return n.op(TileOp, n.out_type(), x=n.value(0), repeats=repeats)


@handler("Pad", 2, attrs={"mode", "pads", "value"})
def pad(n):
    rank = n.rank(0)
    if n.version < 11:
        pads, value = list(n.attr("pads")), float(n.attr("value", 0.0))
    else:
        pads = n.need_const(1, "pads").reshape(-1).tolist()
        value = float_attr_scalar(n.need_const(2, "constant_value")) if n.has(2) else 0.0
        if n.has(3):  # opset 18: pads for the listed axes only
            axes = norm_axes(n, n.need_const(3, "axes").reshape(-1).tolist(), rank)
            full = [0] * 2 * rank
            for i, a in enumerate(axes):
                full[a], full[a + rank] = pads[i], pads[i + len(axes)]
            pads = full
    mode = n.attr("mode", "constant")
    if len(pads) != 2 * rank or min(pads) < 0:
        raise n.unsupported(f"pads {pads} (negative pads are not supported)")
    if mode not in ("constant", "reflect", "edge", "wrap"):
        raise n.unsupported(f"mode '{mode}'")
    if sum(pads) == 0:
        return n.value(0)
    return n.op(PadOp, n.out_type(), x=n.value(0), pads=pads, mode=mode, value=value)


@handler("DepthToSpace", 1, attrs={"blocksize", "mode"})
def depth_to_space(n):
    b, (N, C, H, W) = int(n.attr("blocksize")), n.shape(0)
    mode = n.attr("mode", "DCR")
    if mode == "DCR":
        split, perm = [N, b, b, C // (b * b), H, W], [0, 3, 4, 1, 5, 2]
    elif mode == "CRD":
        split, perm = [N, C // (b * b), b, b, H, W], [0, 1, 4, 2, 5, 3]
    else:
        raise n.unsupported(f"mode '{mode}'")
    y = transpose(n, reshape(n, n.value(0), split), perm)
    return reshape(n, y, n.out_shape())


@handler("SpaceToDepth", 1, attrs={"blocksize", "mode"})
def space_to_depth(n):
    b, (N, C, H, W) = int(n.attr("blocksize")), n.shape(0)
    perm = {"DCR": [0, 3, 5, 1, 2, 4], "CRD": [0, 1, 3, 5, 2, 4]}.get(n.attr("mode", "DCR"))
    if perm is None:
        raise n.unsupported(f"mode '{n.attr('mode')}'")
    y = reshape(n, n.value(0), [N, C, H // b, b, W // b, b])
    return reshape(n, transpose(n, y, perm), n.out_shape())


def _symbolic_dims(n) -> list:
    """Input 0's dims: ints, and ``symbolic.Sym`` for a dynamic dim (by its ONNX name)."""
    out = []
    for axis, d in enumerate(n.sym_dims(0)):
        if d is not None:
            out.append(d)
        else:
            raise n.unsupported(f"dim {axis} of input '{n.proto.input[0]}' is dynamic and "
                                "unnamed after shape inference")
    return out


@handler("Shape", 1, attrs={"start", "end"})
def shape(n):
    dims = _symbolic_dims(n)
    start, end = int(n.attr("start", 0)), n.attr("end")
    return symbolic.shape_array(dims[start:None if end is None else int(end)])


@handler("Size", 1)
def size(n):
    total = 1
    for d in _symbolic_dims(n):
        total = total * d
    return symbolic.shape_array([total]).reshape(())


@handler("ConstantOfShape", 9, attrs={"value"})
def constant_of_shape(n):
    dims = n.need_const(0, "shape").reshape(-1).tolist()
    fill = n.attr("value")
    fill = np.zeros(1, np.float32) if fill is None else _tensor(fill)
    return np.full(dims, fill.reshape(-1)[0], fill.dtype)


def _tensor(t):
    import onnx.numpy_helper
    return onnx.numpy_helper.to_array(t)


@handler("Trilu", 14, attrs={"upper"})
def trilu(n):
    k = int(n.need_const(1, "k").reshape(-1)[0]) if n.has(1) else 0
    return n.op(TriluOp, n.out_type(), x=n.value(0), upper=bool(n.attr("upper", 1)), k=k)


@handler("OneHot", 9, attrs={"axis"})
def one_hot(n):
    depth = int(n.need_const(1, "depth").reshape(-1)[0])
    off, on = n.need_const(2, "values").reshape(-1).tolist()
    out = n.out_type()
    axis = norm_axis(n, int(n.attr("axis", -1)), out.rank)
    return n.op(OneHotOp, out, indices=n.value(0), depth=depth, axis=axis,
                on_value=float(on), off_value=float(off))




_COORD_MODES = ("half_pixel", "half_pixel_symmetric", "asymmetric", "align_corners",
                "pytorch_half_pixel", "tf_crop_and_resize")
_RESIZE_ATTRS = {"mode", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside",
                 "extrapolation_value", "nearest_mode", "antialias", "axes",
                 "keep_aspect_ratio_policy"}


def _resize_scales(n, scales_in: int, sizes_in: int) -> list[float]:
    """Per-dim scales from the scales or sizes input (opset 18: for ``axes`` only)."""
    in_shape, rank = n.shape(0), n.rank(0)
    axes = norm_axes(n, n.attr("axes", list(range(rank))), rank)
    scales = [1.0] * rank
    if n.has(scales_in) and n.need_const(scales_in, "scales").size:
        given = n.need_const(scales_in, "scales").reshape(-1).tolist()
        for a, s in zip(axes, given):
            scales[a] = float(s)
        expected = [int(np.floor(d * s)) for d, s in zip(in_shape, scales)]
    elif n.has(sizes_in):
        given = n.need_const(sizes_in, "sizes").reshape(-1).tolist()
        expected = list(in_shape)
        for a, s in zip(axes, given):
            expected[a], scales[a] = int(s), float(s) / in_shape[a]
        policy = n.attr("keep_aspect_ratio_policy", "stretch")
        if policy != "stretch":  # one scale for all axes; sizes rounded half up
            pick = {"not_larger": min, "not_smaller": max}[policy]
            scale = pick(scales[a] for a in axes)
            for a in axes:
                scales[a], expected[a] = scale, int(scale * in_shape[a] + 0.5)
    else:
        raise n.unsupported("Resize needs scales or sizes")
    check_shape(n, expected)
    return scales


@handler("Resize", 10, attrs=_RESIZE_ATTRS)
def resize(n):
    if n.version < 11:
        return _resize(n, _resize_scales(n, 1, 99), "asymmetric", "floor")
    if n.attr("keep_aspect_ratio_policy", "stretch") not in ("stretch", "not_larger",
                                                             "not_smaller"):
        raise n.unsupported(f"keep_aspect_ratio_policy '{n.attr('keep_aspect_ratio_policy')}'")
    coord = n.attr("coordinate_transformation_mode", "half_pixel")
    if coord not in _COORD_MODES:
        raise n.unsupported(f"coordinate_transformation_mode '{coord}' is not supported")
    scales = _resize_scales(n, 2, 3)
    extra = {"exclude_outside": bool(n.attr("exclude_outside", 0)),
             "extrapolation_value": float(n.attr("extrapolation_value", 0.0))}
    if int(n.attr("antialias", 0)) and n.attr("mode", "nearest") != "nearest":
        return antialias.resize(n, scales, coord, extra["exclude_outside"])
    if coord == "tf_crop_and_resize":
        extra["roi"] = _resize_roi(n)
    return _resize(n, scales, coord, n.attr("nearest_mode", "round_prefer_floor"), **extra)


def _resize_roi(n) -> list[float]:
    """All starts then all ends, one per dim (opset 18 ``axes``: the others are 0 .. 1)."""
    rank = n.rank(0)
    axes = norm_axes(n, n.attr("axes", list(range(rank))), rank)
    given = n.need_const(1, "roi").reshape(-1).tolist() if n.has(1) else []
    if len(given) != 2 * len(axes):
        raise n.unsupported(f"tf_crop_and_resize needs {2 * len(axes)} roi values")
    roi = [0.0] * rank + [1.0] * rank
    for i, a in enumerate(axes):
        roi[a], roi[a + rank] = float(given[i]), float(given[i + len(axes)])
    return roi


def _resize(n, scales, coord: str, nearest: str, **extra):
    mode = n.attr("mode", "nearest")
    if mode not in ("nearest", "linear", "cubic"):
        raise n.unsupported(f"mode '{mode}'")
    if mode != "nearest" and not np.issubdtype(n.dtype(0), np.floating):
        raise n.unsupported(f"{mode} resize of {n.dtype(0)} data (float only)")
    return n.op(ResizeOp, n.out_type(), x=n.value(0), mode=mode, coordinate_mode=coord,
                nearest_mode=nearest, cubic_coeff=float(n.attr("cubic_coeff_a", -0.75)),
                scales=scales, **extra)


@handler("Upsample", 7, attrs={"mode", "scales"})
def upsample(n):
    if n.has_attr("scales"):
        scales = [float(s) for s in n.attr("scales")]
    else:
        scales = n.need_const(1, "scales").reshape(-1).tolist()
    check_shape(n, [int(np.floor(d * s)) for d, s in zip(n.shape(0), scales)])
    return _resize(n, scales, "asymmetric", "floor")
