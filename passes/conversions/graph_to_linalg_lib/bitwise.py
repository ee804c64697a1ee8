"""bitwise -> an elementwise ``linalg.generic`` (numpy broadcasting maps).

and/or/xor: ``arith.andi/ori/xori``. shl: ``arith.shli``; shr: ``arith.shrui`` on unsigned,
``arith.shrsi`` on signed types. Each shift is guarded by an unsigned ``amount < width``
compare (a shift by the width or more is poison in LLVM; a negative amount is huge unsigned)
that selects ONNX's value otherwise: 0, or for a signed shr the sign fill (a shift by
``width - 1``).

May import: the MLIR shim, the graph op classes and ``common``.
"""

from __future__ import annotations

from aic.dialects.graph import BitwiseOp
from aic.mlir_api import arith, ir
from aic.passes.conversions.graph_to_linalg_lib.common import (
    const, elem_of, int_width, is_unsigned_int, map_elementwise, shape_of)

_BITS = {"and": arith.andi, "or": arith.ori, "xor": arith.xori}
_ULT = 6


def lower_bitwise(op):
    out = op.operation.results[0]
    elem = elem_of(out)
    if op.kind in _BITS:
        return [map_elementwise(shape_of(out), elem, [op.lhs, op.rhs], _BITS[op.kind])]
    width = int_width(elem)
    signed_shr = op.kind == "shr" and not is_unsigned_int(elem)
    shift = arith.shli if op.kind == "shl" else arith.shrsi if signed_shr else arith.shrui

    def body(a, b):
        inside = arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), _ULT), b,
                            const(elem, width))
        outside = shift(a, const(elem, width - 1)) if signed_shr else const(elem, 0)
        return arith.select(inside, shift(a, b), outside)
    return [map_elementwise(shape_of(out), elem, [op.lhs, op.rhs], body)]


LOWERINGS = {BitwiseOp: lower_bitwise}
