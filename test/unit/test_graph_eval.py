"""graph_eval against numpy and the ONNX reference evaluator; fold passes checked numerically."""

import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator

import aic.passes  # noqa: F401  (registers the passes)
from aic.context import make_context
from aic.dialects.graph.eval import evaluate
from aic.mlir_api import ir
from aic.pass_base import PASSES
from aic.rewriting import constant_value, make_constant

RNG = np.random.default_rng(0)


def _parse(text):
    ctx = make_context()
    with ctx, ir.Location.unknown():
        return ctx, ir.Module.parse(text)


def _eval_op(op_text, args, inputs):
    """Evaluate the single graph op in ``op_text`` (operands %a, %b, ... typed by ``args``)."""
    names = "abcdefgh"
    sig = ", ".join(f"%{names[i]}: {t}" for i, t in enumerate(args))
    ctx, module = _parse(f"func.func @f({sig}) {{\n  {op_text}\n  return\n}}")
    with ctx:
        op = module.body.operations[0].regions[0].blocks[0].operations[0]
        return evaluate(op, inputs)


def _onnx(op_type, inputs, n_out=1, **attrs):
    names = [f"i{k}" for k in range(len(inputs))]
    outs = [f"o{k}" for k in range(n_out)]
    node = helper.make_node(op_type, names, outs, **attrs)
    graph = helper.make_graph([node], "g", [
        helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(x.dtype), x.shape)
        for n, x in zip(names, inputs)], [helper.make_tensor_value_info(o, 0, None) for o in outs])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    return ReferenceEvaluator(model).run(None, dict(zip(names, inputs)))


def _rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("name,fn", [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                                     ("div", np.divide), ("max", np.maximum), ("min", np.minimum)])
def test_binary_broadcasting(name, fn):
    a, b = _rand(2, 3), _rand(3)
    out = _eval_op(f'%r = "graph.{name}"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>',
                   ["tensor<2x3xf32>", "tensor<3xf32>"], [a, b])
    np.testing.assert_array_equal(out[0], fn(a, b))


def test_int_div_truncates_and_refuses_zero():
    op = '%r = "graph.div"(%a, %b) : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>'
    args = ["tensor<3xi32>"] * 2
    a = np.array([-7, 7, 7], np.int32)
    out = _eval_op(op, args, [a, np.array([3, 3, -3], np.int32)])
    np.testing.assert_array_equal(out[0], [-2, 2, -2])
    assert _eval_op(op, args, [a, np.array([3, 0, 1], np.int32)]) is None


@pytest.mark.parametrize("fn,alpha,beta,onnx_op,attrs", [
    ("leaky_relu", 0.1, 0.0, "LeakyRelu", {"alpha": 0.1}),
    ("elu", 0.7, 0.0, "Elu", {"alpha": 0.7}),
    ("selu", 1.67, 1.05, "Selu", {"alpha": 1.67, "gamma": 1.05}),
    ("celu", 0.5, 0.0, "Celu", {"alpha": 0.5}),
    ("hard_sigmoid", 0.2, 0.5, "HardSigmoid", {"alpha": 0.2, "beta": 0.5}),
    ("hard_swish", 0.0, 0.0, "HardSwish", {}),
    ("softplus", 0.0, 0.0, "Softplus", {}),
    ("softsign", 0.0, 0.0, "Softsign", {}),
    ("mish", 0.0, 0.0, "Mish", {}),
    ("thresholded_relu", 0.3, 0.0, "ThresholdedRelu", {"alpha": 0.3}),
    ("erf", 0.0, 0.0, "Erf", {}),
    ("round", 0.0, 0.0, "Round", {}),
    ("sigmoid", 0.0, 0.0, "Sigmoid", {}),
])
def test_unary_against_onnx(fn, alpha, beta, onnx_op, attrs):
    x = np.concatenate([_rand(30), np.array([-2.5, -0.5, 0.5, 1.5, 0.0], np.float32)])
    op = (f'%r = "graph.unary"(%a) {{fn = "{fn}", alpha = {alpha} : f32, beta = {beta} : f32}}'
          ' : (tensor<35xf32>) -> tensor<35xf32>')
    out = _eval_op(op, ["tensor<35xf32>"], [x])
    np.testing.assert_allclose(out[0], _onnx(onnx_op, [x], **attrs)[0], rtol=1e-5, atol=1e-6)


