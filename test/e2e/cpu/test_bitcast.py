"""BitCast (opset 26; onnxruntime 1.32 has no kernel) -> ``graph.bitcast``: the compiled code
and the graph-level evaluator against numpy's ``view`` of the same bits."""

import numpy as np
import pytest
from onnx import helper
from onnx.helper import np_dtype_to_tensor_dtype

import aic
from aic.context import make_context
from aic.dialects.graph.eval import evaluate
from aic.mlir_api import ir

CASES = [(np.float32, np.int32), (np.int64, np.float64), (np.uint16, np.int16),
         (np.float16, np.uint16), (np.int8, np.uint8), (np.bool_, np.uint8)]


def _values(dtype, shape=(2, 5)):
    rng = np.random.default_rng(5)
    if dtype == np.bool_:
        return rng.random(shape) > 0.5
    if np.issubdtype(dtype, np.floating):
        x = (rng.standard_normal(shape) * 100).astype(dtype)
        x.flat[:3] = [np.inf, -0.0, np.nan]
        return x
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def _model(src, dst, shape):
    to = np_dtype_to_tensor_dtype(np.dtype(dst))
    graph = helper.make_graph(
        [helper.make_node("BitCast", ["x"], ["y"], to=to)], "bitcast",
        [helper.make_tensor_value_info("x", np_dtype_to_tensor_dtype(np.dtype(src)), shape)],
        [helper.make_tensor_value_info("y", to, shape)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 26)], ir_version=12)


@pytest.mark.parametrize("src,dst", CASES)
def test_bitcast_keeps_the_bits(src, dst):
    x = _values(src)
    (got,) = aic.compile(_model(src, dst, list(x.shape)), cache=False)(x)
    want = x.view(np.uint8).view(dst) if src == np.bool_ else x.view(dst)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_bitcast_of_different_widths_is_refused():
    with pytest.raises(aic.UnsupportedError, match="different widths"):
        aic.compile(_model(np.float32, np.int64, [3]), cache=False)


def test_evaluator_views_the_bits():
    with make_context(), ir.Location.unknown():
        module = ir.Module.parse('func.func @f(%x: tensor<3xf32>) -> tensor<3xi32> {\n'
                                 '  %r = "graph.bitcast"(%x) : (tensor<3xf32>) -> tensor<3xi32>\n'
                                 '  return %r : tensor<3xi32>\n}')
        op = module.body.operations[0].regions[0].blocks[0].operations[0]
        x = np.array([1.0, -2.5, np.inf], np.float32)
        (got,) = evaluate(op, [x])
    np.testing.assert_array_equal(got, x.view(np.int32))
