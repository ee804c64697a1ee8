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

def inputs_behind(graph, names: list[str], runtime: list[str]) -> list[str]:
    """The graph inputs of ``runtime`` that the values ``names`` are computed from, in order."""
    producer = {o: n for n in graph.node for o in n.output if o}
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        node = producer.get(name)
        if node is not None:
            todo.extend(i for i in node.input if i)
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

