"""The passes of the aic tutorial's `qnt` dialect (docs/tutorial/README.md, steps 2 to 4).

* ``aic-qnt-quantize-weights`` (graph level): the constant f32 weight of every
  ``graph.matmul``/``graph.dense`` gets a ``qnt.quantize`` + ``qnt.dequantize`` pair, its
  scale (and zero point) computed from the data: per-tensor post-training quantization.
* ``aic-qnt-simplify``: a rule table; ``dequantize(quantize(x))`` with equal parameters
  becomes one ``qnt.fake_quant(x)``; then unused qnt ops are erased.
* ``aic-convert-qnt-to-linalg``: every qnt op becomes one elementwise ``linalg.generic``
  whose body is ``arith``/``math`` (divide, round half to even, add, clamp, scale).

Importing this file imports its sibling ``qnt.py`` (the dialect), so ``--plugin
docs/tutorial/qnt_passes.py`` loads both. Uses only aic's public layers and the MLIR shim.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import DenseOp, MatMulOp
from aic.errors import PassError
from aic.mlir_api import arith, ir, linalg, math, tensor
from aic.pass_base import Pass, option, register_pass
from aic.rewriting import Rule, apply_rules, constant_value, ops_in

from qnt import DequantizeOp, FakeQuantOp, QuantizeOp, storage_range  # the sibling plugin file

# -- aic-qnt-quantize-weights ---------------------------------------------------------------------


def weight_parameters(w: np.ndarray, signed: bool) -> tuple[float, int] | None:
    """(scale, zero_point) covering ``w``: symmetric int8 or asymmetric uint8; None if all 0."""
    if signed:
        scale = np.float32(np.abs(w).max() / 127)
        return (float(scale), 0) if scale > 0 else None
    lo, hi = min(float(w.min()), 0.0), max(float(w.max()), 0.0)
    scale = np.float32((hi - lo) / 255)
    if scale == 0:
        return None
    return float(scale), int(np.clip(np.round(-lo / scale), 0, 255))


@register_pass
class QntQuantizeWeights(Pass):
    """Fake-quantize the constant f32 weights of graph.matmul / graph.dense (per tensor).

    Options: `signed` (default true: i8 storage, symmetric, zero point 0; false: ui8,
    asymmetric). Only weights that are `graph.constant` f32 tensors are touched; the pair
    feeds that one operand, so a weight shared with other ops keeps its other uses.
    """

    NAME = "aic-qnt-quantize-weights"
    signed: bool = option(True, "i8 symmetric (true) or ui8 asymmetric (false)")

    def run(self, op):
        storage = ir.IntegerType.get_signless(8) if self.signed else ir.IntegerType.get_unsigned(8)
        for user in list(ops_in(op)):
            if isinstance(user, (MatMulOp, DenseOp)):
                self.quantize_operand(user, 1, storage)

    def quantize_operand(self, user: ir.OpView, index: int, storage: ir.Type) -> None:
        weight = user.operation.operands[index]
        data = constant_value(weight)
        if data is None or data.dtype != np.float32:
            return
        params = weight_parameters(data, self.signed)
        if params is None:
            return
        scale, zero_point = params
        stored = ir.RankedTensorType.get(ir.RankedTensorType(weight.type).shape, storage)
        with ir.InsertionPoint(user), user.location:
            q = QuantizeOp(stored, weight, scale=scale, zero_point=zero_point)
            d = DequantizeOp(weight.type, q.out, scale=scale, zero_point=zero_point)
        user.operation.operands[index] = d.out


# -- aic-qnt-simplify -----------------------------------------------------------------------------

def _fold_pair(op: DequantizeOp, rw):
    quantize = op.q.owner
    if not isinstance(quantize, QuantizeOp):
        return None
    if (quantize.scale, quantize.zero_point) != (op.scale, op.zero_point):
        return None
    qmin, qmax = storage_range(quantize.out.type)
    return [FakeQuantOp(quantize.x, scale=op.scale, zero_point=op.zero_point,
                        qmin=qmin, qmax=qmax).out]


def _params(op: FakeQuantOp) -> tuple:
    return op.scale, op.zero_point, op.qmin, op.qmax


def _fold_twice(op: FakeQuantOp, rw):
    inner = op.x.owner
    if isinstance(inner, FakeQuantOp) and _params(inner) == _params(op):
        return [inner.out]
    return None


RULES = [
    Rule(DequantizeOp, _fold_pair, "dequantize(quantize(x, s, z), s, z) -> fake_quant(x, s, z)"),
    Rule(FakeQuantOp, _fold_twice, "fake_quant(fake_quant(x, p), p) -> fake_quant(x, p)"),
]

_QNT_OPS = (QuantizeOp, DequantizeOp, FakeQuantOp)


def erase_dead_qnt_ops(root: ir.Operation) -> None:
    """Erase qnt ops whose results are unused (qnt ops have no side effects)."""
    for op in reversed(list(ops_in(root))):
        if isinstance(op, _QNT_OPS) and not list(op.out.uses):
            op.operation.erase()


@register_pass
class QntSimplify(Pass):
    """Fold dequantize(quantize(x)) into fake_quant(x) and repeated fake_quant, erase unused
    qnt ops.

    Options: `max-iterations` (rule sweeps before stopping).
    """

    NAME = "aic-qnt-simplify"
    max_iterations: int = option(10, "rule sweeps before stopping")

    def run(self, op):
        apply_rules(op, RULES, self.max_iterations)
        erase_dead_qnt_ops(op)


# -- aic-convert-qnt-to-linalg --------------------------------------------------------------------

def _f32(value: float) -> ir.Value:
    return arith.ConstantOp(ir.F32Type.get(), ir.FloatAttr.get_f32(float(value))).result


def _clamped_level(x: ir.Value, scale: float, zero_point: int, qmin: int, qmax: int) -> ir.Value:
    """clamp(round_half_even(x / scale) + zero_point, qmin, qmax), in f32."""
    level = arith.addf(math.roundeven(arith.divf(x, _f32(scale))), _f32(zero_point))
    return arith.minimumf(arith.maximumf(level, _f32(qmin)), _f32(qmax))


def _dequantized(level: ir.Value, scale: float, zero_point: int) -> ir.Value:
    return arith.mulf(arith.subf(level, _f32(zero_point)), _f32(scale))


def _elementwise(x: ir.Value, element: ir.Type, body) -> ir.Value:
    """A parallel ``linalg.generic`` mapping each element of ``x`` by ``body`` to ``element``."""
    shape = ir.RankedTensorType(x.type).shape
    result = ir.RankedTensorType.get(shape, element)
    identity = ir.AffineMapAttr.get(ir.AffineMap.get_identity(len(shape)))
    parallel = ir.Attribute.parse("#linalg.iterator_type<parallel>")
    op = linalg.GenericOp([result], [x], [tensor.EmptyOp(shape, element).result],
                          ir.ArrayAttr.get([identity, identity]),
                          ir.ArrayAttr.get([parallel] * len(shape)))
    block = op.regions[0].blocks.append(ir.RankedTensorType(x.type).element_type, element)
    with ir.InsertionPoint(block):
        linalg.YieldOp([body(block.arguments[0])])
    return op.result


def _lower(op, unsigned: bool) -> ir.Value:
    """The linalg value replacing ``op``'s result (insertion point: before ``op``)."""
    f32, i8 = ir.F32Type.get(), ir.IntegerType.get_signless(8)
    if isinstance(op, QuantizeOp):
        qmin, qmax = storage_range(op.out.type)
        to_int = arith.fptoui if unsigned else arith.fptosi
        return _elementwise(op.x, i8, lambda x: to_int(
            i8, _clamped_level(x, op.scale, op.zero_point, qmin, qmax)))
    if isinstance(op, DequantizeOp):
        to_float = arith.uitofp if unsigned else arith.sitofp
        return _elementwise(op.q, f32, lambda q: _dequantized(
            to_float(f32, q), op.scale, op.zero_point))
    return _elementwise(op.x, f32, lambda x: _dequantized(
        _clamped_level(x, op.scale, op.zero_point, op.qmin, op.qmax), op.scale, op.zero_point))


