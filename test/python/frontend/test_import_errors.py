"""User mistakes and unsupported models give aic errors, never tracebacks or miscompiles."""

import numpy as np
import pytest
from conftest import make_model
from onnx import TensorProto, helper

import aic
from aic.errors import ModelFormatError, UnsupportedError
from aic.frontend.onnx import import_onnx, supported_ops

F = TensorProto.FLOAT


def _relu_model():
    return make_model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                      [("x", F, [2, 3])], [("y", F, [2, 3])])


def test_unsupported_op_names_node_op_and_opset():
    model = make_model([helper.make_node("Bernoulli", ["x"], ["y"], name="hm")],
                       [("x", F, [2, 3])], [("y", F, [2, 3])], opset=16)
    with pytest.raises(UnsupportedError) as info:
        aic.import_onnx(model)
    message = str(info.value)
    assert "'hm'" in message and "Bernoulli" in message and "opset 15" in message
    assert "aic supports: Abs, " in message and "\n" not in message
    assert isinstance(info.value, aic.AicError)


def test_unknown_op_type():
    model = make_model([helper.make_node("Frobnicate", ["x"], ["y"], name="f")],
                       [("x", F, [2])], [("y", F, [2])])
    with pytest.raises(UnsupportedError, match="Frobnicate"):
        import_onnx(model)


def test_unsupported_attribute_value_is_refused():
    model = make_model([helper.make_node("Gelu", ["x"], ["y"], name="g", approximate="fast")],
                       [("x", F, [2])], [("y", F, [2])], opset=20)
    with pytest.raises(UnsupportedError, match="approximate='fast'"):
        import_onnx(model)


def test_attribute_a_handler_does_not_list_is_refused():
    # Cast-28 adds 'round_mode'; the Cast handler does not list it, so the node is refused
    model = make_model([helper.make_node("Cast", ["x"], ["y"], name="c", to=TensorProto.INT32,
                                         round_mode="up")],
                       [("x", F, [2])], [("y", TensorProto.INT32, [2])], opset=28)
    with pytest.raises(UnsupportedError, match="'c'.*round_mode not supported"):
        import_onnx(model)


def test_unsupported_dtype():
    e8m0 = TensorProto.FLOAT8E8M0  # the one ONNX float8 type aic does not map (yet)
    model = make_model([helper.make_node("Identity", ["x"], ["y"], name="r")],
                       [("x", e8m0, [2])], [("y", e8m0, [2])])
    with pytest.raises(UnsupportedError, match="float8_e8m0fnu"):
        import_onnx(model)


def test_old_op_version_with_other_semantics_is_refused():
    # Add-6 (opset 6) has the legacy broadcast/axis attributes: no handler claims it
    model = make_model([helper.make_node("Add", ["x", "x"], ["y"], name="a")],
                       [("x", F, [2])], [("y", F, [2])], opset=6)
    with pytest.raises(UnsupportedError, match="opset 6"):
        import_onnx(model)


def test_truncated_file(tmp_path):
    data = _relu_model().SerializeToString()
    path = tmp_path / "cut.onnx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFormatError, match="cut.onnx"):
        aic.import_onnx(str(path))


def test_text_file(tmp_path):
    path = tmp_path / "notes.onnx"
    path.write_text("this is not a model\n" * 10)
    with pytest.raises(ModelFormatError):
        aic.import_onnx(str(path))


def test_missing_file(tmp_path):
    with pytest.raises(ModelFormatError, match="no such model file"):
        import_onnx(str(tmp_path / "nope.onnx"))


