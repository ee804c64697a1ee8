"""Write the ONNX files the aic-compile/aic-run tool tests use into the folder argv[1]."""

import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

from aic.testing import models

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
onnx.save(models.mlp(), str(out / "mlp.onnx"))
onnx.save(models.symbolic_encoder(), str(out / "symbolic.onnx"))

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2, 2])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
det = helper.make_graph([helper.make_node("Det", ["x"], ["h"], name="my_det"),
                         helper.make_node("Relu", ["h"], ["y"], name="relu")], "g", [x], [y])
onnx.save(helper.make_model(det, opset_imports=[helper.make_opsetid("", 13)]),
          str(out / "unsupported.onnx"))

full = (out / "mlp.onnx").read_bytes()
(out / "truncated.onnx").write_bytes(full[: len(full) // 3])
(out / "text.onnx").write_text("this is not an ONNX model\n")
