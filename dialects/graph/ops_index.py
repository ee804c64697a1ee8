"""Indexing graph ops with data-dependent positions: gather_nd, scatter_nd, scatter_elements,
grid_sample.

Indices are integer tensors read at run time; negative indices count from the end (once).
Shapes are static; the rules are ONNX's (GatherND-13, ScatterND-18, ScatterElements-18).
"""

from aic.dsl import (FLOAT_TYPES, INDEX_TYPES, Attr, BoolAttr, EnumAttr, IntAttr, Operand,
                     Result, Tensor)
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, ShapeError, same_element

_IDX = Tensor(INDEX_TYPES)
_REDUCTIONS = ("none", "add", "mul", "max", "min")


def gather_nd_shape(x: list[int], indices: list[int], batch_dims: int) -> list[int]:
    """ONNX GatherND: ``indices[:-1] + x[batch_dims + indices[-1]:]``."""
    if not indices:
        raise ShapeError("expects indices of rank >= 1")
    if batch_dims >= min(len(x), len(indices)):
        raise ShapeError(f"expects batch_dims < rank of x and of indices, got {batch_dims}")
    if x[:batch_dims] != indices[:batch_dims]:
        raise ShapeError(f"expects the first {batch_dims} dims of x and indices to agree")
    k = indices[-1]
    if k < 1 or batch_dims + k > len(x):
        raise ShapeError(f"expects 1 <= indices.shape[-1] <= {len(x) - batch_dims}, got {k}")
    return [*indices[:-1], *x[batch_dims + k:]]


@graph.op(pure=True)
class GatherNDOp(InferredOp):
    """ONNX GatherND: slices of `x` addressed by the rows of `indices`.

    Each row `indices[..., :]` (after `batch_dims` leading dims shared with `x`) holds the
    leading coordinates of one slice of `x`.

    ```mlir
    %r = "graph.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<2x3x4xf32>, tensor<5x2xi64>) -> tensor<5x4xf32>
    ```
    """
    NAME = "gather_nd"
    x = Operand(Tensor())
    indices = Operand(_IDX)
    batch_dims = Attr(IntAttr(min=0), default=0)
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        x, indices = ins
        return [(gather_nd_shape(x.shape, indices.shape, attrs.get("batch_dims", 0)), x.element)]


@graph.op(pure=True)
class ScatterNDOp(InferredOp):
    """ONNX ScatterND: a copy of `x` with the slices addressed by `indices` updated.

    Each `updates[q]` is written to (or, with `reduction`, combined into) the slice that
    `indices[q, :]` addresses; with `none`, duplicate indices keep the last update.

    ```mlir
    %r = "graph.scatter_nd"(%x, %i, %u) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
    ```
    """
    NAME = "scatter_nd"
    x = Operand(Tensor())
    indices = Operand(_IDX)
    updates = Operand(Tensor())
    reduction = Attr(EnumAttr(*_REDUCTIONS), default="none")
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        x, indices, updates = ins
        elem = same_element(x, updates, what="x and updates")
        want = gather_nd_shape(x.shape, indices.shape, 0)
        if updates.shape != want:
            raise ShapeError(f"expects updates of shape {want}, got {updates.shape}")
        return [(list(x.shape), elem)]


@graph.op(pure=True)
class ScatterElementsOp(InferredOp):
    """ONNX ScatterElements: a copy of `x` with elements along `axis` updated.

    `updates[p]` goes to position `p` with its `axis` coordinate replaced by `indices[p]`
    (`reduction` combines; with `none`, duplicate targets keep the last update along the axis).

    ```mlir
    %r = "graph.scatter_elements"(%x, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<2x5xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> tensor<2x5xf32>
    ```
    """
    NAME = "scatter_elements"
    x = Operand(Tensor())
    indices = Operand(_IDX)
    updates = Operand(Tensor())
    axis = Attr(IntAttr(min=0))
    reduction = Attr(EnumAttr(*_REDUCTIONS), default="none")
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        x, indices, updates = ins
        elem = same_element(x, updates, what="x and updates")
        if indices.shape != updates.shape:
            raise ShapeError(f"expects indices and updates of one shape, got {indices.shape} "
                             f"and {updates.shape}")
        if len(indices.shape) != len(x.shape) or attrs["axis"] >= len(x.shape):
            raise ShapeError(f"expects indices of rank {len(x.shape)} and axis < rank")
        if any(i > d for a, (i, d) in enumerate(zip(indices.shape, x.shape)) if a != attrs["axis"]):
            raise ShapeError(f"expects indices no larger than x ({x.shape}) off the axis, "
                             f"got {indices.shape}")
        return [(list(x.shape), elem)]


@graph.op(pure=True)
class GridSampleOp(InferredOp):
    """ONNX GridSample (opset 22): `x` sampled at the normalized positions of `grid`.

    `x` is `[N, C, D1..Dk]`, `grid` `[N, O1..Om, k]` with coordinates in `[-1, 1]` listed
    innermost dim first; the result is `[N, C, O1..Om]`. `mode`: `linear` (2^k taps),
    `nearest` (round half to even), `cubic` (4^k taps, Keys with a = -0.75);
    `padding_mode` says what positions outside the input read (`zeros`, `border`: the edge,
    `reflection`); `align_corners`: -1 and 1 are the centres (true) or the outer edges (false)
    of the corner pixels.

    ```mlir
    %r = "graph.grid_sample"(%x, %g) {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x1x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x1x6x6xf32>
    ```
    """
    NAME = "grid_sample"
    x = Operand(Tensor(FLOAT_TYPES))
    grid = Operand(Tensor(FLOAT_TYPES))
    mode = Attr(EnumAttr("linear", "nearest", "cubic"))
    padding_mode = Attr(EnumAttr("zeros", "border", "reflection"))
    align_corners = Attr(BoolAttr())
    out = Result(Tensor(FLOAT_TYPES))

    @staticmethod
    def infer(ins, attrs):
        x, grid = ins
        k = len(x.shape) - 2
        if k < 1 or len(grid.shape) < 3 or grid.shape[-1] != k or grid.shape[0] != x.shape[0]:
            raise ShapeError(f"expects grid [N, ..., {max(k, 1)}] for x {x.shape}, got "
                             f"{grid.shape}")
        return [([*x.shape[:2], *grid.shape[1:-1]], x.element)]


__all__ = ["GatherNDOp", "GridSampleOp", "ScatterElementsOp", "ScatterNDOp"]
