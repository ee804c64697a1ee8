"""Data-movement graph ops: reshape, transpose, concat, split, slice, gather, pad, resize,
expand, tile, trilu, one_hot. Shapes are static here: the importer folds shape computations."""

from aic.dsl import (INDEX_TYPES, AicOp, Attr, BoolAttr, EnumAttr, FloatArrayAttr, FloatAttr,
                     IntArrayAttr, IntAttr, Operand, Result, Tensor)
from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, ShapeError, info, same_element

_IDX = Tensor(INDEX_TYPES)


@graph.op(pure=True)
class ReshapeOp(AicOp):
    """Same elements in row-major order, with the result's shape (equal element count).

    ```mlir
    %r = "graph.reshape"(%x) : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
    ```
    """
    NAME = "reshape"
    x = Operand(Tensor())
    out = Result(Tensor())

    def verify(self):
        x, out = info(self.x), info(self.out)
        n, m = shapes.num_elements(x.shape), shapes.num_elements(out.shape)
        if n is not None and m is not None and n != m:
            return f"expects the same number of elements, got {n} ({shapes.fmt(x.shape)}) " \
                   f"and {m} ({shapes.fmt(out.shape)})"
        return _same_element(x, out)


@graph.op(pure=True)
class TransposeOp(InferredOp):
    """Permute dims: result dim `i` is input dim `perm[i]`.

    ```mlir
    %r = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    ```
    """
    NAME = "transpose"
    x = Operand(Tensor())
    perm = Attr(IntArrayAttr(min=0))
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.transpose(ins[0].shape, attrs["perm"]), ins[0].element)]


@graph.op(pure=True)
class ConcatOp(InferredOp):
    """Join `lhs` and `rhs` along `axis` (non-negative); the other dims must agree.

    Binary on purpose: IRDL (LLVM 22) binds one type to a variadic operand group, so a
    variadic concat could not join tensors of different shapes. An ONNX Concat of N inputs
    imports as a left-nested chain of N-1 concats (lowerings may flatten the chain).

    ```mlir
    %r = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
    """
    NAME = "concat"
    lhs = Operand(Tensor())
    rhs = Operand(Tensor())
    axis = Attr(IntAttr(min=0))
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        lhs, rhs = ins
        shape = shapes.concat([lhs.shape, rhs.shape], attrs["axis"])
        return [(shape, same_element(lhs, rhs, what="inputs"))]


@graph.op(pure=True)
class SliceOp(AicOp):
    """Strided slice with one entry per dim: element `i` of dim `d` is
    `x[starts[d] + i*steps[d]]`; `starts` are normalised (in range), `steps` non-zero and may
    be negative. The result shape gives the count per dim.

    ```mlir
    %r = "graph.slice"(%x) {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : (tensor<2x8xf32>) -> tensor<2x4xf32>
    ```
    """
    NAME = "slice"
    x = Operand(Tensor())
    starts = Attr(IntArrayAttr(min=0))
    steps = Attr(IntArrayAttr())
    out = Result(Tensor())

    def verify(self):
        x, out = info(self.x), info(self.out)
        try:
            shapes.slice_(x.shape, out.shape, self.starts, self.steps)
        except ShapeError as e:
            return str(e)
        return _same_element(x, out)


@graph.op(pure=True)
class GatherOp(InferredOp):
    """numpy `take(x, indices, axis)`; negative indices count from the end.

    ```mlir
    %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
    ```
    """
    NAME = "gather"
    x = Operand(Tensor())
    indices = Operand(_IDX)
    axis = Attr(IntAttr(min=0))
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        x, indices = ins
        return [(shapes.gather(x.shape, indices.shape, attrs["axis"]), x.element)]


@graph.op(pure=True)
class GatherElementsOp(InferredOp):
    """numpy `take_along_axis(x, indices, axis)`; the result has the shape of `indices`.

    ```mlir
    %r = "graph.gather_elements"(%x, %i) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
    ```
    """
    NAME = "gather_elements"
    x = Operand(Tensor())
    indices = Operand(_IDX)
    axis = Attr(IntAttr(min=0))
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        x, indices = ins
        return [(shapes.gather_elements(x.shape, indices.shape, attrs["axis"]), x.element)]


@graph.op(pure=True)
class PadOp(InferredOp):
    """Pad each dim by `pads` (all begins, then all ends; non-negative). Modes: `constant`
    (fill with `value`), `reflect`, `edge`, `wrap`.

    ```mlir
    %r = "graph.pad"(%x) {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
    ```
    """
    NAME = "pad"
    x = Operand(Tensor())
    pads = Attr(IntArrayAttr(min=0))
    mode = Attr(EnumAttr("constant", "reflect", "edge", "wrap"), default="constant")
    value = Attr(FloatAttr(), default=0.0)
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.pad(ins[0].shape, attrs["pads"]), ins[0].element)]


