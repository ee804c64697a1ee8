"""Which graph inputs decide a value the importer needs at compile time.

Some inputs decide shapes: a Reshape's shape, Slice starts, Reduce axes, TopK's k, Resize
sizes... The importer needs their values -- a handler asks through ``NodeView.need_const``,
or ONNX shape inference leaves an output shape unknown without them. When such a value is
not known at import time, the importer raises ``ValueNeededError`` naming the graph inputs
behind it (the runtime inputs it is computed from), so ``aic.compile`` can specialise on their
values and the tools can ask for ``--input-value``. May import: onnx, numpy, ``aic.errors``.
"""

from __future__ import annotations

from aic.errors import ModelFormatError, UnsupportedError, ValueNeededError


def _producers(graph, into: dict) -> dict:
    """Value name -> the names it is computed from, over ``graph`` and every subgraph: a
    node's inputs, and for a control-flow node (If, Loop, Scan) also its bodies' outputs, so a
    value computed inside a branch from an enclosing scope's value is traced through it."""
    for node in graph.node:
        deps = [i for i in node.input if i]
        for a in node.attribute:
            for body in [a.g] if a.HasField("g") else list(a.graphs):
                _producers(body, into)
                deps += [o.name for o in body.output]
        for o in node.output:
            if o:
                into[o] = deps
    return into

def inputs_behind(graph, names: list[str], runtime: list[str]) -> list[str]:
    """The graph inputs of ``runtime`` that the values ``names`` are computed from, in order
    (through control-flow bodies: ``names`` may be values of a body)."""
    producer = _producers(graph, {})
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(producer.get(name, ()))
    return [r for r in runtime if r in seen]

def hint(inputs: list[str]) -> str:
    listed = ", ".join(f"'{n}'" for n in inputs)
    first = inputs[0]
    return (f"; it depends on the value of graph input(s) {listed}: give it ahead of time "
            f"(--input-value {first}=FILE.npy or {first}=[v0,v1,...]; constants=) -- "
            "aic.compile specialises on it at the first call by itself")

def value_needed(imp, node, positions: list[int], message: str,
                 unknown_shape: bool = False) -> UnsupportedError:
    """The error for ``node`` needing the values of its inputs at ``positions``."""
    runtime = [v.name for v in imp.runtime_inputs]
    inputs = inputs_behind(imp.graph, [node.input_name(i) for i in positions], runtime)
    if inputs:
        return ValueNeededError(message + hint(inputs), tuple(inputs))
    if unknown_shape:
        return ModelFormatError(message + "; check input_shapes")
    return UnsupportedError(message)

def shape_deciding(node) -> list[int]:
    """Where ONNX shape inference cannot type ``node``'s output: the inputs whose values it
    lacked -- the runtime inputs after the first (data comes first: Reshape, Expand, Tile,
    Slice, Pad, Resize, TopK...), else a runtime first input of rank <= 1 (Range,
    ConstantOfShape, a 1-D NonZero)."""
    runtime = [i for i in range(node.n_inputs) if node.has(i) and node.const(i) is None]
    later = [i for i in runtime if i > 0]
    if later:
        return later
    return [i for i in runtime if len(node.shape(i)) <= 1]