def test_external_data_outside_the_model_folder(tmp_path):
    """onnx refuses the file (right); its ValidationError becomes a ModelFormatError."""
    import onnx
    import onnx.external_data_helper
    import onnx.numpy_helper

    w = onnx.numpy_helper.from_array(np.ones((2, 3), np.float32), "w")
    model = make_model([helper.make_node("Add", ["x", "w"], ["y"], name="a")],
                       [("x", F, [2, 3])], [("y", F, [2, 3])])
    model.graph.initializer.append(w)
    (tmp_path / "outside.bin").write_bytes(w.raw_data)
    onnx.external_data_helper.set_external_data(model.graph.initializer[0], "../outside.bin")
    model.graph.initializer[0].ClearField("raw_data")
    (tmp_path / "sub").mkdir()
    onnx.save(model, str(tmp_path / "sub" / "m.onnx"))
    with pytest.raises(ModelFormatError, match="m.onnx: cannot load.*outside the directory"):
        aic.compile(str(tmp_path / "sub" / "m.onnx"))


@pytest.mark.parametrize("elem_type, name", [(0, "UNDEFINED"), (99, "not an ONNX element type")])
def test_graph_input_of_undefined_element_type(elem_type, name):
    model = make_model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                       [("x", elem_type, [2, 3])], [("y", F, [2, 3])])
    with pytest.raises(ModelFormatError, match=f"graph input 'x' has element type {elem_type} "
                                               rf"\({name}\)"):
        aic.compile(model)


def test_negative_dims_are_model_errors():
    """A declared dim of -1 reached MLIR's type builder (MLIRError: Invalid type)."""
    model = make_model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                       [("x", F, [-1, 3])], [("y", F, [-1, 3])])
    with pytest.raises(ModelFormatError, match=r"input 'x' has a negative dim -1"):
        aic.compile(model)
    model = make_model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                       [("x", F, ["n", 3])], [("y", F, ["n", 3])])
    with pytest.raises(ModelFormatError, match="input_shapes gives input 'x' a negative dim"):
        aic.compile(model, input_shapes={"x": [-2, 3]})


def test_op_type_that_is_not_utf8(tmp_path):
    """A bit flip in an op type: protobuf gives bytes, which onnx.defs refused (TypeError)."""
    data = _relu_model().SerializeToString()
    assert data.count(b"Relu") == 1
    path = tmp_path / "flipped.onnx"
    path.write_bytes(data.replace(b"Relu", b"R\xe5lu"))
    with pytest.raises(ModelFormatError, match="flipped.onnx: a name or op type is not valid UTF-8"):
        aic.compile(str(path))


def test_invalid_model_fails_checker():
    model = _relu_model()
    model.graph.node[0].input[0] = "undefined"
    with pytest.raises(ModelFormatError, match="invalid ONNX model"):
        import_onnx(model)


def test_value_needed_at_compile_time():
    model = make_model([helper.make_node("Tile", ["x", "r"], ["y"], name="t")],
                       [("x", F, [2]), ("r", TensorProto.INT64, [1])], [("y", F, [4])])
    with pytest.raises(UnsupportedError, match="'t'.*repeats.*compile time"):
        import_onnx(model)


def test_supported_ops_covers_the_issue_list():
    wanted = """Add Sub Mul Div Pow Neg Abs Sqrt Reciprocal Exp Log Erf Tanh Sigmoid HardSigmoid
    Relu LeakyRelu PRelu Elu Selu Gelu Softplus Softsign HardSwish Mish Clip Floor Ceil Round
    Sign Sin Cos Min Max Sum Mean Equal Less LessOrEqual Greater GreaterOrEqual And Or Not Xor
    Where Cast CastLike IsNaN IsInf MatMul Gemm Conv ConvTranspose BatchNormalization
    InstanceNormalization LayerNormalization GroupNormalization LRN MaxPool AveragePool
    GlobalAveragePool GlobalMaxPool ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL2
    ReduceLogSumExp ArgMax ArgMin Softmax LogSoftmax Reshape Flatten Transpose Squeeze Unsqueeze
    Concat Split Slice Gather GatherElements Expand Tile Pad Resize Upsample DepthToSpace
    SpaceToDepth Identity Dropout Shape Size ConstantOfShape Constant Range Einsum TopK CumSum
    Trilu OneHot""".split()
    missing = sorted(set(wanted) - set(supported_ops()))
    assert not missing, missing
    assert np.all([isinstance(v, int) for v in supported_ops().values()])