@graph.op(pure=True)
class ResizeOp(AicOp):
    """Resize the dims of `x` to the result shape, with `scales` (one per dim) mapping
    coordinates as ONNX Resize: `mode` nearest/linear/cubic, `coordinate_mode`
    (half_pixel, half_pixel_symmetric, asymmetric, align_corners, pytorch_half_pixel,
    tf_crop_and_resize with `roi` = all starts then all ends, normalised, and
    `extrapolation_value` for samples outside the input), `nearest_mode` for nearest
    rounding, `cubic_coeff` for cubic, `exclude_outside` (taps outside the input get weight 0,
    the others are renormalised).

    ```mlir
    %r = "graph.resize"(%x) {coordinate_mode = "asymmetric", cubic_coeff = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
    ```
    """
    NAME = "resize"
    x = Operand(Tensor())
    mode = Attr(EnumAttr("nearest", "linear", "cubic"))
    coordinate_mode = Attr(EnumAttr("half_pixel", "half_pixel_symmetric", "asymmetric",
                                    "align_corners", "pytorch_half_pixel",
                                    "tf_crop_and_resize"))
    nearest_mode = Attr(EnumAttr("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"),
                        default="round_prefer_floor")
    cubic_coeff = Attr(FloatAttr(), default=-0.75)
    scales = Attr(FloatArrayAttr())
    exclude_outside = Attr(BoolAttr(), default=False)
    roi = Attr(FloatArrayAttr(), optional=True)
    extrapolation_value = Attr(FloatAttr(), default=0.0)
    out = Result(Tensor())

    def verify(self):
        x, out = info(self.x), info(self.out)
        scales = self.scales
        if len(scales) != len(x.shape) or len(out.shape) != len(x.shape):
            return f"expects {len(x.shape)} scales and result rank {len(x.shape)}, got " \
                   f"{len(scales)} scales and rank {len(out.shape)}"
        if any(s <= 0 for s in scales):
            return f"expects positive scales, got {scales}"
        if self.coordinate_mode == "tf_crop_and_resize" and \
                len(self.roi or ()) != 2 * len(x.shape):
            return f"tf_crop_and_resize expects {2 * len(x.shape)} roi values"
        return _same_element(x, out)


@graph.op(pure=True)
class ExpandOp(AicOp):
    """Broadcast `x` to the result shape (numpy broadcasting rules).

    ```mlir
    %r = "graph.expand"(%x) : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
    ```
    """
    NAME = "expand"
    x = Operand(Tensor())
    out = Result(Tensor())

    def verify(self):
        x, out = info(self.x), info(self.out)
        if not shapes.broadcasts_to(x.shape, out.shape):
            return f"expects the operand shape {shapes.fmt(x.shape)} to broadcast to the " \
                   f"result shape {shapes.fmt(out.shape)}"
        return _same_element(x, out)


@graph.op(pure=True)
class TileOp(InferredOp):
    """Repeat `x` `repeats[d]` times along each dim `d`.

    ```mlir
    %r = "graph.tile"(%x) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
    ```
    """
    NAME = "tile"
    x = Operand(Tensor())
    repeats = Attr(IntArrayAttr(min=0))
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.tile(ins[0].shape, attrs["repeats"]), ins[0].element)]


@graph.op(pure=True)
class TriluOp(InferredOp):
    """Keep the upper (`upper`) or lower triangle of the last two dims, offset by diagonal `k`;
    zero elsewhere.

    ```mlir
    %r = "graph.trilu"(%x) {k = 0 : i64, upper = false} : (tensor<4x4xf32>) -> tensor<4x4xf32>
    ```
    """
    NAME = "trilu"
    x = Operand(Tensor())
    upper = Attr(BoolAttr(), default=True)
    k = Attr(IntAttr(), default=0)
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        if len(ins[0].shape) < 2:
            raise ShapeError(f"expects input of rank >= 2, got rank {len(ins[0].shape)}")
        return [(ins[0].shape, ins[0].element)]


@graph.op(pure=True)
class OneHotOp(AicOp):
    """One-hot encode integer `indices` (negative wrap by `depth`) along a new dim `axis`
    (non-negative): `on_value` where the index matches, else `off_value`.

    ```mlir
    %r = "graph.one_hot"(%i) {axis = 1 : i64, depth = 4 : i64, off_value = 0.0 : f32, on_value = 1.0 : f32} : (tensor<3xi64>) -> tensor<3x4xf32>
    ```
    """
    NAME = "one_hot"
    indices = Operand(Tensor())
    depth = Attr(IntAttr(min=1))
    axis = Attr(IntAttr(min=0))
    on_value = Attr(FloatAttr(), default=1.0)
    off_value = Attr(FloatAttr(), default=0.0)
    out = Result(Tensor())

    def verify(self):
        indices, out = info(self.indices), info(self.out)
        try:
            shape = shapes.one_hot(indices.shape, self.depth, self.axis)
        except ShapeError as e:
            return str(e)
        if not shapes.compatible(out.shape, shape):
            return f"expects result shape {shapes.fmt(shape)}, got {shapes.fmt(out.shape)}"
        return None


def _same_element(x, out) -> str | None:
    if x.element != out.element:
        return f"expects the result element type {x.element} (the operand's), got {out.element}"
    return None
