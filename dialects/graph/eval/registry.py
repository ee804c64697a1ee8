"""The handler registry of the graph evaluator: ``handles``, ``evaluate``, ``supported``.

Family modules (``elementwise``, ``nn``, ``shape``) register one handler per op class with
``@handles(...)``; ``aic.dialects.graph.eval`` imports them all.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from aic.dialects.graph.constants import numpy_dtype
from aic.dsl.constraints import static_shape
from aic.mlir_api import ir

_HANDLERS: dict[type, Callable] = {}


class Unevaluable(Exception):
    """Raised inside a handler when the inputs make the op undefined."""


def handles(*classes):
    def deco(fn):
        for cls in classes:
            _HANDLERS[cls] = fn
        return fn
    return deco


def supported(op) -> bool:
    """Whether ``evaluate`` knows ``op``'s kind (it may still return None for given inputs)."""
    return type(op) in _HANDLERS


def evaluate(op, inputs: list[np.ndarray]) -> list[np.ndarray] | None:
    """The results of ``op`` on ``inputs``, or None when it cannot be evaluated."""
    handler = _HANDLERS.get(type(op))
    if handler is None:
        return None
    results = list(op.operation.results)
    shapes = [static_shape(r.type) for r in results]
    dtypes = [numpy_dtype(ir.ShapedType(r.type).element_type) for r in results]
    if any(s is None for s in shapes) or any(d is None for d in dtypes):
        return None
    try:
        with np.errstate(all="ignore"):
            outs = handler(op, [np.asarray(x) for x in inputs], shapes)
    except Unevaluable:
        return None
    if outs is None or len(outs) != len(results):
        return None
    fixed = []
    for out, shape, dtype in zip(outs, shapes, dtypes):
        out = np.asarray(out)
        if list(out.shape) != shape:
            return None
        fixed.append(np.require(out.astype(dtype, copy=False), requirements="C"))  # keeps 0-d
    return fixed
