"""ONNX BitShift, BitwiseAnd/Or/Xor/Not -> ``graph.bitwise`` (Not: xor with all ones)."""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import BitwiseOp
from aic.frontend.onnx.registry import handler


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
