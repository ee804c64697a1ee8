"""ONNX BitShift, BitwiseAnd/Or/Xor/Not -> ``graph.bitwise`` (Not: xor with all ones);
BitCast -> ``graph.bitcast`` (element types of the same width; not the float8/float4 types,
which have no arithmetic of their own)."""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import BitCastOp, BitwiseOp
from aic.dialects.graph.ops_bitwise import bit_width
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, element_type, onnx_to_np, tensor_type
from aic.mlir_api import ir


def _bitwise(n, kind: str, rhs=None):
    rhs = n.value(1) if rhs is None else rhs
    return n.op(BitwiseOp, n.out_type(like=0), lhs=n.value(0), rhs=rhs, kind=kind)


@handler("BitShift", 11, attrs={"direction"})
def bit_shift(n):
    direction = n.attr("direction")
    if direction not in ("LEFT", "RIGHT"):
        raise n.unsupported(f"direction '{direction}'")
    return _bitwise(n, "shl" if direction == "LEFT" else "shr")


handler("BitwiseAnd", 18)(lambda n: _bitwise(n, "and"))
handler("BitwiseOr", 18)(lambda n: _bitwise(n, "or"))
handler("BitwiseXor", 18)(lambda n: _bitwise(n, "xor"))


@handler("BitwiseNot", 18)
def bitwise_not(n):
    dtype = n.dtype(0)
    ones = np.array(-1, np.int64).astype(dtype) if dtype.kind == "i" else \
        np.array(np.iinfo(dtype).max, dtype)
    return _bitwise(n, "xor", n.constant(ones))


@handler("BitCast", 26, attrs={"to"})
def bit_cast(n):
    src = elem_of(n.value(0))
    dst = element_type(onnx_to_np(int(n.attr("to")), str(n)), str(n))
    for t in (src.maybe_downcast(), dst.maybe_downcast()):
        if isinstance(t, ir.FloatType) and t.width < 16:
            raise n.unsupported(f"BitCast of {t} (float8/float4) is not supported")
    if bit_width(src) != bit_width(dst):
        raise n.unsupported(f"BitCast between {src} and {dst} (different widths)")
    return n.op(BitCastOp, tensor_type(n.shape(0), dst), x=n.value(0))