def test_cast_and_compare():
    x = np.array([-1.7, 0.0, 2.9], np.float32)
    out = _eval_op('%r = "graph.cast"(%a) : (tensor<3xf32>) -> tensor<3xi32>', ["tensor<3xf32>"], [x])
    np.testing.assert_array_equal(out[0], [-1, 0, 2])
    out = _eval_op('%r = "graph.cast"(%a) : (tensor<3xf32>) -> tensor<3xi1>', ["tensor<3xf32>"], [x])
    np.testing.assert_array_equal(out[0], [True, False, True])
    out = _eval_op('%r = "graph.compare"(%a, %b) {predicate = "le"} : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>',
                   ["tensor<3xf32>", "tensor<f32>"], [x, np.float32(0.0)])
    np.testing.assert_array_equal(out[0], [True, True, False])


def test_conv_against_onnx():
    x, w, b = _rand(1, 4, 7, 6), _rand(6, 2, 3, 2), _rand(6)
    op = ('%r = "graph.conv"(%a, %b, %c) {dilations = array<i64: 2, 1>, group = 2 : i64, '
          'pads = array<i64: 1, 0, 2, 1>, strides = array<i64: 1, 2>} : (tensor<1x4x7x6xf32>, '
          'tensor<6x2x3x2xf32>, tensor<6xf32>) -> tensor<1x6x6x3xf32>')
    out = _eval_op(op, ["tensor<1x4x7x6xf32>", "tensor<6x2x3x2xf32>", "tensor<6xf32>"], [x, w, b])
    ref = _onnx("Conv", [x, w, b], dilations=[2, 1], group=2, pads=[1, 0, 2, 1], strides=[1, 2])
    np.testing.assert_allclose(out[0], ref[0], rtol=1e-5, atol=1e-5)


def test_norms_and_softmax_against_onnx():
    x, s, b = _rand(2, 3, 4), _rand(4), _rand(4)
    op = ('%r = "graph.layer_norm"(%a, %b, %c) {axis = -1 : i64, epsilon = 1.0e-05 : f32} : '
          '(tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>')
    out = _eval_op(op, ["tensor<2x3x4xf32>", "tensor<4xf32>", "tensor<4xf32>"], [x, s, b])
    ref = _onnx("LayerNormalization", [x, s, b], axis=-1, epsilon=1e-5)
    np.testing.assert_allclose(out[0], ref[0], rtol=1e-4, atol=1e-5)
    op = '%r = "graph.softmax"(%a) {axis = 1 : i64, log = true} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>'
    out = _eval_op(op, ["tensor<2x3x4xf32>"], [x])
    np.testing.assert_allclose(out[0], _onnx("LogSoftmax", [x], axis=1)[0], rtol=1e-5, atol=1e-6)


