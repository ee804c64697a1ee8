"""Pad a contraction (with its fused epilogue chain) to extents its tiles divide.

On a CUDA target ``aic-convert-linalg-to-tiled`` calls ``pad`` for a `linalg.matmul` whose
M, N or K no tensor-core block tile divides (``aic.passes.hw.mma_lib.plan.padded_extents``:
a 14x14 feature map is N = 196 columns, a 7x7 stem has K = 147): the op and, for a parallel
dim, its chain are cloned over the padded extent and the result is sliced back:

    %b2 = tensor.pad %b high[0, 12] (zeros)          (every operand indexed by the dim)
    %c2 = linalg.fill 0 -> tensor<M x 208>            (a filled init: a fill of its own)
    %r2 = linalg.matmul ins(%a, %b2) outs(%c2)        (+ the chain on M x 208)
    %r  = tensor.extract_slice %r2[0, 0] [M, 196]

Zeros in the padded rows/columns of the operands keep every original element exact (a
padded K adds 0 * 0 products); padded result elements are computed and dropped. The padded
op then gets the tensor-core block tile. ``aic-hw-lower-mma`` reads a padded patch matrix
straight from the image (the pad is never materialised there); other padded operands are
copies.
"""

from __future__ import annotations

from aic.mlir_api import arith, ir, linalg, tensor
from aic.passes.conversions.linalg_to_tiled_lib.analysis import LinalgInfo
from aic.passes.conversions.linalg_to_tiled_lib.peel import empty_like
from aic.verify import defining_op, scalar_fill


def pad(info: LinalgInfo, chain: list[LinalgInfo], extents: list[int]) -> ir.OpView:
    """Replace the op (and its chain, when a result dim grows) by clones over ``extents``
    (one per loop dim, each >= the op's); returns the padded op."""
    grow = {d: e - s for d, (s, e) in enumerate(zip(info.space, extents)) if e > s}
    out_dims = info.maps[-1]
    result_grow = {out_dims.index(d): g for d, g in grow.items() if d in out_dims}
    ops = [(info, grow)] + ([(c, result_grow) for c in chain] if result_grow else [])
    last = ops[-1][0].op
    fill = scalar_fill(info.init)
    with ir.InsertionPoint(last), last.location:
        clones: list[ir.Operation] = []
        for k, (entry, by_dim) in enumerate(ops):
            operands = list(entry.op.operation.operands)
            for i, (value, dims) in enumerate(zip(operands, entry.maps)):
                if k and value == ops[k - 1][0].op.operation.results[0]:
                    operands[i] = clones[-1].results[0]
                    continue
                high = [by_dim.get(d, 0) for d in dims]
                if not any(high):
                    continue
                if k == 0 and i == len(operands) - 1 and fill is not None:
                    operands[i] = linalg.fill(fill.operands[0],
                                              outs=[empty_like(_grown(value.type, high))])
                elif _is_empty(value):
                    operands[i] = empty_like(_grown(value.type, high))
                else:
                    operands[i] = _zero_pad(value, high)
            clone = entry.op.operation.clone(ip=ir.InsertionPoint.current)
            for i, value in enumerate(operands):
                clone.operands[i] = value
            clone.results[0].set_type(clone.operands[len(operands) - 1].type)
            clones.append(clone)
        result = clones[-1].results[0]
        if result_grow:
            shape = list(ir.RankedTensorType(last.operation.results[0].type).shape)
            result = tensor.ExtractSliceOp(last.operation.results[0].type, result, [], [], [],
                                           [0] * len(shape), shape, [1] * len(shape)).result
    last.operation.results[0].replace_all_uses_with(result)
    for entry, _ in reversed(ops):
        entry.op.operation.erase()
    if fill is not None and not list(fill.results[0].uses):
        fill.erase()
    return clones[0].opview


def _grown(t: ir.Type, high: list[int]) -> ir.RankedTensorType:
    t = ir.RankedTensorType(t)
    return ir.RankedTensorType.get([s + h for s, h in zip(t.shape, high)], t.element_type)


def _is_empty(value: ir.Value) -> bool:
    op = defining_op(value)
    return op is not None and op.name == "tensor.empty"


def _zero_pad(value: ir.Value, high: list[int]) -> ir.Value:
    element = ir.RankedTensorType(value.type).element_type
    zero = arith.ConstantOp(element, 0.0 if isinstance(element, ir.FloatType) else 0).result
    op = tensor.PadOp(_grown(value.type, high), value, [], [], [0] * len(high), high)
    block = op.regions[0].blocks.append(*[ir.IndexType.get()] * len(high))
    with ir.InsertionPoint(block):
        tensor.YieldOp(zero)
    return op.result