def _is_unsigned(value: ir.Value) -> bool:
    element = ir.RankedTensorType(value.type).element_type.maybe_downcast()
    return isinstance(element, ir.IntegerType) and element.is_unsigned


def _check(op) -> bool:
    """Raise PassError unless ``op`` can be lowered; True when its storage is ui8."""
    for value in (*op.operation.operands, *op.operation.results):
        if not ir.RankedTensorType(value.type).has_static_shape:
            raise PassError(f"dynamic shapes are not supported (got {value.type})", op)
    if isinstance(op, QuantizeOp) and _is_unsigned(op.out):
        if not all(isinstance(use.owner, DequantizeOp) for use in op.out.uses):
            raise PassError(_UI8_RULE, op)
        return True
    if isinstance(op, DequantizeOp) and _is_unsigned(op.q):
        if not isinstance(op.q.owner, QuantizeOp):
            raise PassError(_UI8_RULE, op)
        return True
    return False


_UI8_RULE = ("a ui8 tensor must go from qnt.quantize straight to qnt.dequantize (arith has "
             "no unsigned integer types)")


@register_pass
class ConvertQntToLinalg(Pass):
    """Lower every qnt op to an elementwise linalg.generic with arith/math (round half to even,
    clamp, scale); quantized tensors become signless i8.

    Preconditions: static shapes; a ui8 tensor only passes from qnt.quantize to
    qnt.dequantize. Afterwards no qnt op is left.
    """

    NAME = "aic-convert-qnt-to-linalg"

    def run(self, op):
        plan = [(q, _check(q)) for q in ops_in(op) if isinstance(q, _QNT_OPS)]
        for qnt_op, unsigned in plan:
            with ir.InsertionPoint(qnt_op), qnt_op.location:
                new = _lower(qnt_op, unsigned)
            qnt_op.out.replace_all_uses_with(new)
        for qnt_op, _ in reversed(plan):
            qnt_op.operation.erase()
