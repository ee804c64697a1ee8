"""Helpers for the ONNX importer tests: tiny models built with onnx.helper."""

import numpy as np
from onnx import helper, numpy_helper


def make_model(nodes, inputs, outputs, initializers=(), opset=17, value_info=()):
    """``inputs``/``outputs``: (name, elem type, shape) triples; initializers: name -> array."""
    graph = helper.make_graph(
        nodes, "test",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=[numpy_helper.from_array(np.asarray(a), n)
                     for n, a in dict(initializers).items()],
        value_info=list(value_info))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