def test_data_movement():
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    out = _eval_op('%r = "graph.slice"(%a) {starts = array<i64: 3, 1>, steps = array<i64: -2, 2>} '
                   ': (tensor<4x6xf32>) -> tensor<2x3xf32>', ["tensor<4x6xf32>"], [x])
    np.testing.assert_array_equal(out[0], x[3::-2, 1::2])
    idx = np.array([-1, 0], np.int64)
    out = _eval_op('%r = "graph.gather"(%a, %b) {axis = 1 : i64} : (tensor<4x6xf32>, tensor<2xi64>) '
                   '-> tensor<4x2xf32>', ["tensor<4x6xf32>", "tensor<2xi64>"], [x, idx])
    np.testing.assert_array_equal(out[0], x[:, [5, 0]])
    out = _eval_op('%r = "graph.pad"(%a) {mode = "reflect", pads = array<i64: 1, 2, 0, 1>, '
                   'value = 0.0 : f32} : (tensor<4x6xf32>) -> tensor<5x9xf32>', ["tensor<4x6xf32>"], [x])
    ref = _onnx("Pad", [x, np.array([1, 2, 0, 1], np.int64)], mode="reflect")
    np.testing.assert_array_equal(out[0], ref[0])
    assert _eval_op('%r = "graph.gather"(%a, %b) {axis = 0 : i64} : (tensor<4x6xf32>, tensor<2xi64>) '
                    '-> tensor<2x6xf32>', ["tensor<4x6xf32>", "tensor<2xi64>"],
                    [x, np.array([0, 4], np.int64)]) is None


def test_scans_and_arg_reduce():
    x = np.array([[1, 3, 3, 2], [4, 4, 0, 1]], np.float32)
    out = _eval_op('%r = "graph.cumsum"(%a) {axis = 1 : i64, exclusive = true, reverse = true} : '
                   '(tensor<2x4xf32>) -> tensor<2x4xf32>', ["tensor<2x4xf32>"], [x])
    ref = _onnx("CumSum", [x, np.array(1, np.int64)], exclusive=1, reverse=1)
    np.testing.assert_array_equal(out[0], ref[0])
    out = _eval_op('%r = "graph.arg_reduce"(%a) {axis = 1 : i64, keepdims = false, kind = "max", '
                   'select_last_index = true} : (tensor<2x4xf32>) -> tensor<2xi64>', ["tensor<2x4xf32>"], [x])
    np.testing.assert_array_equal(out[0], [2, 1])
    out = _eval_op('%v, %i = "graph.topk"(%a) {axis = -1 : i64, k = 2 : i64, largest = true} : '
                   '(tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x2xi64>)', ["tensor<2x4xf32>"], [x])
    np.testing.assert_array_equal(out[0], [[3, 3], [4, 4]])
    np.testing.assert_array_equal(out[1], [[1, 2], [0, 1]])


def test_unsupported_returns_none():
    op = ('%r = "graph.pool"(%a) {ceil_mode = false, count_include_pad = false, dilations = '
          'array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, '
          'strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>')
    assert _eval_op(op, ["tensor<1x1x4x4xf32>"], [_rand(1, 1, 4, 4)]) is None


def test_constants_round_trip_dense_and_resource():
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            for shape in ([3], [9, 9]):
                a = _rand(*shape)
                v = make_constant(a, ir.RankedTensorType.get(shape, ir.F32Type.get()))
                np.testing.assert_array_equal(constant_value(v), a)
        assert "dense_resource" in str(module)


def test_resource_constants_read_back_without_text_and_from_text():
    """A blob made by make_constant is read from its array (a copy: writing into it changes
    nothing); the same blob parsed from printed IR is read by decoding the text."""
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.create()
        with ir.InsertionPoint(module.body):
            a = _rand(8, 16)
            v = make_constant(a, ir.RankedTensorType.get([8, 16], ir.F32Type.get()))
        first = constant_value(v)
        first[:] = 0
        np.testing.assert_array_equal(constant_value(v), a)
        text = str(module)
    with make_context(), ir.Location.unknown():
        parsed = ir.Module.parse(text)
        (op,) = parsed.body.operations
        np.testing.assert_array_equal(constant_value(op.result), a)


# -- passes, checked by interpreting the function with graph_eval before and after ---------------

def _interpret(module, inputs):
    func = module.body.operations[0]
    block = func.regions[0].blocks[0]
    env = {arg: x for arg, x in zip(block.arguments, inputs)}
    for op in block.operations:
        if op.operation.name == "func.return":
            return [env[v] for v in op.operation.operands]
        outs = evaluate(op, [env[v] for v in op.operation.operands])
        assert outs is not None, op.operation.name
        env.update(zip(op.operation.results, outs))
    raise AssertionError("no return")


