"""Numerical tests of aic-convert-graph-to-linalg: each graph op lowered, JIT-run, vs numpy.

One graph op per function (see graph_harness.py); f32 tolerances rtol 1e-5 / atol 1e-6
unless an op accumulates (conv, matmul, norms: 1e-4).
"""

import math

import numpy as np
import pytest

from aic.context import make_context
from aic.mlir_api import ir
from aic.passes.conversions.graph_to_linalg import ConvertGraphToLinalg
from aic.runtime.jit import run_mlir
from graph_harness import check_op, graph_func
from graph_refs import conv_ref, conv_transpose_ref, pool_ref

RNG = np.random.default_rng(0)


def rnd(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def arr(name, values, kind="i64"):
    if not values:
        return f"{name} = array<{kind}>"
    return f"{name} = array<{kind}: {', '.join(str(v) for v in values)}>"


def unary_attrs(fn, alpha=0.0, beta=0.0):
    return f'fn = "{fn}", alpha = {alpha!r} : f32, beta = {beta!r} : f32'


# -- elementwise --------------------------------------------------------------------------------

BINARY = [("add", np.add), ("sub", np.subtract), ("mul", np.multiply), ("max", np.maximum),
          ("min", np.minimum)]


@pytest.mark.parametrize("name,fn", BINARY)
@pytest.mark.parametrize("shapes", [((2, 3), (3,)), ((4, 1, 3), (2, 1)), ((), (2, 2))])
def test_binary_broadcast(name, fn, shapes):
    a, b = rnd(*shapes[0]), rnd(*shapes[1])
    check_op(name, [a, b], fn(a, b).astype(np.float32))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8])
def test_integer_arith(dtype):
    a = RNG.integers(-50, 50, (3, 4)).astype(dtype)
    b = RNG.integers(1, 9, (4,)).astype(dtype) * np.where(RNG.random(4) < 0.5, -1, 1).astype(dtype)
    check_op("add", [a, b], (a + b).astype(dtype))
    check_op("div", [a, b], np.trunc(a / b).astype(dtype))  # truncates toward zero
    check_op("mod", [a, b], np.fmod(a, b).astype(dtype), "fmod = true")
    check_op("mod", [a, b], np.mod(a, b).astype(dtype), "fmod = false")
    check_op("max", [a, b], np.maximum(a, b))


def test_float_div_pow_mod_f64():
    a, b = rnd(3, 4, dtype=np.float64), rnd(4, dtype=np.float64)
    check_op("div", [a, b], a / b, rtol=1e-12)
    check_op("pow", [np.abs(a), b], np.abs(a) ** b, rtol=1e-12)
    check_op("mod", [a, b], np.fmod(a, b), "fmod = true", rtol=1e-12)


def test_nan_propagates_through_min_max():
    a = np.array([1.0, np.nan, 3.0], np.float32)
    b = np.array([np.nan, 2.0, 1.0], np.float32)
    check_op("max", [a, b], np.maximum(a, b))
    check_op("min", [a, b], np.minimum(a, b))


@pytest.mark.parametrize("pred,fn", [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
                                     ("le", np.less_equal), ("gt", np.greater),
                                     ("ge", np.greater_equal)])
def test_compare(pred, fn):
    a = np.array([[1.0, np.nan, 3.0, 2.0]], np.float32)
    b = np.array([2.0, 1.0, np.nan, 2.0], np.float32)
    check_op("compare", [a, b], fn(a, b), f'predicate = "{pred}"')
    ai, bi = RNG.integers(-3, 3, (2, 5)), RNG.integers(-3, 3, (5,))
    check_op("compare", [ai, bi], fn(ai, bi), f'predicate = "{pred}"')


@pytest.mark.parametrize("kind,fn", [("and", np.logical_and), ("or", np.logical_or),
                                     ("xor", np.logical_xor)])
def test_logical(kind, fn):
    a, b = RNG.random((3, 4)) < 0.5, RNG.random((4,)) < 0.5
    check_op("logical", [a, b], fn(a, b), f'kind = "{kind}"')


