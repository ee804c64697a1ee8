"""Graph ops whose result length depends on the data: non_max_suppression, unique, nonzero.

Each has a result dim that no shape rule can know before run time: it is ``?`` in the
result type (``shapes.DYN``), with no ``aic.dims`` name. The lowerings compute into a buffer
of the largest possible size and return its leading part (``docs/dynamic-shapes.md``).
"""

from aic.dsl import NUMERIC_TYPES, Attr, BoolAttr, IntAttr, Operand, Result, Tensor
from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, ShapeError, i64

_I64 = Tensor(("i64",))


@graph.op(pure=True)
class NonMaxSuppressionOp(InferredOp):
    """ONNX NonMaxSuppression: the boxes kept per batch and class, a data-sized list.

    Per batch and class, greedily keep the highest-scoring boxes whose IoU with every box
    kept before is at most `iou_threshold`. `boxes` is B x N x 4 (`[y1, x1, y2, x2]` corners in either order, or with
    `center_point_box` `[x_center, y_center, width, height]`), `scores` B x C x N. Boxes
    scoring at most `score_threshold` (when given) are never kept; equal scores keep the lower
    box index first; at most `max_output` (i64 scalar, negative as 0) boxes per batch and
    class. The result lists `[batch, class, box]` per kept box, batch-major then class, each
    class in the order kept: its length is known only at run time.

    ```mlir
    %r = "graph.non_max_suppression"(%b, %s, %m, %iou, %st) {center_point_box = false} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
    ```
    """
    NAME = "non_max_suppression"
    boxes = Operand(Tensor(("f32",), rank=3))
    scores = Operand(Tensor(("f32",), rank=3))
    max_output = Operand(Tensor(("i64",), rank=0))
    iou_threshold = Operand(Tensor(("f32",), rank=0))
    score_threshold = Operand(Tensor(("f32",), rank=0), optional=True)
    center_point_box = Attr(BoolAttr(), default=False)
    selected = Result(Tensor(("i64",), rank=2))

    @staticmethod
    def infer(ins, attrs):
        boxes, scores = ins[0].shape, ins[1].shape
        if boxes[2] != 4:
            raise ShapeError(f"expects boxes of shape B x N x 4, got {boxes}")
        if boxes[0] != scores[0] or boxes[1] != scores[2]:
            raise ShapeError(f"expects scores of shape {boxes[0]} x C x {boxes[1]} for boxes "
                             f"{boxes}, got {scores}")
        return [([shapes.DYN, 3], i64())]


@graph.op(pure=True)
class UniqueOp(InferredOp):
    """ONNX Unique along `axis`: the distinct slices, data-sized, and where they occur.

    `y` holds the distinct slices of `x` along `axis` (sorted ascending, slices compared
    lexicographically, or with `sorted = false` in order of first occurrence); then the
    index of each one's first occurrence, each slice's position in `y` (`inverse`) and each
    one's count. `y`'s extent along `axis`, `indices` and `counts` are known only at run time.
    (ONNX's Unique without an axis is this op on the flattened tensor.)

    ```mlir
    %y, %i, %inv, %c = "graph.unique"(%x) {axis = 0 : i64, sorted = true} : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
    ```
    """
    NAME = "unique"
    x = Operand(Tensor(NUMERIC_TYPES))
    axis = Attr(IntAttr(min=0))
    sorted = Attr(BoolAttr(), default=True)
    y = Result(Tensor(NUMERIC_TYPES))
    indices = Result(_I64)
    inverse = Result(_I64)
    counts = Result(_I64)

    @staticmethod
    def infer(ins, attrs):
        shape, axis = list(ins[0].shape), attrs["axis"]
        if axis >= len(shape):
            raise ShapeError(f"expects axis < rank {len(shape)}, got {axis}")
        y = shape[:axis] + [shapes.DYN] + shape[axis + 1:]
        return [(y, ins[0].element), ([shapes.DYN], i64()), ([shape[axis]], i64()),
                ([shapes.DYN], i64())]


@graph.op(pure=True)
class NonZeroOp(InferredOp):
    """ONNX NonZero: the coordinates of the nonzero elements of `x`, a data-sized list.

    One column per nonzero element, in row-major order: rank x count, the count known only
    at run time.

    ```mlir
    %r = "graph.nonzero"(%x) : (tensor<2x2xi1>) -> tensor<2x?xi64>
    ```
    """
    NAME = "nonzero"
    x = Operand(Tensor(NUMERIC_TYPES))
    out = Result(_I64)

    @staticmethod
    def infer(ins, attrs):
        return [([len(ins[0].shape), shapes.DYN], i64())]


DATA_SIZED = (NonMaxSuppressionOp, UniqueOp, NonZeroOp)
"""The ops whose result length depends on the data."""

__all__ = ["NonMaxSuppressionOp", "UniqueOp", "NonZeroOp", "DATA_SIZED"]
