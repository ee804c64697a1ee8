"""Writes ``<dir>/reshape_tile.onnx``: y = Tile(Reshape(x, s), t) with the shape ``s`` and the
repeats ``t`` graph inputs (values that decide shapes), and ``<dir>/s.npy`` = [4, 3]."""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
nodes = [helper.make_node("Reshape", ["x", "s"], ["r"], name="reshape"),
         helper.make_node("Tile", ["r", "t"], ["y"], name="tile")]
graph = helper.make_graph(
    nodes, "reshape_tile",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 6]),
     helper.make_tensor_value_info("s", TensorProto.INT64, [2]),
     helper.make_tensor_value_info("t", TensorProto.INT64, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, None])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]),
          os.path.join(out, "reshape_tile.onnx"))
np.save(os.path.join(out, "s.npy"), np.array([4, 3], np.int64))
