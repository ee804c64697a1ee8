"""bfloat16, float8, float4 and int4/int2 tensors end to end (ONNX -> aic.compile -> JIT, and
the C library), against ``ml_dtypes`` (numpy interop) and ONNX's reference: conversions
bit-exact over every code and the f32 edge values (ties, overflow, subnormals, inf, NaN),
ONNX's saturating casts, bf16 arithmetic rounded per op as numpy/ml_dtypes rounds it,
sub-byte integers one per byte, initializers of these types, and the library's dtype codes."""

import json

import aic
import ml_dtypes as md
import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper, numpy_helper

F8 = {T.FLOAT8E4M3FN: md.float8_e4m3fn, T.FLOAT8E4M3FNUZ: md.float8_e4m3fnuz,
      T.FLOAT8E5M2: md.float8_e5m2, T.FLOAT8E5M2FNUZ: md.float8_e5m2fnuz}
SMALL = {**F8, T.FLOAT4E2M1: md.float4_e2m1fn}
SUB_BYTE_INTS = {T.INT4: md.int4, T.UINT4: md.uint4, T.INT2: md.int2, T.UINT2: md.uint2}


def model(nodes, inputs, outputs, initializers=(), opset=23):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs], list(initializers))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def cast(src, dst, n, **attrs):
    return model([helper.make_node("Cast", ["x"], ["y"], to=dst, **attrs)],
                 [("x", src, [n])], [("y", dst, [n])])


def bits(a: np.ndarray) -> np.ndarray:
    return a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])


def all_codes(dtype) -> np.ndarray:
    count = 16 if dtype == md.float4_e2m1fn else 256
    return np.arange(count, dtype=np.uint8).view(dtype)


def edge_values(dtype) -> np.ndarray:
    """Every value of ``dtype``, the midpoints between neighbours (ties) and one f32 ulp either
    side of them, twice the largest value, f32 subnormals, +-0, +-inf, NaN and -NaN."""
    codes = all_codes(dtype).astype(np.float32)
    finite = np.unique(codes[np.isfinite(codes)])
    mids = ((finite[:-1].astype(np.float64) + finite[1:]) / 2).astype(np.float32)
    near = np.concatenate([np.nextafter(mids, np.float32(np.inf)),
                           np.nextafter(mids, np.float32(-np.inf))])
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-45, -1e-40, 3e38,
                        2 * float(md.finfo(dtype).max), -2 * float(md.finfo(dtype).max)],
                       np.float32)
    rng = np.random.default_rng(0)
    wide = (rng.standard_normal(512) * 2.0 ** rng.integers(-20, 20, 512)).astype(np.float32)
    return np.concatenate([finite, mids, near, special, wide]).astype(np.float32)


@pytest.mark.parametrize("onnx_type", list(SMALL), ids=lambda t: T.DataType.Name(t))
def test_widening_every_code_is_bit_exact(onnx_type):
    dtype = SMALL[onnx_type]
    x = all_codes(dtype)
    (got,) = aic.compile(cast(onnx_type, T.FLOAT, x.size))(x)
    np.testing.assert_array_equal(bits(got), bits(x.astype(np.float32)))


@pytest.mark.parametrize("onnx_type", list(SMALL), ids=lambda t: T.DataType.Name(t))
def test_rounding_edge_values_is_bit_exact(onnx_type):
    """saturate=0: round to nearest even; overflow gives inf/NaN as ml_dtypes (float4:
    saturates, it has neither)."""
    dtype = SMALL[onnx_type]
    x = edge_values(dtype)
    attrs = {"saturate": 0} if onnx_type in F8 else {}
    (got,) = aic.compile(cast(T.FLOAT, onnx_type, x.size, **attrs))(x)
    assert got.dtype == dtype
    np.testing.assert_array_equal(bits(got), bits(x.astype(dtype)))


@pytest.mark.parametrize("onnx_type", list(F8), ids=lambda t: T.DataType.Name(t))
@pytest.mark.parametrize("src", [T.FLOAT, T.FLOAT16, T.BFLOAT16])
def test_saturating_cast_matches_onnx(onnx_type, src):
    """saturate=1 (the default): beyond the range and infinities give the largest value (a NaN
    stays NaN; its sign is not kept through the f16/bf16 clamp)."""
    src_dtype = helper.tensor_dtype_to_np_dtype(src)
    x = np.concatenate([edge_values(F8[onnx_type]), [60000, -70000, 1e30]])
    with np.errstate(over="ignore"):
        x = x.astype(src_dtype)
    (got,) = aic.compile(cast(src, onnx_type, x.size))(x)
    want = numpy_helper.saturate_cast(x.astype(np.float32), F8[onnx_type])
    nan = np.isnan(want.astype(np.float32))
    np.testing.assert_array_equal(np.isnan(got.astype(np.float32)), nan)
    np.testing.assert_array_equal(bits(got)[~nan], bits(want)[~nan])


