"""Unsigned integer tensors end to end (ONNX -> aic.compile -> JIT, and the C library), each
against numpy or onnxruntime: wrap-around arithmetic, unsigned division/remainder/compare/max
on values with the top bit set, casts to/from unsigned, MaxPool and reductions (identity values
0 and all-ones), large unsigned constants (``dense_resource``), the uint interface dtypes."""

import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

import aic
from aic.errors import InputError

U8, U16, U32, U64 = TensorProto.UINT8, TensorProto.UINT16, TensorProto.UINT32, TensorProto.UINT64
BOOL = TensorProto.BOOL


def model(nodes, inputs, outputs, initializers=(), opset=18):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs], list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                             ir_version=9)  # onnxruntime reads IR <= 13


def binary(op, in_type, out_type, n, **attrs):
    return model([helper.make_node(op, ["a", "b"], ["y"], **attrs)],
                 [("a", in_type, [n]), ("b", in_type, [n])], [("y", out_type, [n])])


def test_uint8_add_sub_mul_wrap_around():
    a = np.array([250, 3, 255, 0, 128, 17], np.uint8)
    b = np.array([10, 4, 1, 1, 128, 200], np.uint8)
    for op, ref in [("Add", np.add), ("Sub", np.subtract), ("Mul", np.multiply)]:
        compiled = aic.compile(binary(op, U8, U8, 6))
        (got,) = compiled(a, b)
        assert got.dtype == np.uint8, op
        np.testing.assert_array_equal(got, ref(a, b), err_msg=op)


U32_A = np.array([3_000_000_000, 7, 2**32 - 1, 5, 2**31, 2**31 + 1], np.uint32)
U32_B = np.array([7, 2, 3, 2**31 + 5, 2**31 - 1, 2**31], np.uint32)


@pytest.mark.parametrize("op,ref", [("Div", np.floor_divide), ("Mod", np.mod),
                                    ("Max", np.maximum), ("Min", np.minimum)])
def test_uint32_arith_above_2_31(op, ref):
    (got,) = aic.compile(binary(op, U32, U32, 6))(U32_A, U32_B)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, ref(U32_A, U32_B))


def test_uint32_fmod_is_remainder():
    (got,) = aic.compile(binary("Mod", U32, U32, 6, fmod=1))(U32_A, U32_B)
    np.testing.assert_array_equal(got, np.fmod(U32_A, U32_B))


@pytest.mark.parametrize("op,ref", [("Less", np.less), ("Greater", np.greater),
                                    ("LessOrEqual", np.less_equal),
                                    ("GreaterOrEqual", np.greater_equal), ("Equal", np.equal)])
def test_uint32_compare_above_2_31(op, ref):
    (got,) = aic.compile(binary(op, U32, BOOL, 6))(U32_A, U32_B)
    np.testing.assert_array_equal(got, ref(U32_A, U32_B))


def test_uint64_compare_and_max_above_2_63():
    a = np.array([2**63 + 5, 1, 2**64 - 1, 0, 2**63], np.uint64)
    b = np.array([1, 2**63, 3, 0, 2**63 - 1], np.uint64)
    (less,) = aic.compile(binary("Less", U64, BOOL, 5))(a, b)
    np.testing.assert_array_equal(less, a < b)
    (big,) = aic.compile(binary("Max", U64, U64, 5))(a, b)
    assert big.dtype == np.uint64
    np.testing.assert_array_equal(big, np.maximum(a, b))


def test_uint8_abs_is_identity_and_sign_is_0_or_1():
    x = np.array([0, 1, 127, 128, 200, 255], np.uint8)
    for op, want in [("Abs", x), ("Sign", np.sign(x))]:
        m = model([helper.make_node(op, ["x"], ["y"])], [("x", U8, [6])], [("y", U8, [6])])
        (got,) = aic.compile(m)(x)
        np.testing.assert_array_equal(got, want, err_msg=op)


