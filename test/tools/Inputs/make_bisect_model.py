"""Write aic-bisect's test model into the folder argv[1]: ``sub.onnx`` (MatMul, Sub of a bias,
Relu, Add; node ``sub_1`` computes ``d = h - b``) and ``inputs.npz`` (its input ``x``)."""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(0)
weights = [numpy_helper.from_array(rng.standard_normal((16, 8)).astype(np.float32), "w"),
           numpy_helper.from_array(rng.standard_normal(8).astype(np.float32), "b")]
nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="matmul_0"),
         helper.make_node("Sub", ["h", "b"], ["d"], name="sub_1"),
         helper.make_node("Relu", ["d"], ["r"], name="relu_2"),
         helper.make_node("Add", ["r", "b"], ["y"], name="add_3")]
graph = helper.make_graph(nodes, "sub", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])], weights)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(out / "sub.onnx"))
np.savez(out / "inputs.npz", x=rng.standard_normal((4, 16)).astype(np.float32))