def test_float8_to_and_from_integers_and_other_floats():
    x = all_codes(md.float8_e4m3fn)
    finite = x[np.isfinite(x.astype(np.float32))]
    for dst in (T.INT32, T.INT8, T.FLOAT16, T.BFLOAT16, T.DOUBLE, T.FLOAT8E5M2):
        dtype = helper.tensor_dtype_to_np_dtype(dst)
        (got,) = aic.compile(cast(T.FLOAT8E4M3FN, dst, finite.size))(finite)
        want = finite.astype(np.float32).astype(dtype) if dst != T.FLOAT8E5M2 else \
            numpy_helper.saturate_cast(finite.astype(np.float32), dtype)
        np.testing.assert_array_equal(bits(got), bits(want), err_msg=T.DataType.Name(dst))
    ints = np.arange(-300, 300, 7, dtype=np.int32)
    (got,) = aic.compile(cast(T.INT32, T.FLOAT8E5M2, ints.size))(ints)
    np.testing.assert_array_equal(bits(got), bits(ints.astype(np.float32).astype(md.float8_e5m2)))


@pytest.mark.parametrize("onnx_type", list(SUB_BYTE_INTS), ids=lambda t: T.DataType.Name(t))
def test_sub_byte_integers_one_per_byte(onnx_type):
    """Every value round-trips through int32 and float; a float wraps like ml_dtypes'
    conversion (through a wide integer); outputs have zero upper bits."""
    dtype = SUB_BYTE_INTS[onnx_type]
    info = md.iinfo(dtype)
    values = np.arange(int(info.min), int(info.max) + 1).astype(dtype)
    (wide,) = aic.compile(cast(onnx_type, T.INT32, values.size))(values)
    np.testing.assert_array_equal(wide, values.astype(np.int32))
    back = np.arange(-20, 20, dtype=np.float32)
    (narrow,) = aic.compile(cast(T.FLOAT, onnx_type, back.size))(back)
    np.testing.assert_array_equal(bits(narrow), bits(back.astype(np.int64).astype(dtype)))
    width = 4 if "4" in np.dtype(dtype).name else 2
    assert np.all(bits(narrow) >> width == 0)


def test_sub_byte_data_movement_and_initializer():
    """Transpose/Concat move int4 a byte per element; a 200-element int4 initializer (a
    dense_resource blob) and a small one (dense) load as their values."""
    big = (np.arange(200) % 16 - 8).astype(md.int4).reshape(10, 20)
    small = np.array([-8, 7, 0, -1], md.int4).reshape(1, 4)
    inits = [numpy_helper.from_array(big, "w"), numpy_helper.from_array(small, "s")]
    nodes = [helper.make_node("Transpose", ["x"], ["xt"], perm=[1, 0]),
             helper.make_node("Concat", ["xt", "w"], ["c"], axis=0),
             helper.make_node("Cast", ["c"], ["y"], to=T.FLOAT),
             helper.make_node("Cast", ["s"], ["z"], to=T.INT8)]
    m = model(nodes, [("x", T.INT4, [20, 10])], [("y", T.FLOAT, [30, 20]), ("z", T.INT8, [1, 4])],
              inits)
    x = (np.arange(200) % 13 - 6).astype(md.int4).reshape(20, 10)
    y, z = aic.compile(m)(x)
    np.testing.assert_array_equal(y, np.concatenate([x.T, big]).astype(np.float32))
    np.testing.assert_array_equal(z, small.astype(np.int8))


@pytest.mark.parametrize("op,ref", [("Add", np.add), ("Mul", np.multiply), ("Div", np.divide),
                                    ("Sub", np.subtract), ("Max", np.maximum)])
def test_bfloat16_arithmetic_rounds_per_op(op, ref):
    """bf16 ops compute in f32 and round back, as ml_dtypes' numpy ufuncs do."""
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal((3, 37)).astype(md.bfloat16) for _ in range(2))
    m = model([helper.make_node(op, ["a", "b"], ["y"])],
              [("a", T.BFLOAT16, [3, 37]), ("b", T.BFLOAT16, [3, 37])],
              [("y", T.BFLOAT16, [3, 37])])
    (got,) = aic.compile(m)(a, b)
    assert got.dtype == md.bfloat16
    np.testing.assert_array_equal(bits(got), bits(ref(a, b)))


def test_float8_initializer_dequantized_in_f32():
    """An e4m3 weight (100 elements: a dense_resource blob) widened and scaled in f32."""
    rng = np.random.default_rng(2)
    w = rng.standard_normal((10, 10)).astype(md.float8_e4m3fn)
    nodes = [helper.make_node("Cast", ["w"], ["wf"], to=T.FLOAT),
             helper.make_node("MatMul", ["x", "wf"], ["y"])]
    m = model(nodes, [("x", T.FLOAT, [4, 10])], [("y", T.FLOAT, [4, 10])],
              [numpy_helper.from_array(w, "w")])
    x = rng.standard_normal((4, 10)).astype(np.float32)
    (got,) = aic.compile(m)(x)
    np.testing.assert_allclose(got, x @ w.astype(np.float32), rtol=1e-5, atol=1e-5)


