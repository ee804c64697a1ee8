"""Narrow matmuls computed transposed (``linalg_to_tiled_lib.narrow``): a late 1x1
convolution -- many filters, a 7x7 map -- runs as ``C^T = X^T @ W^T`` with the filters as
the micro-kernel's columns. Checked end to end against onnxruntime: with a bias + ReLU6
epilogue (read back through a transposed map), with a residual add, with no epilogue (a
transposing copy back), and in the tiled IR, that the product has the filters as columns.
"""

import re

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.runner import onnxruntime_session

RNG = np.random.default_rng(5)


def _model(c: int, f: int, side: int, epilogue: str):
    w = (RNG.standard_normal((f, c, 1, 1)) / np.sqrt(c)).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w"),
             numpy_helper.from_array(RNG.standard_normal(f).astype(np.float32), "b"),
             numpy_helper.from_array(np.float32(0), "lo"),
             numpy_helper.from_array(np.float32(6), "hi")]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, side, side])]
    if epilogue == "none":
        nodes = [helper.make_node("Conv", ["x", "w"], ["y"])]
        inits = inits[:1]
    elif epilogue == "relu6":
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["z"]),
                 helper.make_node("Clip", ["z", "lo", "hi"], ["y"])]
    else:  # residual
        inputs.append(helper.make_tensor_value_info("r", TensorProto.FLOAT, [1, f, side, side]))
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["z"]),
                 helper.make_node("Add", ["z", "r"], ["s"]), helper.make_node("Relu", ["s"], ["y"])]
        inits = inits[:2]
    graph = helper.make_graph(
        nodes, "narrow", inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, f, side, side])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


@pytest.mark.parametrize("epilogue", ["relu6", "residual", "none"])
@pytest.mark.parametrize("c,f,side", [(320, 1280, 7), (64, 256, 5)])
def test_narrow_conv_matches_onnxruntime(c, f, side, epilogue):
    model = _model(c, f, side, epilogue)
    compiled = aic.compile(model, cache=False)
    feed = {t.name: RNG.standard_normal(t.shape).astype(np.float32) for t in compiled.inputs}
    got = compiled(**feed)
    got = np.asarray(got[0] if isinstance(got, (list, tuple)) else got)
    session = onnxruntime_session(model.SerializeToString())
    (want,) = session.run(None, feed)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_the_filters_are_the_columns(tmp_path):
    aic.compile(_model(320, 1280, 7, "relu6"), cache=False, dump_dir=str(tmp_path))
    tiled = next(p for p in tmp_path.iterdir() if p.name.endswith("-tiled.mlir")).read_text()
    spaces = re.findall(r'kind = "(\w+)"[^}]*space = array<i64: ([\d, ]+)>', tiled)
    assert ("matmul", "49, 1280, 320") in spaces
