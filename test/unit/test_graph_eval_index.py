"""The evaluator's gather_nd / scatter_nd / scatter_elements / bitwise against the ONNX
reference evaluator (duplicates, negative indices, batch dims, signed shifts out of range)."""

import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator

from aic.context import make_context
from aic.dialects.graph.eval import evaluate
from aic.mlir_api import ir

RNG = np.random.default_rng(1)


def _eval(op_text, args, inputs):
    names = "abcdefgh"
    sig = ", ".join(f"%{names[i]}: {t}" for i, t in enumerate(args))
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(f"func.func @f({sig}) {{\n  {op_text}\n  return\n}}")
        op = module.body.operations[0].regions[0].blocks[0].operations[0]
        out = evaluate(op, inputs)
        return None if out is None else out[0]


def _reference(op_type, inputs, **attrs):
    names = [f"i{k}" for k in range(len(inputs))]
    graph = helper.make_graph([helper.make_node(op_type, names, ["o"], **attrs)], "g", [
        helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(x.dtype), x.shape)
        for n, x in zip(names, inputs)], [helper.make_tensor_value_info("o", 0, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    return ReferenceEvaluator(model).run(None, dict(zip(names, inputs)))[0]


def test_gather_nd_batch_dims():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    i = np.array([[[2], [-1]], [[0], [1]]], np.int64)
    got = _eval('%r = "graph.gather_nd"(%a, %b) {batch_dims = 1 : i64} : '
                '(tensor<2x3x4xf32>, tensor<2x2x1xi64>) -> tensor<2x2x4xf32>',
                ["tensor<2x3x4xf32>", "tensor<2x2x1xi64>"], [x, i])
    np.testing.assert_array_equal(got, _reference("GatherND", [x, i], batch_dims=1))


@pytest.mark.parametrize("reduction", ["none", "add", "mul", "max", "min"])
def test_scatter_nd_duplicates(reduction):
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    i = np.array([[1], [-1], [1]], np.int64)
    u = RNG.standard_normal((3, 3)).astype(np.float32)
    got = _eval(f'%r = "graph.scatter_nd"(%a, %b, %c) {{reduction = "{reduction}"}} : '
                '(tensor<4x3xf32>, tensor<3x1xi64>, tensor<3x3xf32>) -> tensor<4x3xf32>',
                ["tensor<4x3xf32>", "tensor<3x1xi64>", "tensor<3x3xf32>"], [x, i, u])
    np.testing.assert_array_equal(got, _reference("ScatterND", [x, i, u], reduction=reduction))


@pytest.mark.parametrize("reduction", ["none", "add", "max"])
def test_scatter_elements(reduction):
    x = RNG.standard_normal((3, 5)).astype(np.float32)
    i = np.array([[4, -5], [2, 2]], np.int64)
    u = RNG.standard_normal((2, 2)).astype(np.float32)
    got = _eval(f'%r = "graph.scatter_elements"(%a, %b, %c) {{axis = 1 : i64, reduction = '
                f'"{reduction}"}} : (tensor<3x5xf32>, tensor<2x2xi64>, tensor<2x2xf32>) -> '
                'tensor<3x5xf32>', ["tensor<3x5xf32>", "tensor<2x2xi64>", "tensor<2x2xf32>"],
                [x, i, u])
    want = _reference("ScatterElements", [x, i, u], axis=1, reduction=reduction)
    np.testing.assert_array_equal(got, want)


def test_scatter_nd_out_of_range_is_unevaluable():
    assert _eval('%r = "graph.scatter_nd"(%a, %b, %c) {reduction = "none"} : '
                 '(tensor<4xf32>, tensor<1x1xi64>, tensor<1xf32>) -> tensor<4xf32>',
                 ["tensor<4xf32>", "tensor<1x1xi64>", "tensor<1xf32>"],
                 [np.zeros(4, np.float32), np.array([[4]], np.int64),
                  np.ones(1, np.float32)]) is None


@pytest.mark.parametrize("dtype,mlir", [(np.int8, "i8"), (np.uint8, "ui8"), (np.int32, "i32")])
@pytest.mark.parametrize("direction", ["LEFT", "RIGHT"])
def test_shifts_match_onnx_including_out_of_range(dtype, mlir, direction):
    a = np.array([-7, 5, 100, -128, 3, 1], np.int64).astype(dtype)
    b = np.array([1, 0, 3, 9, -1, 40], np.int64).astype(dtype)
    kind = "shl" if direction == "LEFT" else "shr"
    t = f"tensor<6x{mlir}>"
    got = _eval(f'%r = "graph.bitwise"(%a, %b) {{kind = "{kind}"}} : ({t}, {t}) -> {t}',
                [t, t], [a, b])
    np.testing.assert_array_equal(got, _reference("BitShift", [a, b], direction=direction))