def _np_erf(x):
    return np.vectorize(math.erf)(x.astype(np.float64)).astype(x.dtype)


def _sp(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


UNARY = {
    "neg": np.negative, "abs": np.abs,
    "exp": np.exp, "floor": np.floor, "ceil": np.ceil, "round": np.round, "sign": np.sign,
    "erf": _np_erf, "tanh": np.tanh, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "atan": np.arctan, "sinh": np.sinh,
    "cosh": np.cosh, "asinh": np.arcsinh, "relu": lambda x: np.maximum(x, 0),
    "gelu": lambda x: 0.5 * x * (1 + _np_erf(x / np.sqrt(2))),
    "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
    "softplus": _sp, "softsign": lambda x: x / (1 + np.abs(x)),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "mish": lambda x: x * np.tanh(_sp(x)), "silu": lambda x: x / (1 + np.exp(-x)),
    "reciprocal": lambda x: 1 / x,
}
POSITIVE = {"sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "log": np.log,
            "acosh": lambda x: np.arccosh(x + 1)}


@pytest.mark.parametrize("fn", sorted(UNARY))
def test_unary(fn):
    x = rnd(3, 5) * 2
    x[0, :3] = [0.5, -2.5, 1.5]  # round half to even
    check_op("unary", [x], UNARY[fn](x).astype(np.float32), unary_attrs(fn), rtol=2e-5)


@pytest.mark.parametrize("fn", ["sqrt", "rsqrt", "log"])
def test_unary_positive(fn):
    x = np.abs(rnd(4, 3)) + 0.1
    check_op("unary", [x], POSITIVE[fn](x).astype(np.float32), unary_attrs(fn), rtol=2e-5)


def test_unary_inverse_trig():
    x = np.clip(rnd(8), -0.9, 0.9)
    check_op("unary", [x], np.arcsin(x), unary_attrs("asin"), rtol=2e-5)
    check_op("unary", [x], np.arccos(x), unary_attrs("acos"), rtol=2e-5)
    check_op("unary", [x], np.arctanh(x), unary_attrs("atanh"), rtol=2e-5)
    y = np.abs(x) + 1.0
    check_op("unary", [y], np.arccosh(y), unary_attrs("acosh"), rtol=2e-5)


@pytest.mark.parametrize("fn,alpha,beta,ref", [
    ("leaky_relu", 0.1, 0.0, lambda x: np.where(x < 0, 0.1 * x, x)),
    ("elu", 0.7, 0.0, lambda x: np.where(x < 0, 0.7 * (np.exp(x) - 1), x)),
    ("selu", 1.67, 1.05, lambda x: np.where(x <= 0, 1.05 * (1.67 * np.exp(x) - 1.67), 1.05 * x)),
    ("celu", 0.5, 0.0, lambda x: np.maximum(0, x) + np.minimum(0, 0.5 * (np.exp(x / 0.5) - 1))),
    ("hard_sigmoid", 0.2, 0.5, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ("thresholded_relu", 0.3, 0.0, lambda x: np.where(x > 0.3, x, 0)),
])
def test_unary_params(fn, alpha, beta, ref):
    x = rnd(4, 6)
    check_op("unary", [x], ref(x).astype(np.float32), unary_attrs(fn, alpha, beta), rtol=2e-5)


def test_unary_bool_and_int():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    for fn, ref in [("isnan", np.isnan), ("isinf", np.isinf), ("isposinf", np.isposinf),
                    ("isneginf", np.isneginf)]:
        check_op("unary", [x], ref(x), unary_attrs(fn))
    b = RNG.random(6) < 0.5
    check_op("unary", [b], ~b, unary_attrs("not"))
    i = RNG.integers(-9, 9, (5,))
    for fn, ref in [("neg", np.negative), ("abs", np.abs), ("relu", lambda v: np.maximum(v, 0)),
                    ("sign", np.sign)]:
        check_op("unary", [i], ref(i), unary_attrs(fn))


def test_unary_f16():
    x = rnd(2, 3, dtype=np.float16)
    check_op("unary", [x], np.tanh(x.astype(np.float32)).astype(np.float16), unary_attrs("tanh"),
             rtol=1e-3, atol=1e-3)


def test_clip_where_cast():
    x, lo, hi = rnd(3, 4), np.array(-0.5, np.float32), np.array(0.5, np.float32)
    check_op("clip", [x, lo, hi], np.clip(x, lo, hi), "operandSegmentSizes = array<i32: 1, 1, 1>")
    check_op("clip", [x, hi], np.minimum(x, hi), "operandSegmentSizes = array<i32: 1, 0, 1>")
    c = RNG.random((3, 1)) < 0.5
    y = rnd(4)
    check_op("where", [c, x, y], np.where(c, x, y))
    f = np.array([1.7, -1.7, 0.0, 2.5, np.nan], np.float32)[:4]
    check_op("cast", [f], f.astype(np.int64))  # truncation toward zero
    check_op("cast", [f], f != 0)
    check_op("cast", [f], f.astype(np.float64))
    i = np.array([-3, 0, 7], np.int32)
    check_op("cast", [i], i.astype(np.float32))
    check_op("cast", [i], i.astype(np.int8))
    check_op("cast", [i], i.astype(np.int64))


# -- contractions -------------------------------------------------------------------------------

@pytest.mark.parametrize("sa,sb", [((4, 5), (5, 6)), ((2, 3, 4, 5), (5, 6)), ((3, 4, 5), (3, 5, 6)),
                                   ((2, 1, 4, 5), (3, 5, 6)), ((5,), (3, 5, 6)), ((3, 4, 5), (5,))])
def test_matmul(sa, sb):
    a, b = rnd(*sa), rnd(*sb)
    check_op("matmul", [a, b], a @ b, rtol=1e-4, atol=1e-5)


def test_matmul_int():
    a, b = RNG.integers(-5, 5, (3, 4)), RNG.integers(-5, 5, (4, 2))
    check_op("matmul", [a, b], a @ b)


@pytest.mark.parametrize("dtype, bound", [(np.int32, 1000), (np.int64, 2 ** 20)])
def test_matmul_int_on_the_micro_kernel(dtype, bound):
    """i32 and i64 matmuls run on the integer micro-kernel (ragged 37 x 300 x 45); the i64
    products (up to 2^40) and sums overflow 32 bits, so they must be 64-bit arithmetic."""
    a = RNG.integers(-bound, bound, (37, 300)).astype(dtype)
    b = RNG.integers(-bound, bound, (300, 45)).astype(dtype)
    check_op("matmul", [a, b], a @ b)


@pytest.mark.parametrize("ta,tb,alpha,beta,cshape", [(False, False, 1.0, 1.0, (6,)),
                                                     (True, True, 0.5, 2.0, (4, 6)),
                                                     (False, True, 1.0, 0.0, None)])
def test_dense(ta, tb, alpha, beta, cshape):
    a = rnd(5, 4) if ta else rnd(4, 5)
    b = rnd(6, 5) if tb else rnd(5, 6)
    c = rnd(*cshape) if cshape else None
    ref = alpha * ((a.T if ta else a) @ (b.T if tb else b)) + (beta * c if c is not None else 0)
    attrs = (f"alpha = {alpha} : f32, beta = {beta} : f32, trans_a = {str(ta).lower()}, "
             f"trans_b = {str(tb).lower()}")
    check_op("dense", [a, b] + ([c] if c is not None else []), ref.astype(np.float32), attrs,
             rtol=1e-4, atol=1e-5)


# -- conv and pool ------------------------------------------------------------------------------

CONVS = [  # x shape, w shape, strides, pads, dilations, group, bias
    ((1, 3, 8, 8), (4, 3, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1, True),
    ((2, 4, 9, 7), (4, 1, 3, 3), (2, 1), (1, 0, 2, 1), (1, 2), 4, False),  # depthwise
    ((1, 4, 6, 6), (6, 2, 3, 3), (1, 1), (0, 0, 0, 0), (1, 1), 2, True),  # grouped
    ((1, 2, 6, 6), (4, 1, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 2, False),  # multiplier 2
    ((1, 4, 10), (6, 2, 3), (2,), (1, 1), (2,), 2, True),  # 1-d grouped (generic)
    ((1, 3, 10), (2, 3, 3), (1,), (0, 2), (1,), 1, True),  # 1-d named
    ((1, 2, 5, 5, 5), (3, 2, 2, 2, 2), (1, 1, 1), (0, 0, 0, 1, 1, 1), (1, 1, 1), 1, False),
    # group 1, 2-D: im2col + matmul (batch > 1: batch_matmul)
    ((1, 3, 11, 9), (5, 3, 3, 2), (2, 1), (1, 0, 2, 1), (2, 1), 1, True),
    ((2, 4, 7, 6), (3, 4, 3, 3), (1, 2), (1, 1, 1, 1), (1, 1), 1, True),
    ((1, 5, 6, 6), (7, 5, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1, True),  # 1x1: no copy
    ((3, 4, 7, 7), (6, 4, 1, 1), (2, 2), (0, 0, 0, 0), (1, 1), 1, False),  # 1x1 strided
    ((2, 3, 5, 5), (4, 3, 1, 1), (1, 1), (1, 0, 0, 1), (1, 1), 1, True),  # 1x1 padded
]


@pytest.mark.parametrize("xs,ws,st,pd,dl,g,bias", CONVS)
def test_conv(xs, ws, st, pd, dl, g, bias):
    x, w = rnd(*xs), rnd(*ws)
    b = rnd(ws[0]) if bias else None
    attrs = ", ".join([arr("dilations", dl), f"group = {g} : i64", arr("pads", pd),
                       arr("strides", st)])
    check_op("conv", [x, w] + ([b] if bias else []), conv_ref(x, w, b, st, pd, dl, g), attrs,
             rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("im2col", [True, False])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_conv_im2col_option(im2col, dtype):
    """conv-im2col selects matmul (one per image of the batch) or the named conv op; both
    give the reference result."""
    x, w, b = rnd(2, 3, 6, 5, dtype=dtype), rnd(4, 3, 3, 2, dtype=dtype), rnd(4, dtype=dtype)
    st, pd, dl = (1, 2), (1, 0, 0, 1), (1, 1)
    ref = conv_ref(x.astype(np.float32), w.astype(np.float32), b.astype(np.float32),
                   st, pd, dl, 1)
    attrs = ", ".join([arr("dilations", dl), "group = 1 : i64", arr("pads", pd),
                       arr("strides", st)])
    text = graph_func("conv", [x, w, b], [ref.astype(dtype)], attrs)
    with make_context():
        module = ir.Module.parse(text)
        ConvertGraphToLinalg(conv_im2col=im2col).run(module.operation)
        ir_text = str(module)
    assert ("linalg.matmul" in ir_text) == im2col
    assert ("linalg.conv_2d_nchw_fchw" in ir_text) != im2col
    got = run_mlir(module, "f", [x, w, b])[0]
    tol = 1e-4 if dtype == np.float32 else 1e-2
    np.testing.assert_allclose(got.astype(np.float32), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("xs,ws,st,pd,dl,g,opad", [
    ((1, 4, 4, 4), (4, 2, 2, 2), (2, 2), (0, 0, 0, 0), (1, 1), 1, (0, 0)),
    ((1, 2, 5, 4), (2, 3, 3, 3), (2, 1), (1, 0, 1, 2), (1, 2), 1, (1, 0)),
    ((1, 4, 3, 3), (4, 1, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 2, (0, 0)),
])
def test_conv_transpose(xs, ws, st, pd, dl, g, opad):
    x, w, b = rnd(*xs), rnd(*ws), rnd(ws[1] * g)
    ns = len(st)
    outs = [st[d] * (xs[2 + d] - 1) + opad[d] + (ws[2 + d] - 1) * dl[d] + 1 - pd[d] - pd[ns + d]
            for d in range(ns)]
    attrs = ", ".join([arr("dilations", dl), f"group = {g} : i64", arr("output_padding", opad),
                       arr("pads", pd), arr("strides", st)])
    check_op("conv_transpose", [x, w, b], conv_transpose_ref(x, w, b, st, pd, dl, g, outs),
             attrs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("xs,k,st,pd,dl,ceil,incl", [
    ((1, 2, 8, 8), (2, 2), (2, 2), (0, 0, 0, 0), (1, 1), False, False),
    ((1, 2, 7, 7), (3, 3), (2, 2), (1, 1, 1, 1), (1, 1), True, False),
    ((2, 3, 7, 6), (3, 2), (2, 3), (1, 0, 1, 1), (1, 1), True, True),
    ((1, 2, 9, 9), (2, 2), (1, 1), (0, 0, 0, 0), (2, 2), False, True),
    ((1, 2, 9), (3,), (2,), (1, 1), (1,), True, False),
    ((1, 1, 5, 5, 5), (2, 2, 2), (2, 2, 2), (0, 0, 0, 1, 1, 1), (1, 1, 1), False, True),
])
def test_pool(kind, xs, k, st, pd, dl, ceil, incl):
    x = rnd(*xs)
    ns = len(k)
    rnd_fn = math.ceil if ceil else math.floor
    outs = [rnd_fn((xs[2 + d] + pd[d] + pd[ns + d] - dl[d] * (k[d] - 1) - 1) / st[d]) + 1
            for d in range(ns)]
    if ceil:  # the last window must start inside the input or the begin padding
        outs = [o - 1 if (o - 1) * st[d] >= xs[2 + d] + pd[d] else o for d, o in enumerate(outs)]
    attrs = ", ".join([f"ceil_mode = {str(ceil).lower()}", f"count_include_pad = {str(incl).lower()}",
                       arr("dilations", dl), arr("kernel", k), f'kind = "{kind}"', arr("pads", pd),
                       arr("strides", st)])
    check_op("pool", [x], pool_ref(x, kind, k, st, pd, dl, outs, incl), attrs, rtol=1e-5)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_global_pool(kind):
    x = rnd(2, 3, 4, 5)
    ref = x.max((2, 3), keepdims=True) if kind == "max" else x.mean((2, 3), keepdims=True)
    check_op("global_pool", [x], ref, f'kind = "{kind}"')


# -- reductions and normalisation ---------------------------------------------------------------

REDUCE = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod,
          "l1": lambda x, **k: np.abs(x).sum(**k), "l2": lambda x, **k: np.sqrt((x * x).sum(**k)),
          "sum_square": lambda x, **k: (x * x).sum(**k),
          "log_sum": lambda x, **k: np.log(x.sum(**k)),
          "log_sum_exp": lambda x, **k: np.log(np.exp(x).sum(**k))}


@pytest.mark.parametrize("kind", sorted(REDUCE))
@pytest.mark.parametrize("axes,keep", [((1,), True), ((0, 2), False), ((), False), ((-1,), True)])
def test_reduce(kind, axes, keep):
    x = np.abs(rnd(3, 4, 5)) + 0.5 if kind == "log_sum" else rnd(3, 4, 5)
    ref = REDUCE[kind](x, axis=tuple(axes) or None, keepdims=keep)
    attrs = f'{arr("axes", axes)}, keepdims = {str(keep).lower()}, kind = "{kind}"'
    check_op("reduce", [x], np.asarray(ref, np.float32), attrs, rtol=1e-4, atol=1e-5)


def test_reduce_int():
    x = RNG.integers(-9, 9, (3, 4))
    check_op("reduce", [x], x.max(1), f'{arr("axes", [1])}, keepdims = false, kind = "max"')
    check_op("reduce", [x], x.sum(0, keepdims=True), f'{arr("axes", [0])}, keepdims = true, kind = "sum"')


@pytest.mark.parametrize("kind,last", [("max", False), ("min", False), ("max", True)])
def test_arg_reduce(kind, last):
    x = RNG.integers(0, 3, (4, 6)).astype(np.float32)  # ties
    fn = np.argmax if kind == "max" else np.argmin
    ref = (5 - fn(x[:, ::-1], axis=1)) if last else fn(x, axis=1)
    attrs = f'axis = 1 : i64, keepdims = false, kind = "{kind}", select_last_index = {str(last).lower()}'
    check_op("arg_reduce", [x], ref.astype(np.int64), attrs)


@pytest.mark.parametrize("axis,log", [(-1, False), (0, False), (1, True)])
def test_softmax(axis, log):
    x = rnd(3, 4, 5) * 30  # large values: needs the max subtraction
    e = np.exp(x - x.max(axis, keepdims=True))
    ref = e / e.sum(axis, keepdims=True)
    if log:
        ref = x - x.max(axis, keepdims=True) - np.log(e.sum(axis, keepdims=True))
    check_op("softmax", [x], ref.astype(np.float32), f"axis = {axis} : i64, log = {str(log).lower()}",
             rtol=1e-4, atol=1e-5)


def _norm(x, axes, eps):
    m = x.mean(axes, keepdims=True)
    return (x - m) / np.sqrt(((x - m) ** 2).mean(axes, keepdims=True) + eps)


@pytest.mark.parametrize("axis,bias", [(-1, True), (1, False)])
def test_layer_norm(axis, bias):
    x = rnd(2, 3, 4)
    g = rnd(*x.shape[axis:])
    b = rnd(*x.shape[axis:])
    ref = _norm(x, tuple(range(axis % 3, 3)), 1e-5) * g + (b if bias else 0)
    args = [x, g] + ([b] if bias else [])
    check_op("layer_norm", args, ref.astype(np.float32), f"axis = {axis} : i64, epsilon = 1.0e-05 : f32",
             rtol=1e-4, atol=1e-4)


def test_batch_norm():
    x, s, b, m, v = rnd(2, 3, 4, 4), rnd(3), rnd(3), rnd(3), np.abs(rnd(3)) + 0.1
    c = lambda a: a.reshape(1, 3, 1, 1)  # noqa: E731
    ref = (x - c(m)) / np.sqrt(c(v) + 1e-5) * c(s) + c(b)
    check_op("batch_norm", [x, s, b, m, v], ref.astype(np.float32), "epsilon = 1.0e-05 : f32",
             rtol=1e-4, atol=1e-5)


def test_group_norm():
    x, s, b = rnd(2, 4, 3, 3), rnd(4), rnd(4)
    xg = x.reshape(2, 2, 2, 3, 3)
    ref = _norm(xg, (2, 3, 4), 1e-5).reshape(x.shape) * s.reshape(1, 4, 1, 1) + b.reshape(1, 4, 1, 1)
    check_op("group_norm", [x, s, b], ref.astype(np.float32),
             "epsilon = 1.0e-05 : f32, num_groups = 2 : i64", rtol=1e-4, atol=1e-4)


def test_lrn():
    x, size, alpha, beta, bias = rnd(1, 5, 3, 3), 3, 1e-2, 0.75, 1.0
    sq = np.pad(x * x, [(0, 0), (1, 1), (0, 0), (0, 0)])
    sums = sum(sq[:, i:i + 5] for i in range(size))
    ref = x / (bias + alpha / size * sums) ** beta
    check_op("lrn", [x], ref.astype(np.float32),
             f"alpha = {alpha} : f32, beta = {beta} : f32, bias = {bias} : f32, size = {size} : i64",
             rtol=1e-5)


@pytest.mark.parametrize("excl,rev", [(False, False), (True, False), (False, True), (True, True)])
def test_cumsum(excl, rev):
    x = rnd(3, 5)
    y = x[:, ::-1] if rev else x
    c = np.cumsum(y, 1)
    if excl:
        c = np.concatenate([np.zeros((3, 1), np.float32), c[:, :-1]], 1)
    ref = c[:, ::-1] if rev else c
    check_op("cumsum", [x], np.ascontiguousarray(ref),
             f"axis = 1 : i64, exclusive = {str(excl).lower()}, reverse = {str(rev).lower()}",
             rtol=1e-5, atol=1e-5)


# -- data movement ------------------------------------------------------------------------------

def test_reshape_transpose():
    x = rnd(2, 3, 4)
    for shape in [(6, 4), (2, 12), (24,), (4, 3, 2), (1, 2, 3, 4, 1), (3, 8)]:
        check_op("reshape", [x], x.reshape(shape))
    check_op("transpose", [x], x.transpose(2, 0, 1).copy(), arr("perm", [2, 0, 1]))


def test_concat_slice():
    a, b, c = rnd(2, 3), rnd(2, 5), rnd(4, 3)
    check_op("concat", [a, b], np.concatenate([a, b], 1), "axis = 1 : i64")
    check_op("concat", [a, c], np.concatenate([a, c], 0), "axis = 0 : i64")
    x = rnd(2, 8)
    check_op("slice", [x], x[:, 1::2].copy(), f'{arr("starts", [0, 1])}, {arr("steps", [1, 2])}')
    check_op("slice", [x], x[::-1, 6::-3].copy(), f'{arr("starts", [1, 6])}, {arr("steps", [-1, -3])}')


def test_gather():
    x = rnd(5, 4)
    i = np.array([[0, -1], [3, 2]], np.int64)
    check_op("gather", [x, i], np.take(x, i, 0), "axis = 0 : i64")
    j = np.array([3, -4, 1], np.int32)
    check_op("gather", [x, j], np.take(x, j, 1), "axis = 1 : i64")
    k = RNG.integers(0, 4, (5, 2))
    check_op("gather_elements", [x, k], np.take_along_axis(x, k, 1), "axis = 1 : i64")


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge", "wrap"])
def test_pad(mode):
    x = rnd(3, 4)
    pads = (1, 2, 2, 1)
    np_mode = {"constant": "constant", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}[mode]
    kw = {"constant_values": 1.5} if mode == "constant" else {}
    ref = np.pad(x, [(1, 2), (2, 1)], mode=np_mode, **kw)
    check_op("pad", [x], ref, f'mode = "{mode}", {arr("pads", pads)}, value = 1.5 : f32')


def test_expand_tile():
    x = rnd(3, 1)
    check_op("expand", [x], np.broadcast_to(x, (2, 3, 4)).copy())
    y = rnd(2, 3)
    check_op("tile", [y], np.tile(y, (2, 3)), arr("repeats", [2, 3]))


def test_constant_trilu_one_hot():
    x = rnd(2, 4, 5)
    for upper in (True, False):
        for k in (-1, 0, 2):
            ref = np.triu(x, k) if upper else np.tril(x, k)
            check_op("trilu", [x], ref, f"k = {k} : i64, upper = {str(upper).lower()}")
    i = np.array([0, 3, -1], np.int64)
    check_op("one_hot", [i], np.eye(4, dtype=np.float32)[i].T.copy() * 2 - 1,
             "axis = 0 : i64, depth = 4 : i64, off_value = -1.0 : f32, on_value = 1.0 : f32")


# -- topk / resize --------------------------------------------------------------------------------

def _topk_ref(x, k, axis, largest):
    key = -x if largest else x
    order = np.argsort(key, axis=axis, kind="stable")  # stable: ties keep the lower index
    idx = np.take(order, np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis), idx.astype(np.int64)


@pytest.mark.parametrize("axis,largest", [(-1, True), (0, False), (1, True)])
def test_topk(axis, largest):
    x = RNG.integers(0, 4, (4, 6, 3)).astype(np.float32)  # many ties
    k = 3
    vals, idx = _topk_ref(x, k, axis, largest)
    check_op("topk", [x], [vals, idx],
             f"axis = {axis} : i64, k = {k} : i64, largest = {str(largest).lower()}")


def test_topk_int64_full_k():
    x = RNG.integers(-9, 9, (2, 5)).astype(np.int64)
    vals, idx = _topk_ref(x, 5, 1, True)
    check_op("topk", [x], [vals, idx], "axis = 1 : i64, k = 5 : i64, largest = true")


def _onnx_resize_ref(x, scales, mode, coord, nearest="round_prefer_floor", a=-0.75):
    from onnx import TensorProto, helper
    from onnx.reference import ReferenceEvaluator

    node = helper.make_node("Resize", ["x", "", "scales"], ["y"], mode=mode,
                            coordinate_transformation_mode=coord, nearest_mode=nearest,
                            cubic_coeff_a=a)
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape),
                      helper.make_tensor_value_info("scales", TensorProto.FLOAT, [x.ndim])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    return ReferenceEvaluator(model).run(None, {"x": x, "scales": np.array(scales, np.float32)})[0]


def _resize_attrs(mode, coord, nearest, scales, a=-0.75):
    return (f'coordinate_mode = "{coord}", cubic_coeff = {a!r} : f32, mode = "{mode}", '
            f'nearest_mode = "{nearest}", {arr("scales", scales, "f32")}')


def _resize_attrs_full(mode, coord, scales, exclude=False, extrapolation=0.0):
    return (_resize_attrs(mode, coord, "round_prefer_floor", scales) +
            f", exclude_outside = {str(exclude).lower()}, extrapolation_value = {extrapolation!r} : f32")


RESIZE_COORDS = ["half_pixel", "half_pixel_symmetric", "asymmetric", "align_corners",
                 "pytorch_half_pixel"]


@pytest.mark.parametrize("coord", RESIZE_COORDS)
@pytest.mark.parametrize("mode", ["linear", "cubic"])
@pytest.mark.parametrize("scales", [[1.0, 1.0, 2.0, 1.5], [1.0, 1.0, 0.6, 0.8]])
def test_resize_interpolating(mode, coord, scales):
    x = rnd(1, 2, 5, 4)
    ref = _onnx_resize_ref(x, scales, mode, coord)
    check_op("resize", [x], ref.astype(np.float32), _resize_attrs_full(mode, coord, scales),
             rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("nearest", ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"])
@pytest.mark.parametrize("coord", RESIZE_COORDS)
def test_resize_nearest(nearest, coord):
    x = rnd(1, 1, 4, 6)
    scales = [1.0, 1.0, 1.75, 0.5]
    ref = _onnx_resize_ref(x, scales, "nearest", coord, nearest)
    check_op("resize", [x], ref, _resize_attrs("nearest", coord, nearest, scales) +
             ", exclude_outside = false, extrapolation_value = 0.0 : f32")


def test_resize_exclude_outside_and_crop():
    from onnx import TensorProto, helper, numpy_helper
    from onnx.reference import ReferenceEvaluator

    x = rnd(1, 1, 4, 5)
    roi = np.array([0, 0, 0.2, 0.1, 1, 1, 0.9, 1.2], np.float32)  # reaches outside: extrapolates
    scales = [1.0, 1.0, 1.5, 0.8]
    for mode, coord, extra in [("cubic", "half_pixel", {"exclude_outside": 1}),
                               ("linear", "tf_crop_and_resize", {"extrapolation_value": 7.0})]:
        node = helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode=mode,
                                coordinate_transformation_mode=coord, **extra)
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            initializer=[numpy_helper.from_array(roi, "roi"),
                         numpy_helper.from_array(np.array(scales, np.float32), "s")])
        ref = ReferenceEvaluator(helper.make_model(graph)).run(None, {"x": x})[0]
        crop = "extrapolation_value" in extra
        attrs = _resize_attrs_full(mode, coord, scales, exclude=not crop,
                                   extrapolation=7.0 if crop else 0.0)
        attrs += f", {arr('roi', roi.tolist(), 'f32')}" if crop else ""
        check_op("resize", [x], ref.astype(np.float32), attrs, rtol=1e-5, atol=1e-5)