def _run_pass(name, module):
    PASSES[name]().run(module.operation)
    assert module.operation.verify()


def _conv_bn_module(ctx, group):
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(
            'func.func @f(%x: tensor<1x4x6x6xf32>, %w: tensor<6x{c}x3x3xf32>, %b: tensor<6xf32>) '
            '-> tensor<1x6x4x4xf32> {{\n'
            '  %c = "graph.conv"(%x, %w, %b) {{dilations = array<i64: 1, 1>, group = {g} : i64, '
            'pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>}} : (tensor<1x4x6x6xf32>, '
            'tensor<6x{c}x3x3xf32>, tensor<6xf32>) -> tensor<1x6x4x4xf32>\n'
            '  %r = "graph.batch_norm"(%c, %b, %b, %b, %b) {{epsilon = 1.0e-03 : f32}} : '
            '(tensor<1x6x4x4xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>, tensor<6xf32>) '
            '-> tensor<1x6x4x4xf32>\n  return %r : tensor<1x6x4x4xf32>\n}}'.format(c=4 // group, g=group))
    return module


def _constantify(module, operand_index, array):
    """Replace uses of a function argument by a graph.constant (built before the first op)."""
    block = module.body.operations[0].regions[0].blocks[0]
    arg = block.arguments[operand_index]
    with ir.InsertionPoint.at_block_begin(block):
        arg.replace_all_uses_with(make_constant(array, arg.type))


@pytest.mark.parametrize("group", [1, 2])
def test_fold_batch_norm_preserves_results(group):
    ctx = make_context()
    x, w = _rand(1, 4, 6, 6), _rand(6, 4 // group, 3, 3)
    with ctx, ir.Location.unknown():
        module = _conv_bn_module(ctx, group)
        _constantify(module, 1, w)
        block = module.body.operations[0].regions[0].blocks[0]
        params = [np.abs(_rand(6)) + 0.5 for _ in range(5)]
        with ir.InsertionPoint.at_block_begin(block):
            consts = [make_constant(p, block.arguments[2].type) for p in params]
        conv, bn = [op for op in block.operations if op.operation.name in ("graph.conv", "graph.batch_norm")]
        conv.operation.operands[2] = consts[0]
        for k in range(1, 5):
            bn.operation.operands[k] = consts[k]
        before = _interpret(module, [x, w, params[0]])[0]
        _run_pass("aic-graph-fold-batch-norm", module)
        names = [op.operation.name for op in block.operations]
        assert "graph.batch_norm" not in names and names.count("graph.conv") == 1
        after = _interpret(module, [x, w, params[0]])[0]
    np.testing.assert_allclose(after, before, rtol=1e-4, atol=1e-4)


def test_fold_constants_matches_interpretation():
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(
            'func.func @f() -> tensor<3x4xf32> {\n'
            '  %a = "graph.constant"() {value = dense<[[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>\n'
            '  %t = "graph.transpose"(%a) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>\n'
            '  %b = "graph.constant"() {value = dense<1.5> : tensor<2x4xf32>} : () -> tensor<2x4xf32>\n'
            '  %m = "graph.matmul"(%t, %b) : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>\n'
            '  %r = "graph.unary"(%m) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<3x4xf32>) -> tensor<3x4xf32>\n'
            '  return %r : tensor<3x4xf32>\n}')
        before = _interpret(module, [])[0]
        _run_pass("aic-graph-fold-constants", module)
        block = module.body.operations[0].regions[0].blocks[0]
        assert [op.operation.name for op in block.operations] == ["graph.constant", "func.return"]
        after = _interpret(module, [])[0]
    np.testing.assert_array_equal(after, before)
