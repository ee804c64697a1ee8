"""Accuracy of ``aic-math-approximate`` through the CPU JIT, over the whole f32 range.

Each function runs compiled (vectorized, through a single-op ONNX model and ``aic.compile``;
scalar, through ``run_mlir`` on a ``linalg.generic`` lowered to loops) on a sweep of every
sign and exponent (denormals included) with random mantissas plus the special values (+-0,
+-inf, NaN, the smallest and largest denormal and normal, the overflow and underflow
thresholds). The result is compared with numpy's float64 value rounded to f32, in ulps
(the distance between the two f32 encodings); NaN must stay NaN, and signs of zero must
match. ``MAX_ULP`` is the bound stated in ``docs/fast-math.md``.
"""

import math

import numpy as np
import pytest
from onnx import TensorProto, helper

import aic
from aic.runtime.jit import run_mlir

MAX_ULP = {"exp": 1, "expm1": 1, "log": 1, "log1p": 1, "tanh": 1, "erf": 1, "sigmoid": 2}
ONNX_OP = {"exp": "Exp", "log": "Log", "tanh": "Tanh", "erf": "Erf", "sigmoid": "Sigmoid"}
WIDTH = 1024

SPECIALS = [0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 1e-45, -1e-45, 1.1754942e-38,
            1.17549435e-38, -1.17549435e-38, 3.4028235e38, -3.4028235e38, 1.0, -1.0,
            88.72283, 88.722839, 89.0, -87.33654, -103.27893, -103.972, -104.0, -150.0,
            0.625, -0.625, 0.921875, -0.921875, 3.92, 4.0, 9.01, -9.01, 1e-4, -1e-4]


def _sweep(per_exponent: int = 512) -> np.ndarray:
    """Every (sign, exponent) pair with random mantissas, then the special values."""
    rng = np.random.default_rng(7)
    sign_exp = np.repeat(np.arange(512, dtype=np.uint32), per_exponent)
    mantissa = rng.integers(0, 1 << 23, size=sign_exp.size, dtype=np.uint32)
    x = np.concatenate([((sign_exp << 23) | mantissa).view(np.float32),
                        np.array(SPECIALS, np.float32)])
    pad = -x.size % WIDTH
    return np.concatenate([x, np.zeros(pad, np.float32)]).reshape(-1, WIDTH)


def _reference(fn: str, x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        d = x.astype(np.float64)
        if fn == "erf":
            return np.frompyfunc(math.erf, 1, 1)(d).astype(np.float64).astype(np.float32)
        if fn == "sigmoid":
            return (1.0 / (1.0 + np.exp(-d))).astype(np.float32)
        return getattr(np, fn)(d).astype(np.float32)


def _ordinal(y: np.ndarray) -> np.ndarray:
    """f32 encodings as integers ordered like the floats (+0 and -0 both 0)."""
    i = y.view(np.int32).astype(np.int64)
    return np.where(i < 0, -(i & 0x7FFFFFFF), i)


def _check(fn: str, x: np.ndarray, got: np.ndarray) -> None:
    want = _reference(fn, x)
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan, err_msg=f"{fn}: NaN where numpy has none")
    ulp = np.abs(_ordinal(got[~nan]) - _ordinal(want[~nan]))
    worst = int(np.argmax(ulp))
    assert ulp.max() <= MAX_ULP[fn], (
        f"{fn}: {ulp.max()} ulp at x={x[~nan][worst]!r}: got {got[~nan][worst]!r}, "
        f"want {want[~nan][worst]!r}")
    zero = want == 0
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(want[zero]),
                                  err_msg=f"{fn}: sign of zero")


@pytest.mark.parametrize("fn", list(ONNX_OP))
def test_vectorized_through_onnx(fn):
    x = _sweep()
    node = helper.make_node(ONNX_OP[fn], ["x"], ["y"])
    vi = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(x.shape)) for n in "xy"]
    graph = helper.make_graph([node], fn, [vi[0]], [vi[1]])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    (got,) = aic.compile(model)(x)
    _check(fn, x.ravel(), got.ravel())


SCALAR = """
#id = affine_map<(i) -> (i)>
func.func @f(%x: tensor<{n}xf32>) -> tensor<{n}xf32> {{
  %e = tensor.empty() : tensor<{n}xf32>
  %y = linalg.generic {{indexing_maps = [#id, #id], iterator_types = ["parallel"]}}
      ins(%x : tensor<{n}xf32>) outs(%e : tensor<{n}xf32>) {{
  ^bb0(%a: f32, %b: f32):
    %r = math.{fn} %a : f32
    linalg.yield %r : f32
  }} -> tensor<{n}xf32>
  return %y : tensor<{n}xf32>
}}
"""


