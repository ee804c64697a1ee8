"""The graph level of ``aic-bisect``: run ``@main`` op by op with the graph dialect's numpy
semantics (``aic.dialects.graph.eval``).

Block arguments take the inputs; ``graph.constant`` ops their data; every other op is
evaluated when all its operands have values. An op that cannot be evaluated (a kind the
evaluator does not know -- pooling, fused groups, a plugin's op --, a dynamic type, undefined
inputs) leaves its results without value; where such a result is returned as a probe, the
probe is reported "not evaluable" and onnxruntime's value stands in for it, so the ops after
it are still checked. Values derived from an unevaluated value without standing in are not
evaluable either.

May import numpy, the MLIR shim, the graph dialect and the compiler's module helpers.
"""

from __future__ import annotations

import numpy as np

from aic.compiler.driver import find_func, interface
from aic.dialects.graph import ConstantOp
from aic.dialects.graph.constants import constant_value
from aic.dialects.graph.eval import evaluate, supported
from aic.mlir_api import ir


def evaluate_main(module: ir.Module, feed: dict[str, np.ndarray],
                  stand_in: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """``@main``'s results by output name, and ``{output: why}`` for the outputs that could not
    be evaluated (their values in the first dict are ``stand_in``'s)."""
    inputs, outputs = interface(module)
    with module.context:
        block = find_func(module, "main").regions[0].blocks[0]
        env: dict[ir.Value, np.ndarray | None] = {
            arg: feed[info.name] for arg, info in zip(block.arguments, inputs)}
        why: dict[ir.Value, str] = {}
        returned = _returned_names(block, [o.name for o in outputs])
        for op in block.operations:
            if op.operation.name == "func.return":
                return _results(op, outputs, env, why, stand_in)
            _step(op, env, why, returned, stand_in)
    raise ValueError("@main has no func.return")


def _returned_names(block: ir.Block, names: list[str]) -> dict[ir.Value, str]:
    """The first output name each returned value is returned under."""
    terminator = list(block.operations)[-1]
    found: dict[ir.Value, str] = {}
    for value, name in zip(terminator.operation.operands, names):
        found.setdefault(value, name)
    return found


def _step(op, env, why, returned, stand_in) -> None:
    """Give ``op``'s results values (or reasons why not)."""
    results = list(op.operation.results)
    values = _evaluate(op, env, why)
    if values is None:
        reason = _reason(op, env, why)
        values = [None] * len(results)
        for i, result in enumerate(results):
            why[result] = reason
            if result in returned:
                values[i] = stand_in.get(returned[result])
    env.update(zip(results, values))


def _evaluate(op, env, why) -> list[np.ndarray] | None:
    if isinstance(op, ConstantOp):
        value = constant_value(op.result)
        return None if value is None else [value]
    operands = [env.get(v) for v in op.operation.operands]
    if any(v is None for v in operands):
        return None
    return evaluate(op, operands)


def _reason(op, env, why) -> str:
    name = op.operation.name
    if isinstance(op, ConstantOp):
        return f"{name}: its data has no numpy form"
    for value in op.operation.operands:
        if env.get(value) is None:
            return why.get(value, "an operand without value")
    if not supported(op):
        return f"{name} has no numpy semantics"
    return f"{name} cannot be evaluated here (dynamic type, or inputs it is undefined on)"


def _results(ret, outputs, env, why, stand_in):
    values, unevaluable = {}, {}
    for value, info in zip(ret.operation.operands, outputs):
        if value in why:
            unevaluable[info.name] = why[value]
            if info.name in stand_in:
                values[info.name] = stand_in[info.name]
        elif env.get(value) is not None:
            values[info.name] = env[value]
    return values, unevaluable
