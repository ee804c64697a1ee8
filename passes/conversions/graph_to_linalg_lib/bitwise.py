"""bitwise, bitcast -> an elementwise ``linalg.generic`` (numpy broadcasting maps).

bitcast: ``arith.bitcast`` per element (``i1`` extended to 8 bits, or compared ``!= 0``).

and/or/xor: ``arith.andi/ori/xori``. shl: ``arith.shli``; shr: ``arith.shrui`` on unsigned,
``arith.shrsi`` on signed types. Each shift is guarded by an unsigned ``amount < width``
compare (a shift by the width or more is poison in LLVM; a negative amount is huge unsigned)
that selects ONNX's value otherwise: 0, or for a signed shr the sign fill (a shift by
``width - 1``).

May import: the MLIR shim, the graph op classes and ``common``.
"""

from __future__ import annotations

from aic.dialects.graph import BitCastOp, BitwiseOp
from aic.mlir_api import arith, ir
from aic.passes.conversions.graph_to_linalg_lib.common import (
    const, elem_of, int_width, is_float, is_unsigned_int, map_elementwise, shape_of)

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


def lower_bitcast(op):
    """``arith.bitcast`` per element; ``i1`` (a byte, 0 or 1) widens to / compares from 8
    bits."""
    out = op.operation.results[0]
    elem = elem_of(out)

    def body(x):
        if not is_float(elem) and int_width(elem) == 1:  # to i1: != 0
            return arith.cmpi(ir.IntegerAttr.get(ir.IntegerType.get_signless(64), 1), x,
                              const(x.type, 0))
        if not is_float(x.type) and int_width(x.type) == 1:  # from i1: to an 8-bit integer
            return arith.extui(elem, x)
        return x if x.type == elem else arith.bitcast(elem, x)
    return [map_elementwise(shape_of(out), elem, [op.x], body)]


LOWERINGS = {BitwiseOp: lower_bitwise, BitCastOp: lower_bitcast}
