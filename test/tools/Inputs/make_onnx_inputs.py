"""Write the ONNX files the aic-compile/aic-run tool tests use into the folder argv[1]."""

import sys
from pathlib import Path

import numpy as np
import onnx
import onnx.external_data_helper
import onnx.numpy_helper
from onnx import TensorProto, helper

from aic.testing import models

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
onnx.save(models.mlp(), str(out / "mlp.onnx"))
onnx.save(models.symbolic_encoder(), str(out / "symbolic.onnx"))

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2, 2])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2, 2])
coin = helper.make_graph([helper.make_node("Bernoulli", ["x"], ["h"], name="my_bernoulli"),
                          helper.make_node("Relu", ["h"], ["y"], name="relu")], "g", [x], [y])
onnx.save(helper.make_model(coin, opset_imports=[helper.make_opsetid("", 15)]),
          str(out / "unsupported.onnx"))

full = (out / "mlp.onnx").read_bytes()
(out / "truncated.onnx").write_bytes(full[: len(full) // 3])
(out / "text.onnx").write_text("this is not an ONNX model\n")

# A weight stored as external data outside the model's folder (onnx refuses to read it), and
# a graph input of element type 0 (UNDEFINED).
x4 = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])
y4 = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 4])
w = onnx.numpy_helper.from_array(np.ones((4, 4), np.float32), "w")
matmul = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "g", [x4], [y4], [w])
escape = helper.make_model(matmul, opset_imports=[helper.make_opsetid("", 17)])
(out / "sub").mkdir(exist_ok=True)
(out / "outside.bin").write_bytes(w.raw_data)
onnx.external_data_helper.set_external_data(escape.graph.initializer[0], "../outside.bin")
escape.graph.initializer[0].ClearField("raw_data")
onnx.save(escape, str(out / "sub" / "escape.onnx"))

# A constant Pad: its output buffer is filled with the pad value, then the input copied in.
x64 = helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 64])
y80 = helper.make_tensor_value_info("y", TensorProto.FLOAT, [80, 80])
pads = onnx.numpy_helper.from_array(np.array([8, 8, 8, 8], np.int64), "pads")
pad = helper.make_graph([helper.make_node("Pad", ["x", "pads"], ["y"], name="pad")], "g",
                        [x64], [y80], [pads])
onnx.save(helper.make_model(pad, opset_imports=[helper.make_opsetid("", 17)]),
          str(out / "pad.onnx"))

x0 = helper.make_tensor_value_info("x", TensorProto.UNDEFINED, [4])
relu = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x0],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])])
onnx.save(helper.make_model(relu, opset_imports=[helper.make_opsetid("", 17)]),
          str(out / "undefined_dtype.onnx"))
