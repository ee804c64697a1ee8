"""The shape of the imported module: one @main, names, types, locations, constants."""

import numpy as np
from conftest import make_model
from onnx import TensorProto, helper

import aic
from aic.frontend.onnx import import_onnx

F = TensorProto.FLOAT


def _mlp():
    rng = np.random.RandomState(0)
    w = rng.randn(16, 8).astype(np.float32)  # 128 elements: a resource blob
    b = rng.randn(8).astype(np.float32)      # 8 elements: inline
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc"),
             helper.make_node("Add", ["h", "b"], ["hb"], name="bias"),
             helper.make_node("Relu", ["hb"], ["y"])]
    return make_model(nodes, [("x", F, [2, 16])], [("y", F, [2, 8])], {"w": w, "b": b})


def test_main_function_names_and_types():
    text = str(import_onnx(_mlp()))
    assert text.count("func.func") == 1
    assert 'func.func @main(%arg0: tensor<2x16xf32> {aic.name = "x"})' in text
    assert '-> (tensor<2x8xf32> {aic.name = "y"})' in text
    for op in ('"graph.matmul"', '"graph.add"', '"graph.unary"', 'fn = "relu"'):
        assert op in text


def test_large_constants_are_resources_small_inline():
    text = str(import_onnx(_mlp()))
    assert "dense_resource<w> : tensor<16x8xf32>" in text
    assert "dense<[" in text and ": tensor<8xf32>" in text
    assert "dialect_resources" in text


def _locations(module):
    from aic.verify import walk
    return {op.operation.name: str(op.location) for op in walk(module.operation)}


def test_locations_name_node_and_op_type():
    locs = _locations(import_onnx(_mlp()))
    assert locs["graph.matmul"] == 'loc("fc(MatMul)"("<model>":0:0))'
    assert locs["graph.add"] == 'loc("bias(Add)"("<model>":0:0))'
    assert locs["graph.unary"] == 'loc("Relu_2(Relu)"("<model>":0:0))'  # unnamed: OpType_index


def test_path_input_uses_file_location(tmp_path):
    path = tmp_path / "mlp.onnx"
    path.write_bytes(_mlp().SerializeToString())
    locs = _locations(aic.import_onnx(str(path)))
    assert locs["graph.matmul"] == f'loc("fc(MatMul)"("{path}":0:0))'


def test_module_verifies_and_is_deterministic():
    a, b = import_onnx(_mlp()), import_onnx(_mlp())
    assert a.operation.verify()
    assert str(a) == str(b)


def test_context_argument_is_used():
    from aic.context import make_context
    ctx = make_context()
    assert import_onnx(_mlp(), context=ctx).context is ctx


def test_old_exporter_weights_listed_as_inputs_are_constants():
    model = _mlp()
    model.graph.input.extend([helper.make_tensor_value_info("w", F, [16, 8]),
                              helper.make_tensor_value_info("b", F, [8])])
    text = str(import_onnx(model))
    assert "%arg1" not in text  # only x is an argument
    assert "dense_resource<w>" in text


def test_old_exporter_weight_overridden_by_input_shapes_is_an_argument():
    model = _mlp()
    model.graph.input.extend([helper.make_tensor_value_info("b", F, [8])])
    text = str(import_onnx(model, input_shapes={"b": [8]}))
    assert '%arg1: tensor<8xf32> {aic.name = "b"}' in text


def test_constants_argument_freezes_an_input():
    nodes = [helper.make_node("Reshape", ["x", "s"], ["y"])]
    model = make_model(nodes, [("x", F, [2, 6]), ("s", TensorProto.INT64, [2])],
                       [("y", F, [3, 4])])
    text = str(import_onnx(model, constants={"s": np.array([3, 4], np.int64)}))
    assert '"graph.reshape"' in text and "-> tensor<3x4xf32>" in text
    assert "aic.name = \"s\"" not in text


def test_graph_output_that_is_an_initializer_is_a_constant():
    model = make_model([], [("x", F, [1])], [("c", F, [2])], {"c": np.ones(2, np.float32)})
    text = str(import_onnx(model))
    assert '"graph.constant"' in text and "return" in text
