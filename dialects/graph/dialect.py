"""The ``graph`` dialect object (ops are declared in the ``ops_*`` modules)."""

from aic.dsl import Dialect

graph = Dialect(
    "graph",
    "Model-level tensor ops with ONNX semantics normalised.",
    """
    `graph` is the level the ONNX frontend targets: one op per model-level computation, on
    ranked tensors, with every attribute explicit (no defaults to remember, no attributes that
    became inputs). Broadcasting is numpy's (multidirectional) wherever an op says
    "broadcasting". Unknown dimensions are `?` until shape inference (`aic-graph-infer-shapes`)
    fills them in. Constants are `graph.constant` ops; large ones hold `dense_resource` blobs.
    """,
)