VECTOR = """
func.func @f(%x: tensor<{n}xf32>) -> tensor<{n}xf32> {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %cn = arith.constant {n} : index
  %pad = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{n}xf32>
  %y = scf.for %i = %c0 to %cn step %c16 iter_args(%acc = %e) -> tensor<{n}xf32> {{
    %v = vector.transfer_read %x[%i], %pad {{in_bounds = [true]}} : tensor<{n}xf32>, vector<16xf32>
    %r = math.{fn} %v : vector<16xf32>
    %w = vector.transfer_write %r, %acc[%i] {{in_bounds = [true]}} : vector<16xf32>, tensor<{n}xf32>
    scf.yield %w : tensor<{n}xf32>
  }}
  return %y : tensor<{n}xf32>
}}
"""


@pytest.mark.parametrize("template", ["scalar", "vector"])
@pytest.mark.parametrize("fn", ["exp", "expm1", "log", "log1p", "tanh", "erf"])
def test_math_op_through_jit(fn, template):
    """The math op itself, on f32 scalars (loops) and on vector<16xf32>."""
    x = _sweep(per_exponent=64).ravel()
    text = (SCALAR if template == "scalar" else VECTOR).format(n=x.size, fn=fn)
    (got,) = run_mlir(text, "f", [x])
    _check(fn, x, got)


def _erf64(d):
    return np.frompyfunc(math.erf, 1, 1)(d).astype(np.float64)


def _softmax64(d):
    e = np.exp(d - d.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


COMPOSITES = {  # name: (nodes, opset, float64 reference)
    "gelu_erf": ([helper.make_node("Gelu", ["x"], ["y"])], 20,
                 lambda d: 0.5 * d * (1 + _erf64(d / np.sqrt(2)))),
    "gelu_tanh": ([helper.make_node("Gelu", ["x"], ["y"], approximate="tanh")], 20,
                  lambda d: 0.5 * d * (1 + np.tanh(np.sqrt(2 / np.pi) * (d + 0.044715 * d**3)))),
    "silu": ([helper.make_node("Sigmoid", ["x"], ["s"]),
              helper.make_node("Mul", ["x", "s"], ["y"])], 17, lambda d: d / (1 + np.exp(-d))),
    "softmax": ([helper.make_node("Softmax", ["x"], ["y"], axis=-1)], 17, _softmax64),
    "softplus": ([helper.make_node("Softplus", ["x"], ["y"])], 17, lambda d: np.logaddexp(0, d)),
    "mish": ([helper.make_node("Mish", ["x"], ["y"])], 18,
             lambda d: d * np.tanh(np.logaddexp(0, d))),
    "elu": ([helper.make_node("Elu", ["x"], ["y"], alpha=0.7)], 17,
            lambda d: np.where(d < 0, 0.7 * np.expm1(d), d)),
    "log_softmax": ([helper.make_node("LogSoftmax", ["x"], ["y"], axis=-1)], 17,
                    lambda d: np.log(_softmax64(d))),
}


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_models_using_the_approximations(name):
    """GELU (both forms), SiLU, softmax, log-softmax, softplus, mish and ELU on [-12, 12]:
    within a few f32 ulps of float64 numpy (absolute near zero, where the formulas cancel)."""
    nodes, opset, reference = COMPOSITES[name]
    x = np.random.default_rng(3).uniform(-12, 12, (64, 197)).astype(np.float32)
    vi = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(x.shape)) for n in "xy"]
    model = helper.make_model(helper.make_graph(nodes, name, [vi[0]], [vi[1]]),
                              opset_imports=[helper.make_opsetid("", opset)])
    (got,) = aic.compile(model)(x)
    np.testing.assert_allclose(got, reference(x.astype(np.float64)), rtol=2e-6, atol=1e-6)


def test_softmax_rows_with_special_values_match_onnxruntime():
    """Softmax's row max skips a NaN (``maxnumf``, cheaper than ``maximumf`` on x86) -- the
    NaN still reaches every output of its row through exp and the sum, as in onnxruntime; a
    row of -inf, a +inf, signed zeros and a -inf among finite values give onnxruntime's
    answers too."""
    from aic.runner import onnxruntime_session

    x = np.random.default_rng(5).standard_normal((6, 37)).astype(np.float32)
    x[0, 5] = np.nan
    x[1, :] = -np.inf
    x[2, 3] = np.inf
    x[3, 0], x[3, 1] = -0.0, 0.0
    x[4, :], x[4, 36] = 0.0, np.nan
    x[5, 0] = -np.inf
    vi = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(x.shape)) for n in "xy"]
    model = helper.make_model(
        helper.make_graph([helper.make_node("Softmax", ["x"], ["y"], axis=-1)], "softmax",
                          [vi[0]], [vi[1]]), opset_imports=[helper.make_opsetid("", 17)])
    (got,) = aic.compile(model, cache=False)(x)
    want = onnxruntime_session(model.SerializeToString()).run(None, {"x": x})[0]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(got[[0, 1, 2, 4]]).all() and not np.isnan(got[[3, 5]]).any()
    np.testing.assert_allclose(np.nan_to_num(got), np.nan_to_num(want), rtol=1e-6, atol=1e-7)
