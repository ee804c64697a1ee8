"""Narrow matmuls with a constant A computed transposed, so the wide side gets the columns.

A convolution late in a CNN is ``C[F x P] = W[F x K] @ X[K x P]`` with few output pixels
``P`` (a 7x7 map: 49) and many filters ``F`` (1280). The CPU micro-kernel puts ``nr`` columns
in vector registers: 49 columns fill 64 lanes (two 32-wide panels, the second masked), and
the run-time ``X`` is packed into panels on every call. Computed as ``C^T = X^T @ W^T``
instead, the 1280 filters are the columns (whole panels), ``W^T`` is a constant packed at
compile time, and ``X^T`` -- the rows the micro-kernel broadcasts from -- is one small
transposing copy:

    %wt = arith.constant (W transposed, at compile time)           K x F
    %xt = linalg.generic (x[k, p] -> xt[p, k])                      P x K
    %ct = linalg.matmul ins(%xt, %wt) outs(fill 0 : P x F)
    then the epilogue (a generic reading C) reads %ct through a transposed map: the
    transpose back to F x P is the epilogue's own pass (or, with none, a copy).

``applies(info, target)`` decides: a CPU target, f32, N <= 64 columns of which whole vectors
would waste at least a tenth, M >= 4N, A a constant (through a reshape), B not a patch
matrix (the implicit GEMM keeps those), a zero-filled init. ``narrow(info)`` rewrites and
returns the new ops for the caller to tile. The sums are the same in the same order (bit-
identical results). Measured (1 thread, interleaved library calls, medians): 1x1 320 -> 1280
at 7x7 with bias + ReLU6 0.476 -> 0.407 ms; MobileNetV2 10.98 -> 10.50 ms; ResNet-50 95.4 ->
93.9 ms. CPU targets only (the CUDA path pads instead: ``pad.py``).
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph.constants import elements_attr, holder_array
from aic.mlir_api import arith, ir, linalg, tensor
from aic.passes.conversions.linalg_to_tiled_lib import patches
from aic.passes.conversions.linalg_to_tiled_lib.analysis import GENERIC, MATMUL, LinalgInfo
from aic.verify import defining_op, float_constant, scalar_fill

MAX_COLUMNS = 64  # transposed only when N fits in this many columns ...
MIN_WASTE = 0.1  # ... of which whole vectors would waste at least this share
MIN_RATIO = 4  # ... and M is at least this many times N


def applies(info: LinalgInfo, target) -> bool:
    if info.name != MATMUL or getattr(target, "kind", None) != "cpu":
        return False
    m, n, _ = info.space
    lanes = max(1, getattr(target, "vector_bits", 512) // 32)
    padded = -(-n // lanes) * lanes
    element = ir.RankedTensorType(info.init.type).element_type
    return (isinstance(element, ir.F32Type) and n <= MAX_COLUMNS and m >= MIN_RATIO * n
            and (padded - n) / padded >= MIN_WASTE and _weight(info.inputs[0]) is not None
            and not _patch_matrix(info.inputs[1]) and _zero_fill(info) is not None
            and _consumer(info) is not False)


def _patch_matrix(b: ir.Value) -> bool:
    """B is a convolution's im2col patch matrix: left to the implicit GEMM, which never
    builds it (transposed, it would be built and copied)."""
    op = defining_op(b)
    source = defining_op(op.operands[0]) if op is not None \
        and op.name == "tensor.collapse_shape" else None
    return source is not None and patches.analyze(source.opview) is not None


def narrow(info: LinalgInfo) -> list[ir.Operation] | None:
    """Rewrite (see the module docstring); returns the new ops to tile, in order: the
    transposing copy of X, the new matmul and, when no element-wise reader took the
    transposed result, the copy back. None (nothing changed): A's data cannot be read (a
    constant whose blob was elided)."""
    m, n, _ = info.space
    a, x = info.inputs
    weight = _weight(a)
    array = holder_array(weight, weight.results[0].type)
    if array is None:
        return None
    element = ir.RankedTensorType(info.init.type).element_type
    fill = _zero_fill(info)
    consumer = _consumer(info)
    with ir.InsertionPoint(info.op), info.op.location:
        wt = _transposed_constant(a, array)
        xt = _transpose(x)
        out = tensor.EmptyOp([n, m], element).result
        init = linalg.fill(fill.operands[0], outs=[out])
        ct = linalg.matmul(xt, wt, outs=[init])
    result = info.op.operation.results[0]
    new = [defining_op(xt), defining_op(ct)]
    if consumer is None:  # no element-wise reader: a transposing copy back
        with ir.InsertionPoint(info.op), info.op.location:
            back = _transpose(ct)
        result.replace_all_uses_with(back)
        new.append(defining_op(back))
    else:
        reader = consumer.operation
        index = next(i for i, v in enumerate(reader.operands) if v == result)
        maps = list(ir.ArrayAttr(reader.attributes["indexing_maps"]))
        maps[index] = ir.AffineMapAttr.get(_swap(ir.AffineMapAttr(maps[index]).value))
        reader.attributes["indexing_maps"] = ir.ArrayAttr.get(maps)
        reader.operands[index] = ct
    old = [fill, defining_op(a)]  # the old fill, the weight's reshape and constant
    if old[1].name != "arith.constant":
        old.append(_weight(a))
    info.op.operation.erase()
    for op in old:  # users first, each once nothing reads it
        if not list(op.results[0].uses):
            op.erase()
    return new


def _weight(a: ir.Value):
    """The constant (through a `tensor.collapse_shape`) A is, or None."""
    op = defining_op(a)
    if op is not None and op.name == "tensor.collapse_shape":
        op = defining_op(op.operands[0])
    return op if op is not None and op.name == "arith.constant" else None


def _zero_fill(info: LinalgInfo):
    fill = scalar_fill(info.init)
    return fill if fill is not None and float_constant(fill.operands[0]) == 0 else None


def _consumer(info: LinalgInfo):
    """The one element-wise `linalg.generic` reading the result with the identity map (it
    will read the transposed result instead), None when the result has other readers only
    (a copy back is made), False when it cannot be rewritten."""
    uses = list(info.op.operation.results[0].uses)
    if len(uses) != 1 or uses[0].owner.name != GENERIC:
        return None
    reader = uses[0].owner
    maps = [ir.AffineMapAttr(x).value for x in ir.ArrayAttr(reader.attributes["indexing_maps"])]
    n_inputs = len(reader.operands) - len(reader.results)
    index = uses[0].operand_number
    if index >= n_inputs or maps[index] != ir.AffineMap.get_identity(2) \
            or any("parallel" not in str(t) for t in ir.ArrayAttr(
                reader.attributes["iterator_types"])):
        return False
    return reader


def _swap(amap: ir.AffineMap) -> ir.AffineMap:
    return ir.AffineMap.get(amap.n_dims, 0, list(reversed(amap.results)))


def _transposed_constant(a: ir.Value, array: np.ndarray) -> ir.Value:
    """A^T as a constant: ``array`` (the weight's data) reshaped to A's shape, transposed."""
    t = ir.RankedTensorType(a.type)
    wt = ir.RankedTensorType.get(list(reversed(t.shape)), t.element_type)
    return arith.ConstantOp(wt, elements_attr(np.ascontiguousarray(array.reshape(t.shape).T),
                                              wt)).result


def _transpose(x: ir.Value) -> ir.Value:
    """x^T by an element-wise generic (a transposing copy kernel)."""
    t = ir.RankedTensorType(x.type)
    rows, cols = t.shape
    out = tensor.EmptyOp([cols, rows], t.element_type).result
    swap = ir.AffineMap.get(2, 0, [ir.AffineDimExpr.get(1), ir.AffineDimExpr.get(0)])
    identity = ir.AffineMap.get_identity(2)

    @linalg.generic([x], [out], [swap, identity], [linalg.IteratorType.parallel] * 2)
    def result(value, _):
        return value
    return result
