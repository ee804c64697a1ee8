"""Symbolic dims, import-time folding of shape subgraphs, and explicit padding."""

import numpy as np
import pytest
from conftest import make_model
from onnx import TensorProto, helper

from aic.errors import AicError, ModelFormatError
from aic.frontend.onnx import import_onnx

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def _dynamic_mlp():
    w = np.ones((4, 3), np.float32)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")]
    return make_model(nodes, [("x", F, ["batch", "seq", 4])], [("y", F, ["batch", "seq", 3])],
                      {"w": w})


def test_symbolic_dims_without_input_shapes_stay_dynamic_and_named():
    text = str(import_onnx(_dynamic_mlp()))
    assert 'tensor<?x?x4xf32> {aic.dims = ["batch", "seq", ""], aic.name = "x"}' in text
    assert 'tensor<?x?x3xf32> {aic.dims = ["batch", "seq", ""], aic.name = "y"}' in text


def test_unnamed_dynamic_dim_gets_a_name():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    model = make_model(nodes, [("x", F, [None, 4])], [("y", F, [None, 4])], {})
    assert 'aic.dims = ["x_0", ""]' in str(import_onnx(model))


def test_shape_subgraph_on_dynamic_dims_folds_symbolically():
    """Shape -> Gather -> Unsqueeze -> Concat -> Reshape: the reshape's dynamic dims are named."""
    from aic.testing.models import symbolic_attention
    text = str(import_onnx(symbolic_attention()))
    assert "graph.shape" not in text and "graph.concat" not in text
    assert 'aic.dims = ["batch", "seq", "", ""]' in text


def test_dynamic_dims_used_as_data_is_a_clear_error():
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("Cast", ["s"], ["y"], name="cast", to=F)]
    model = make_model(nodes, [("x", F, ["batch", 4])], [("y", F, [2])], {})
    with pytest.raises(AicError, match="computed from dynamic dims"):
        import_onnx(model)


def test_symbolic_dims_specialised_to_input_shapes():
    text = str(import_onnx(_dynamic_mlp(), input_shapes={"x": [2, 5, 4]}))
    assert "tensor<2x5x4xf32>" in text and "-> tensor<2x5x3xf32>" in text


@pytest.mark.parametrize("shapes, match", [
    ({"x": [2, 4]}, "rank 2"),
    ({"x": [2, 5, 7]}, "declares"),
    ({"nope": [1]}, "unknown input"),
])
def test_bad_input_shapes(shapes, match):
    with pytest.raises(ModelFormatError, match=match):
        import_onnx(_dynamic_mlp(), input_shapes=shapes)


def test_shape_gather_concat_reshape_chain_folds():
    # y = reshape(x, [shape(x)[0], -1]): the shape computation disappears at import time
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["shape"], axis=0),
        helper.make_node("Reshape", ["x", "shape"], ["y"], name="flat"),
    ]
    model = make_model(nodes, [("x", F, ["b", 3, 4])], [("y", F, ["b", 12])],
                       {"zero": np.array(0, np.int64), "axes0": np.array([0], np.int64),
                        "minus1": np.array([-1], np.int64)})
    module = import_onnx(model, input_shapes={"x": [2, 3, 4]})
    ops = [op.operation.name for op in module.body.operations[0].regions[0].blocks[0].operations]
    assert ops == ["graph.reshape", "func.return"]
    assert "-> tensor<2x12xf32>" in str(module)


def test_conv_same_upper_pads_are_explicit():
    w = np.ones((4, 3, 3, 3), np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER", strides=[2, 2])]
    model = make_model(nodes, [("x", F, [1, 3, 8, 8])], [("y", F, [1, 4, 4, 4])], {"w": w})
    text = str(import_onnx(model))
    # out = ceil(8/2) = 4; total pad = (4-1)*2 + 3 - 8 = 1 -> begin 0, end 1
    assert "pads = array<i64: 0, 0, 1, 1>" in text and "strides = array<i64: 2, 2>" in text


def test_conv_same_lower_puts_odd_padding_first():
    w = np.ones((4, 3, 3, 3), np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_LOWER", strides=[2, 2])]
    model = make_model(nodes, [("x", F, [1, 3, 8, 8])], [("y", F, [1, 4, 4, 4])], {"w": w})
    assert "pads = array<i64: 1, 1, 0, 0>" in str(import_onnx(model))


def test_slice_is_normalised_and_clamped():
    nodes = [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])]
    model = make_model(nodes, [("x", F, [4, 10])], [("y", F, [4, 4])],
                       {"st": np.array([-1], np.int64), "en": np.array([-1000], np.int64),
                        "ax": np.array([-1], np.int64), "sp": np.array([-3], np.int64)})
    text = str(import_onnx(model))
    # x[:, 9::-3] -> indices 9, 6, 3, 0
    assert "starts = array<i64: 0, 9>" in text and "steps = array<i64: 1, -3>" in text
    assert "-> tensor<4x4xf32>" in text


def test_slice_opset9_reads_attributes():
    nodes = [helper.make_node("Slice", ["x"], ["y"], starts=[1], ends=[100], axes=[1])]
    model = make_model(nodes, [("x", F, [2, 5])], [("y", F, [2, 4])], opset=9)
    assert "starts = array<i64: 0, 1>" in str(import_onnx(model))


def test_unknown_output_shape_is_reported_with_the_node():
    nodes = [helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")]
    model = make_model(nodes, [("x", F, [6]), ("s", I64, [2])], [("y", F, [2, 3])])
    with pytest.raises(AicError, match="'rs'"):
        import_onnx(model)
