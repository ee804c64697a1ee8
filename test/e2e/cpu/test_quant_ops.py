"""Quantization ops (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
ConvInteger, QLinearMatMul, QLinearConv) compiled for the CPU match onnxruntime.

Single-node models with seeded random data (ties of ``x / scale`` included: round half to
even), every input a run-time input; integer results must equal onnxruntime's exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.runner import onnxruntime_session

RNG = np.random.default_rng(9)
_ONNX = {np.float32: TensorProto.FLOAT, np.int8: TensorProto.INT8, np.uint8: TensorProto.UINT8,
         np.int32: TensorProto.INT32, np.int16: TensorProto.INT16,
         np.uint16: TensorProto.UINT16}


def _model(op, inputs: dict, outputs: dict, opset: int, consts=(), **attrs):
    """One ``op`` node; ``inputs``/``outputs`` map names to arrays / (dtype, shape)."""
    names = list(inputs)
    infos = [helper.make_tensor_value_info(k, _ONNX[v.dtype.type], v.shape)
             for k, v in inputs.items() if k not in consts]
    inits = [numpy_helper.from_array(inputs[k], k) for k in consts]
    outs = [helper.make_tensor_value_info(k, _ONNX[np.dtype(t).type], s)
            for k, (t, s) in outputs.items()]
    node = helper.make_node(op, [k if inputs[k] is not None else "" for k in names],
                            list(outputs), **attrs)
    graph = helper.make_graph([node], op, infos, outs, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _run_both(model, feed: dict):
    feed = {k: np.asarray(v) for k, v in feed.items()
            if k in {i.name for i in model.graph.input}}
    got = aic.compile(model, cache=False)(**feed)
    session = onnxruntime_session(model.SerializeToString())
    want = session.run(None, feed)
    return list(got), want


def _ints(dtype, shape):
    info = np.iinfo(dtype)
    return RNG.integers(info.min, int(info.max) + 1, shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
@pytest.mark.parametrize("per_axis", [False, True])
def test_quantize_dequantize(dtype, per_axis):
    scale = (np.array([0.5, 0.25, 0.125], np.float32) if per_axis
             else np.array(0.5, np.float32))
    zp = (np.array([3, -2, 0], np.int8) if per_axis else np.array(3, np.int8)).astype(dtype)
    if dtype == np.uint8:
        zp = zp.astype(np.int64).clip(0).astype(np.uint8) + np.uint8(100)
    # halves of the scale hit ties; large magnitudes saturate
    x = (RNG.integers(-600, 600, (2, 3, 4)) * 0.0625).astype(np.float32)
    q = _model("QuantizeLinear", {"x": x, "s": scale, "zp": zp}, {"y": (dtype, x.shape)}, 13,
               axis=1)
    (got,), (want,) = _run_both(q, {"x": x, "s": scale, "zp": zp})
    np.testing.assert_array_equal(got, want)
    d = _model("DequantizeLinear", {"q": want, "s": scale, "zp": zp},
               {"y": (np.float32, x.shape)}, 13, axis=1)
    (got,), (want,) = _run_both(d, {"q": want, "s": scale, "zp": zp})
    np.testing.assert_array_equal(got, want)


def test_blocked_quantize_int16():
    x = RNG.standard_normal((4, 6)).astype(np.float32) * 100
    scale = RNG.uniform(0.01, 0.05, (4, 3)).astype(np.float32)
    zp = _ints(np.int16, (4, 3)) // 4
    m = _model("QuantizeLinear", {"x": x, "s": scale, "zp": zp}, {"y": (np.int16, x.shape)}, 21,
               axis=1, block_size=2)
    (got,), (want,) = _run_both(m, {"x": x, "s": scale, "zp": zp})
    np.testing.assert_array_equal(got, want)
    d = _model("DequantizeLinear", {"q": want, "s": scale, "zp": zp},
               {"y": (np.float32, x.shape)}, 21, axis=1, block_size=2)
    (got,), (want,) = _run_both(d, {"q": want, "s": scale, "zp": zp})
    np.testing.assert_array_equal(got, want)


def test_dynamic_quantize_linear():
    x = RNG.standard_normal((3, 5, 7)).astype(np.float32)
    outs = {"y": (np.uint8, x.shape), "s": (np.float32, []), "zp": (np.uint8, [])}
    got, want = _run_both(_model("DynamicQuantizeLinear", {"x": x}, outs, 11), {"x": x})
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("a_type,b_type", [(np.uint8, np.int8), (np.int8, np.int8),
                                           (np.uint8, np.uint8)])
def test_matmul_integer(a_type, b_type):
    a, b = _ints(a_type, (2, 5, 16)), _ints(b_type, (16, 6))
    feed = {"a": a, "b": b, "azp": _ints(a_type, ()), "bzp": _ints(b_type, (6,))}
    m = _model("MatMulInteger", feed, {"y": (np.int32, [2, 5, 6])}, 10)
    (got,), (want,) = _run_both(m, feed)
    np.testing.assert_array_equal(got, want)


def test_conv_integer():
    x, w = _ints(np.uint8, (1, 3, 7, 7)), _ints(np.uint8, (4, 3, 3, 3))
    feed = {"x": x, "w": w, "xzp": np.array(7, np.uint8), "wzp": np.array(130, np.uint8)}
    m = _model("ConvInteger", feed, {"y": (np.int32, [1, 4, 4, 4])}, 10, pads=[1, 1, 1, 1],
               strides=[2, 2])
    (got,), (want,) = _run_both(m, feed)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_qlinear_matmul(dtype):
    feed = {"a": _ints(dtype, (8, 32)), "as": np.array(0.02, np.float32),
            "azp": _ints(dtype, ()) // 4, "b": _ints(dtype, (32, 16)),
            "bs": np.array(0.01, np.float32), "bzp": _ints(dtype, ()) // 4,
            "ys": np.array(0.6, np.float32), "yzp": _ints(dtype, ()) // 4}
    m = _model("QLinearMatMul", feed, {"y": (dtype, [8, 16])}, 10)
    (got,), (want,) = _run_both(m, feed)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_qlinear_conv_per_channel(dtype):
    x, w = _ints(dtype, (1, 8, 9, 9)), _ints(np.int8, (6, 8, 3, 3))
    feed = {"x": x, "xs": np.array(0.05, np.float32), "xzp": _ints(dtype, ()) // 4,
            "w": w, "ws": RNG.uniform(0.001, 0.01, 6).astype(np.float32),
            "wzp": np.zeros(6, np.int8), "ys": np.array(0.5, np.float32),
            "yzp": _ints(dtype, ()) // 4, "b": RNG.integers(-5000, 5000, 6).astype(np.int32)}
    m = _model("QLinearConv", feed, {"y": (dtype, [1, 6, 9, 9])}, 10, pads=[1, 1, 1, 1],
               consts=("w", "ws", "wzp", "b"))
    (got,), (want,) = _run_both(m, feed)
    np.testing.assert_array_equal(got, want)


def test_matmul_integer_constant_weights_exact():
    """A larger u8 x i8 product with constant weights (packed at compile time into the i32
    micro-kernel's panels, a ragged last panel): exact against numpy's int64 product."""
    a, b = _ints(np.uint8, (33, 96)), _ints(np.int8, (96, 50))
    azp, bzp = np.array(131, np.uint8), np.array(-3, np.int8)
    feed = {"a": a, "b": b, "azp": azp, "bzp": bzp}
    m = _model("MatMulInteger", feed, {"y": (np.int32, [33, 50])}, 10,
               consts=("b", "azp", "bzp"))
    (got,), (want,) = _run_both(m, feed)
    exact = (a.astype(np.int64) - 131) @ (b.astype(np.int64) + 3)
    np.testing.assert_array_equal(got, exact)
    np.testing.assert_array_equal(want, exact)