def cast_model(from_type, to_type, n):
    return model([helper.make_node("Cast", ["x"], ["y"], to=to_type)],
                 [("x", from_type, [n])], [("y", to_type, [n])])


def test_uint8_cast_to_float_and_int64_zero_extends():
    x = np.array([0, 1, 127, 128, 200, 255], np.uint8)
    for to, dtype in [(TensorProto.FLOAT, np.float32), (TensorProto.INT64, np.int64),
                      (U32, np.uint32), (TensorProto.INT8, np.int8)]:
        (got,) = aic.compile(cast_model(U8, to, 6))(x)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, x.astype(dtype))


def test_cast_to_uint8_from_float_and_int64():
    f = np.array([0.0, 1.9, 127.5, 128.0, 200.2, 255.0], np.float32)
    (got,) = aic.compile(cast_model(TensorProto.FLOAT, U8, 6))(f)
    np.testing.assert_array_equal(got, f.astype(np.uint8))
    i = np.array([0, 255, 256, -1, 1000, -200], np.int64)  # wraps modulo 256
    (got,) = aic.compile(cast_model(TensorProto.INT64, U8, 6))(i)
    np.testing.assert_array_equal(got, i.astype(np.uint8))
    s = np.array([-1, -128, 5], np.int8)  # int8 -> uint16 sign-extends, as numpy does
    (got,) = aic.compile(cast_model(TensorProto.INT8, U16, 3))(s)
    np.testing.assert_array_equal(got, s.astype(np.uint16))


def test_uint64_to_double_above_2_63():
    x = np.array([2**63 + 2**11, 2**64 - 2**12, 3], np.uint64)
    (got,) = aic.compile(cast_model(U64, TensorProto.DOUBLE, 3))(x)
    np.testing.assert_array_equal(got, x.astype(np.float64))


def test_uint8_maxpool_matches_onnxruntime():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (1, 2, 5, 5), dtype=np.uint8)
    x[0, 0, :2, :2] = 255  # values that are negative as int8
    m = model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[1, 1],
                                pads=[1, 1, 0, 0])],
              [("x", U8, [1, 2, 5, 5])], [("y", U8, [1, 2, 5, 5])])
    (got,) = aic.compile(m)(x)
    (want,) = ort.InferenceSession(m.SerializeToString()).run(None, {"x": x})
    assert got.dtype == np.uint8
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("op,ref", [("ReduceMax", np.max), ("ReduceMin", np.min)])
def test_uint16_reductions_start_from_unsigned_identities(op, ref):
    x = np.array([[65535, 40000, 1], [0, 32768, 2]], np.uint16)
    m = model([helper.make_node(op, ["x"], ["y"], keepdims=0, axes=[1])],
              [("x", U16, [2, 3])], [("y", U16, [2])], opset=17)
    (got,) = aic.compile(m)(x)
    np.testing.assert_array_equal(got, ref(x, axis=1))


def test_large_uint32_constant_keeps_its_bits():
    values = (np.arange(100, dtype=np.uint64) * 2**26 + 2**31).astype(np.uint32)
    c = helper.make_tensor("c", U32, [100], values)
    m = model([helper.make_node("Add", ["x", "c"], ["y"])], [("x", U32, [100])],
              [("y", U32, [100])], initializers=[c])
    x = np.full(100, 2**31 + 3, np.uint32)
    (got,) = aic.compile(m)(x)
    np.testing.assert_array_equal(got, x + values)


def test_interface_dtypes_and_input_check():
    compiled = aic.compile(binary("Add", U16, U16, 2))
    assert [t.dtype for t in compiled.inputs] == [np.dtype(np.uint16)] * 2
    with pytest.raises(InputError, match="dtype int16"):
        compiled(np.zeros(2, np.int16), np.zeros(2, np.uint16))


def test_library_backend_round_trips_uint(tmp_path):
    compiled = aic.compile(binary("Div", U32, U32, 6))
    loaded = aic.load(compiled.save(str(tmp_path / "div.so")))
    (got,) = loaded(U32_A, U32_B)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, U32_A // U32_B)
