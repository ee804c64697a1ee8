"""The tutorial's qnt lowering computes what ONNX QuantizeLinear/DequantizeLinear compute.

qnt IR at the graph level is compiled (plugin docs/tutorial/qnt_passes.py, lowering inserted
before the linalg stage) and run; the inputs hit ties (round half to even), and both ends of
the i8, ui8 and a custom fake_quant range. References: numpy and onnxruntime.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import aic

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial"

MODULE = """
func.func @main(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 3 : i64} : (tensor<4x8xf32>) -> tensor<4x8xi8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 3 : i64} : (tensor<4x8xi8>) -> tensor<4x8xf32>
  %uq = "qnt.quantize"(%x) {scale = 0.25 : f32, zero_point = 128 : i64} : (tensor<4x8xf32>) -> tensor<4x8xui8>
  %ud = "qnt.dequantize"(%uq) {scale = 0.25 : f32, zero_point = 128 : i64} : (tensor<4x8xui8>) -> tensor<4x8xf32>
  %f = "qnt.fake_quant"(%x) {scale = 0.5 : f32, zero_point = -2 : i64, qmin = -8 : i64, qmax = 7 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d, %ud, %f : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}
"""


def fake_quant(x, scale, zero_point, qmin, qmax):
    level = np.clip(np.rint(x / np.float32(scale)) + zero_point, qmin, qmax)
    return ((level - zero_point) * np.float32(scale)).astype(np.float32)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    path = tmp_path_factory.mktemp("qnt") / "qnt.mlir"
    path.write_text(MODULE)
    model = aic.compile(str(path), plugins=[str(TUTORIAL / "qnt_passes.py")],
                        passes={"before:linalg": ["aic-convert-qnt-to-linalg"]},
                        from_level="graph")
    x = (np.arange(32, dtype=np.float32).reshape(4, 8) - 16) * 2.25  # beyond every range
    x[0, :6] = [0.25, 0.75, -0.25, 1.25, 0.125, -0.375]  # ties at scale 0.5 and 0.25
    x[1, 0] = 200.0
    return x, model(x)


def test_quantize_dequantize_i8_and_ui8_and_fake_quant_match_numpy(outputs):
    x, (d, ud, f) = outputs
    np.testing.assert_array_equal(d, fake_quant(x, 0.5, 3, -128, 127))
    np.testing.assert_array_equal(ud, fake_quant(x, 0.25, 128, 0, 255))
    np.testing.assert_array_equal(f, fake_quant(x, 0.5, -2, -8, 7))
    assert len(np.unique(f)) > 4 and f.min() == -3.0 and f.max() == 4.5  # clamped both ends


def test_ui8_pair_matches_onnxruntime(outputs):
    ort = pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    x, (_, ud, _) = outputs
    inits = [numpy_helper.from_array(np.array(0.25, np.float32), "s"),
             numpy_helper.from_array(np.array(128, np.uint8), "z")]
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
             helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])]
    graph = helper.make_graph(
        nodes, "qdq", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    np.testing.assert_array_equal(ud, session.run(None, {"x": x})[0])
