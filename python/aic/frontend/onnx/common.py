"""Small building blocks shared by the ONNX op handlers (axis rules, typed op helpers)."""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import (ReshapeOp, TransposeOp, UnaryOp)
from aic.dialects.graph.shapes import broadcast
from aic.frontend.onnx import symbolic
from aic.frontend.onnx.symbolic_dims import dims_of_result
from aic.frontend.onnx.tensors import annotate_dims, elem_of, shape_of, tensor_type
from aic.mlir_api import ir


def norm_axis(n, axis: int, rank: int) -> int:
    """``axis`` in ``[-rank, rank)`` made non-negative, or UnsupportedError."""
    if not -rank <= axis < rank:
        raise n.unsupported(f"axis {axis} is out of range for rank {rank}")
    return axis + rank if axis < 0 else axis


def norm_axes(n, axes, rank: int) -> list[int]:
    out = [norm_axis(n, int(a), rank) for a in axes]
    if len(set(out)) != len(out):
        raise n.unsupported(f"repeated axes {list(axes)}")
    return out


def check_shape(n, computed, i: int = 0) -> None:
    """Refuse (never miscompile) when aic's reading of the attributes disagrees with ONNX
    (a dynamic dim, negative, on either side agrees with anything)."""
    inferred = n.out_shape(i)
    if len(computed) != len(inferred) or any(
            c != d for c, d in zip(computed, inferred) if c >= 0 and d >= 0):
        raise n.unsupported(f"attribute combination not supported: aic computes output shape "
                            f"{list(computed)}, ONNX infers {inferred}")


def unary(n, x: ir.Value, fn: str, alpha: float = 0.0, beta: float = 0.0,
          out_type=None) -> ir.Value:
    return n.op(UnaryOp, out_type or x.type, x=x, fn=fn, alpha=alpha, beta=beta)


def binary(n, cls, a: ir.Value, b: ir.Value, out_type=None, **attrs) -> ir.Value:
    """``cls(a, b)`` with the broadcast result shape (element type of ``a`` by default)."""
    if out_type is None:
        shape = broadcast(tuple(shape_of(a)), tuple(shape_of(b)))
        out_type = tensor_type(shape, elem_of(a))
    return n.op(cls, out_type, lhs=a, rhs=b, **attrs)


def reshape(n, x: ir.Value, shape, keeps: int = 0) -> ir.Value:
    """``x`` reshaped to ``shape`` (negative: a dynamic dim). ``keeps``: how many leading
    dims the caller knows the reshape keeps (the batch of a split into heads); their dynamic
    dims keep ``x``'s names (``aic.dims``), so later stages can size them. (The types alone
    cannot tell: ``[?, 6] -> [?, 3]`` keeps no dim.)"""
    if list(shape) == shape_of(x):
        return x
    y = n.op(ReshapeOp, tensor_type(shape, elem_of(x)), x=x)
    if keeps:
        dims = _symbolic_dims(n, x)[:keeps]
        names = [d.name() if isinstance(d, symbolic.Sym) else "" for d in dims]
        annotate_dims(y, names + [""] * (len(shape) - keeps))
    return y


def _symbolic_dims(n, x: ir.Value) -> list:
    """``x``'s dims with their names (``symbolic.Sym``): a node's outputs and arguments are
    recorded by the importer; values inside a decomposition are worked out through the
    shape rules of the ops that made them, back to those."""
    def dims_of(v):
        known = n.imp.value_dims(v)
        return known if v in n.imp.vdims or isinstance(v.owner, ir.Block) else \
            dims_of_result(v, dims_of)
    return dims_of(x)


def transpose(n, x: ir.Value, perm) -> ir.Value:
    perm = [int(p) for p in perm]
    if perm == list(range(len(perm))):
        return x
    shape = shape_of(x)
    return n.op(TransposeOp, tensor_type([shape[p] for p in perm], elem_of(x)), x=x, perm=perm)


def float_attr_scalar(value) -> float:
    return float(np.asarray(value).reshape(-1)[0])
