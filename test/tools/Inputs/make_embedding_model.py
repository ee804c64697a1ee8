"""Write embed.onnx (a Gather of ids[2, 4] from a 100x16 table, node 'embed') and the id
files good.npy, big.npy (1e9) and negative.npy (-1e6) into the folder argv[1]."""

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
table = np.arange(100 * 16, dtype=np.float32).reshape(100, 16)
graph = helper.make_graph(
    [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0, name="embed")], "g",
    [helper.make_tensor_value_info("ids", TensorProto.INT64, [2, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4, 16])],
    initializer=[numpy_helper.from_array(table, "table")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9),
          str(out / "embed.onnx"))
ids = np.array([[0, 1, -1, 99], [5, -100, 7, 8]], np.int64)
np.save(out / "good.npy", ids)
for name, bad in (("big", 10**9), ("negative", -10**6)):
    wrong = ids.copy()
    wrong[1, 2] = bad
    np.save(out / f"{name}.npy", wrong)