def test_library_takes_narrow_types_with_their_dtype_codes(tmp_path):
    nodes = [helper.make_node("Cast", ["x"], ["x32"], to=T.FLOAT),
             helper.make_node("Cast", ["q"], ["q32"], to=T.FLOAT),
             helper.make_node("Add", ["x32", "q32"], ["s"]),
             helper.make_node("Cast", ["s"], ["y"], to=T.BFLOAT16),
             helper.make_node("Cast", ["s"], ["z"], to=T.FLOAT8E5M2, saturate=0)]
    m = model(nodes, [("x", T.FLOAT8E4M3FN, [16]), ("q", T.INT4, [16])],
              [("y", T.BFLOAT16, [16]), ("z", T.FLOAT8E5M2, [16])])
    lib = aic.compile(m).save(str(tmp_path / "narrow.so"))
    loaded = aic.load(lib)
    x = np.linspace(-8, 8, 16).astype(md.float8_e4m3fn)
    q = (np.arange(16) - 8).astype(md.int4)
    y, z = loaded(x, q)
    s = x.astype(np.float32) + q.astype(np.float32)
    np.testing.assert_array_equal(bits(y), bits(s.astype(md.bfloat16)))
    np.testing.assert_array_equal(bits(z), bits(s.astype(md.float8_e5m2)))
    meta = json.loads(loaded._library.aic_signature().decode())
    assert [(t["dtype"], t["dtype_code"]) for t in meta["inputs"] + meta["outputs"]] == [
        ("f8E4M3FN", T.FLOAT8E4M3FN), ("i4", T.INT4), ("bf16", T.BFLOAT16),
        ("f8E5M2", T.FLOAT8E5M2)]


def test_onnx_packed_int4_initializer_is_unpacked():
    """ONNX packs two int4 per byte in a TensorProto; the importer reads them one per byte."""
    w = np.array([-8, -1, 0, 7, 3], md.int4)
    proto = numpy_helper.from_array(w, "w")
    assert len(proto.raw_data) == 3  # packed
    m = model([helper.make_node("Cast", ["w"], ["y"], to=T.INT32)], [], [("y", T.INT32, [5])],
              [proto])
    onnx.checker.check_model(m)
    (got,) = aic.compile(m)()
    np.testing.assert_array_equal(got, w.astype(np.int32))


def test_bfloat16_matmul_and_softmax_accumulate_in_f32():
    """bf16 products are summed in f32 and rounded once (ml_dtypes' dot, ONNX's reference);
    softmax is computed in f32 and rounded once (as for f16)."""
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 8, 64)).astype(md.bfloat16)
    b = rng.standard_normal((2, 64, 16)).astype(md.bfloat16)
    nodes = [helper.make_node("MatMul", ["a", "b"], ["y"]),
             helper.make_node("Softmax", ["y"], ["p"], axis=-1)]
    m = model(nodes, [("a", T.BFLOAT16, [2, 8, 64]), ("b", T.BFLOAT16, [2, 64, 16])],
              [("y", T.BFLOAT16, [2, 8, 16]), ("p", T.BFLOAT16, [2, 8, 16])])
    y, p = aic.compile(m)(a, b)
    exact = a.astype(np.float32) @ b.astype(np.float32)
    np.testing.assert_array_equal(bits(y), bits(exact.astype(md.bfloat16)))
    z = y.astype(np.float64)
    soft = np.exp(z - z.max(-1, keepdims=True))
    soft = (soft / soft.sum(-1, keepdims=True)).astype(np.float32).astype(md.bfloat16)
    ulps = np.abs(bits(p).astype(np.int32) - bits(soft).astype(np.int32))
    assert ulps.max() <= 1 and np.mean(ulps == 0) > 0.95


def test_aic_run_inputs_and_onnxruntime_refusal(tmp_path):
    """aic-run's random inputs cover the narrow types; onnxruntime's Python API takes none of
    ml_dtypes' arrays, so --compare-onnxruntime says so instead of failing inside it."""
    from aic.errors import AicError
    from aic.runner import compare_onnxruntime, random_input

    rng = np.random.default_rng(0)
    q = random_input([64], md.int4, rng)
    assert q.dtype == md.int4 and set(q.astype(np.int32).tolist()) == {0, 1, 2, 3}
    assert random_input([4], md.bfloat16, rng).dtype == md.bfloat16
    path = str(tmp_path / "c.onnx")
    onnx.save(cast(T.INT4, T.FLOAT, 64), path)
    with pytest.raises(AicError, match="takes no int4 arrays"):
        compare_onnxruntime(path, {"x": q}, {})
