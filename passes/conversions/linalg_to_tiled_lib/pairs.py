"""Integer matmuls on i16 pairs: ``i32`` contractions whose operands fit ``i16``, narrowed.

MatMulInteger, ConvInteger and the QLinear ops lower to an ``i32`` ``linalg.matmul`` of
centred operands (an 8-bit value minus its zero point: within [-255, 255]). On the ``i32``
micro-kernel each multiply-add is a ``vpmulld`` and a ``vpaddd`` on 16 lanes. Narrowed to
``i16`` operands with the ``i32`` accumulator kept, the micro-kernel multiplies *pairs* of k
steps (``lower_microkernels_lib``: the even and odd lanes of a 32 x i16 vector, sign-extended,
multiplied and added to 16 ``i32`` lanes) -- one ``vpdpwssd`` on AVX-512 VNNI (a ``vpmaddwd``
and a ``vpaddd`` without), 32 multiply-adds per instruction, exactly the same integers.

``applies(info, target)``: an AVX-512 CPU target (the micro-kernel calls ``vpmaddwd``), a
``linalg.matmul`` of ``i32`` operands into an ``i32`` init, an even K, a B that is not a
convolution's patch matrix, and both operands proven to fit ``i16``
(``value_range``: a constant's values; for computed values, a small interval analysis through
element-wise ``linalg.generic`` bodies -- ``extui``/``extsi``/``fptoui``/``fptosi`` from a narrow
type, ``addi``, ``subi``, ``muli``, ``select``, constants -- reshapes/slices, and the
element-wise ``tiled.kernel`` such a generic became earlier in the pass).
``narrow(info)`` rewrites: a constant operand converted now, a run-time one by an
``arith.trunci`` copy, and the matmul on the ``i16`` operands (``linalg.matmul`` extends them
to the ``i32`` accumulator); returns the new ops for the caller to tile.
"""

from __future__ import annotations

from aic.dialects.graph.constants import holder_array
from aic.mlir_api import arith, ir
from aic.passes.conversions.linalg_to_tiled_lib.analysis import MATMUL, LinalgInfo
from aic.passes.conversions.linalg_to_tiled_lib.retype import retype
from aic.passes.memref.lower_microkernels_lib import is_pairs
from aic.verify import defining_op

I16 = (-(1 << 15), (1 << 15) - 1)
MAX_CONSTANT = 1 << 26  # elements of a constant read to find its range
MAX_DEPTH = 16
_SAME_VALUES = ("tensor.extract_slice", "tensor.collapse_shape", "tensor.expand_shape",
                "tensor.cast", "linalg.broadcast", "linalg.transpose")


def applies(info: LinalgInfo, target) -> bool:
    if info.name != MATMUL or getattr(target, "kind", None) != "cpu" \
            or getattr(target, "isa", None) != "avx512":
        return False
    types = [ir.RankedTensorType(v.type) for v in (*info.inputs, info.init)]
    if any(str(t.element_type) != "i32" or not t.has_static_shape for t in types):
        return False
    k = types[0].shape[1]
    if k < 2 or k % 2:
        return False
    b = defining_op(info.inputs[1])
    if b is not None and b.name == "tensor.collapse_shape":
        return False  # a convolution's patch matrix: read from the image (implicit GEMM)
    return all(_fits(value_range(v)) for v in info.inputs)


def narrow(info: LinalgInfo) -> list[ir.Operation]:
    """Rewrite (see the module docstring); the new ops to tile, in order: the narrowing
    copies of run-time operands, then the matmul."""
    return retype(info, ir.IntegerType.get_signless(16), arith.trunci)


def is_pairs_matmul(info: LinalgInfo) -> bool:
    """A matmul ``narrow`` made: i16 operands into i32 (its k tiles must be even)."""
    return info.name == MATMUL and is_pairs(info.inputs[0].type, info.init.type) \
        and str(ir.RankedTensorType(info.inputs[1].type).element_type) == "i16"


def even_divisor(extent: int, size: int) -> int:
    """The largest even divisor of the even ``extent`` that is at most ``size`` (at least 2)."""
    return next(d for d in range(min(size, extent) // 2 * 2, 1, -2) if extent % d == 0)


def _fits(found) -> bool:
    return found is not None and I16[0] <= found[0] and found[1] <= I16[1]


def value_range(value: ir.Value, depth: int = 0) -> tuple[int, int] | None:
    """(lowest, highest) integer that ``value`` (a tensor or a scalar) can hold, when the
    analysis can tell; else None."""
    op = defining_op(value)
    if op is None or depth > MAX_DEPTH:
        return None
    if op.name == "arith.constant":
        if isinstance(value.type, ir.IntegerType):
            v = ir.IntegerAttr(op.attributes["value"]).value
            return v, v
        array = holder_array(op, value.type, MAX_CONSTANT)
        if array is None or array.dtype.kind not in "iu" or array.size == 0:
            return None
        return int(array.min()), int(array.max())
    if op.name in _SAME_VALUES or op.name == "tiled.load":
        return value_range(op.operands[0], depth + 1)
    if op.name == "tiled.kernel":  # an element-wise kernel formed before: its tile's range
        if list(op.regions[1].blocks):
            return None  # an epilogue: not analysed
        index = [r for r in op.results].index(value)
        body = op.regions[0].blocks[0]
        return value_range(list(body.operations)[-1].operands[index], depth + 1)
    if op.name == "linalg.generic":
        generic = op.opview
        body = op.regions[0].blocks[0]
        index = [r for r in op.results].index(value)
        yielded = list(body.operations)[-1].operands[index]
        inputs = list(generic.inputs)

        def argument(arg) -> tuple[int, int] | None:
            n = ir.BlockArgument(arg).arg_number
            return value_range(inputs[n], depth + 1) if n < len(inputs) else None
        return _scalar_range(yielded, argument, depth + 1)
    return None


def _scalar_range(value: ir.Value, argument, depth: int) -> tuple[int, int] | None:
    if isinstance(value.owner, ir.Block):  # a block argument
        return argument(value)
    op = defining_op(value)
    if op is None or depth > MAX_DEPTH or not isinstance(value.type, ir.IntegerType):
        return None
    name, width = op.name, ir.IntegerType(value.type).width
    if name in ("arith.extui", "arith.extsi", "arith.fptoui", "arith.fptosi"):
        source = op.operands[0].type
        bits = ir.IntegerType(source).width if isinstance(source, ir.IntegerType) else width
        return (0, (1 << bits) - 1) if name.endswith("ui") else \
            (-(1 << (bits - 1)), (1 << (bits - 1)) - 1)
    if name == "arith.constant":
        v = ir.IntegerAttr(op.attributes["value"]).value
        return v, v
    parts = [_scalar_range(v, argument, depth + 1) for v in op.operands
             if isinstance(v.type, ir.IntegerType) and ir.IntegerType(v.type).width > 1]
    if any(p is None for p in parts):
        return None
    if name == "arith.addi" and len(parts) == 2:
        return parts[0][0] + parts[1][0], parts[0][1] + parts[1][1]
    if name == "arith.subi" and len(parts) == 2:
        return parts[0][0] - parts[1][1], parts[0][1] - parts[1][0]
    if name == "arith.muli" and len(parts) == 2:
        corners = [x * y for x in parts[0] for y in parts[1]]
        return min(corners), max(corners)
    if name == "arith.select" and len(parts) == 2:
        return min(parts[0][0], parts[1][0]), max(parts[0][1], parts[1][1])
    return None
