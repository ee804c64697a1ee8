"""ONNX ops whose result length depends on the data: NonMaxSuppression (10, 11), Unique (11),
NonZero (9, 13).

Each becomes one graph op (``graph.non_max_suppression``, ``graph.unique``,
``graph.nonzero``) whose data-sized result dim is ``?`` (no name): the compiled function
returns such an output as a buffer it allocated, sized at run time (docs/dynamic-shapes.md).
Unique without an axis runs on the flattened input; NonMaxSuppression's optional inputs get
ONNX's defaults (no box, IoU threshold 0, no score threshold).
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import NonMaxSuppressionOp, NonZeroOp, UniqueOp
from aic.frontend.onnx.common import norm_axis, reshape
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, tensor_type
from aic.mlir_api import ir

_I64 = ir.IntegerType.get_signless


def _scalar_input(n, i: int, default, dtype):
    """Input ``i`` as a rank-0 value (ONNX gives these as [1] or []), or ``default``."""
    if not n.has(i):
        return None if default is None else n.constant(np.array(default, dtype))
    if n.dtype(i) != dtype:
        raise n.unsupported(f"input {i} must be {np.dtype(dtype).name}, got {n.dtype(i)}")
    if int(np.prod(n.shape(i))) != 1:
        raise n.unsupported(f"input {i} must hold one value, got shape {n.shape(i)}")
    return reshape(n, n.value(i), [])


@handler("NonMaxSuppression", 10, attrs={"center_point_box"})
def non_max_suppression(n):
    for i in (0, 1):
        if n.dtype(i) != np.float32:
            raise n.unsupported(f"input {i} must be float32, got {n.dtype(i)}")
    return n.op(NonMaxSuppressionOp, tensor_type([-1, 3], _I64(64)), boxes=n.value(0),
                scores=n.value(1), max_output=_scalar_input(n, 2, 0, np.int64),
                iou_threshold=_scalar_input(n, 3, 0.0, np.float32),
                score_threshold=_scalar_input(n, 4, None, np.float32),
                center_point_box=bool(n.attr("center_point_box", 0)))


@handler("Unique", 11, attrs={"axis", "sorted"})
def unique(n):
    x = n.value(0)
    if n.has_attr("axis"):
        axis = norm_axis(n, int(n.attr("axis")), n.rank(0))
    else:
        x, axis = reshape(n, x, [int(np.prod(n.shape(0)))]), 0
    shape = list(x.type.shape)
    y_shape = shape[:axis] + [-1] + shape[axis + 1:]
    types = [tensor_type(y_shape, elem_of(x)), tensor_type([-1], _I64(64)),
             tensor_type([shape[axis]], _I64(64)), tensor_type([-1], _I64(64))]
    op = n.build(UniqueOp, types, x=x, axis=axis, sorted=bool(n.attr("sorted", 1)))
    return list(op.operation.results)


@handler("NonZero", 9)
def nonzero(n):
    return n.op(NonZeroOp, tensor_type([n.rank(0), -1], _I64(64)), x=n.value(0))
