"""Data-dependent indices: clamped reads and the status result that flags bad ones.

Every lowering that reads memory at a position computed from input data (gather,
gather_elements) turns an index into a position with ``clamped_index``: negative indices wrap
once (``i + size``, ONNX), then the position is clamped to ``[0, size)`` -- so no read is ever
out of bounds, and the selects vectorize like any elementwise code.

Clamping alone would hide a bad input. So, unless the indices are a constant (checked here,
at compile time), ``check_indices`` also computes the smallest and largest index with one
reduction over the indices (one pass over a tensor that is small next to the gathered table)
and records the check. After the lowering, ``attach_status`` gives each function with checks
one more result, its **status**: ``tensor<2Kxi64>``, ``[min_0, max_0, min_1, max_1, ...]``
for its ``K`` checks in program order, and describes the checks in the module attribute::

    aic.index_checks = {main = [{node = "Gather_3", size = 30522 : i64}, ...]}

A call is valid when every ``-size <= min`` and ``max < size``; the runtime (JIT, the
library's C entry) reads the status after each call and turns a bad pair into an error
naming the node and the index (``aic.runtime.index_status``). An empty index tensor gives
``min = INT64_MAX, max = INT64_MIN``: valid.

May import: the MLIR shim, aic.errors, aic.diagnostics and ``common``.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

import numpy as np

from aic.diagnostics import location_names
from aic.errors import PassError
from aic.mlir_api import arith, func, ir, tensor
from aic.passes.conversions.graph_to_linalg_lib import dims
from aic.passes.conversions.graph_to_linalg_lib.common import (
    REDUCTION, affine_map, const, const_index, elem_of, filled, generic, int_width,
    is_unsigned_int, reshape, shape_of)

STATUS_ATTR = "aic.index_checks"
"""Module attribute: function name -> the checks of its status result, in slot order."""
STATUS_NAME = "aic.status"
"""The ``aic.name`` of the status result (its ``res_attrs`` entry)."""

_SLT, _SGE = 2, 5
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


@dataclass
class Check:
    node: str  # the ONNX node (from the op's location), or the op name
    size: int  # valid indices: [-size, size)
    low: ir.Value  # tensor<i64>: the smallest index
    high: ir.Value  # tensor<i64>: the largest index
    func: ir.Operation  # the function it lies in


CHECKS: contextvars.ContextVar[list[Check] | None] = contextvars.ContextVar(
    "aic_index_checks", default=None)
"""Where ``check_indices`` records checks while ``aic-convert-graph-to-linalg`` runs (None:
checks are off, e.g. ``check-indices=false``)."""


def _i64() -> ir.Type:
    return ir.IntegerType.get_signless(64)


def _cmp(pred: int, a: ir.Value, b: ir.Value) -> ir.Value:
    return arith.cmpi(ir.IntegerAttr.get(_i64(), pred), a, b)


def clamped_index(v: ir.Value, size: int) -> ir.Value:
    """The ``index`` position of integer element ``v`` along a dim of ``size``: negative values
    wrap once, then the result is clamped to ``[0, size - 1]`` (never out of bounds)."""
    i = arith.index_cast(ir.IndexType.get(), v)
    i = arith.select(_cmp(_SLT, i, const_index(0)), arith.addi(i, const_index(size)), i)
    return arith.minsi(arith.maxsi(i, const_index(0)), const_index(size - 1))


def _constant_indices(idx: ir.Value) -> np.ndarray | None:
    owner = idx.owner
    if not isinstance(owner, ir.Operation) and hasattr(owner, "operation"):
        owner = owner.operation
    if getattr(owner, "name", "") != "arith.constant":
        return None
    attr = owner.attributes["value"]
    if not isinstance(attr, ir.DenseIntElementsAttr):
        return None
    return np.array(attr)


def _node_name(op: ir.OpView) -> str:
    names = location_names(op.location)
    return names[0] if names else op.operation.name


def check_indices(op: ir.OpView, idx: ir.Value, size: int) -> None:
    """Record a run-time check of ``idx`` against ``[-size, size)`` for lowering ``op`` (built
    at the current insertion point); constant indices are checked now."""
    known = _constant_indices(idx)
    if known is not None:
        bad = known[(known < -size) | (known >= size)]
        if bad.size:
            raise PassError(f"index {int(bad.flat[0])} is out of range [-{size}, {size})", op)
        return
    checks = CHECKS.get()
    if checks is None:
        return
    low, high = _bounds(idx)
    checks.append(Check(_node_name(op), size, low, high, _enclosing_func(op)))


def _bounds(idx: ir.Value) -> tuple[ir.Value, ir.Value]:
    """(min, max) of integer tensor ``idx`` as two ``tensor<i64>``: one reduction generic."""
    flat = reshape(idx, [dims.prod(shape_of(idx))])
    elem = elem_of(idx)
    i64 = _i64()
    inits = [filled([], i64, const(i64, _I64_MAX)), filled([], i64, const(i64, _I64_MIN))]
    maps = [affine_map(1, [0]), affine_map(1, []), affine_map(1, [])]

    def body(v, lo, hi):
        if int_width(elem) < 64:
            v = (arith.extui if is_unsigned_int(elem) else arith.extsi)(i64, v)
        return [arith.minsi(lo, v), arith.maxsi(hi, v)]
    low, high = generic([flat], inits, maps, [REDUCTION], body)
    return low, high


def _enclosing_func(op: ir.OpView) -> ir.Operation:
    parent = op.operation.parent
    while parent is not None and parent.name != "func.func":
        parent = parent.parent
    if parent is None:
        raise PassError("an index check outside a func.func", op)
    return parent


def attach_status(module: ir.Operation, checks: list[Check]) -> None:
    """Append each function's status result (see the module docstring) and record its checks
    in the module's ``aic.index_checks``."""
    by_func: dict[str, list[Check]] = {}
    for check in checks:
        name = ir.StringAttr(check.func.attributes["sym_name"]).value
        by_func.setdefault(name, []).append(check)
    if not by_func:
        return
    record = {}
    with module.context, module.location:
        for name, group in by_func.items():
            _append_result(group[0].func, group)
            record[name] = ir.ArrayAttr.get([ir.DictAttr.get({
                "node": ir.StringAttr.get(c.node),
                "size": ir.IntegerAttr.get(_i64(), c.size)}) for c in group])
        module.attributes[STATUS_ATTR] = ir.DictAttr.get(record)


def _append_result(fn: ir.Operation, checks: list[Check]) -> None:
    blocks = fn.regions[0].blocks
    if len(blocks) != 1:
        raise PassError("index checks need a single-block function", fn)
    ret = list(blocks[0].operations)[-1]
    status_type = ir.RankedTensorType.get([2 * len(checks)], _i64())
    with ir.InsertionPoint(ret), ret.location:
        scalars = [tensor.extract(v, []) for c in checks for v in (c.low, c.high)]
        status = tensor.from_elements(status_type, scalars)
        func.ReturnOp(list(ret.operands) + [status])
    ret.erase()
    ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
    fn.attributes["function_type"] = ir.TypeAttr.get(
        ir.FunctionType.get(list(ftype.inputs), list(ftype.results) + [status_type]))
    res = (list(ir.ArrayAttr(fn.attributes["res_attrs"])) if "res_attrs" in fn.attributes
           else [ir.DictAttr.get({}) for _ in ftype.results])
    res.append(ir.DictAttr.get({"aic.name": ir.StringAttr.get(STATUS_NAME)}))
    fn.attributes["res_attrs"] = ir.ArrayAttr.get(res)
