"""ONNX quantization ops: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv -- as graph-op decompositions.

Integer ops compute in integer arithmetic, as onnxruntime does: each quantized operand is
widened to ``i32`` with its zero point subtracted (``cast`` + ``sub``), the contraction is a
``graph.matmul`` / ``graph.conv`` on ``i32`` (exact ``i32`` accumulation), and the QLinear ops
requantize the accumulator as onnxruntime's MLAS does: ``float(acc) * (scale_a * scale_b /
scale_y)`` rounded half to even, plus the output zero point, saturated to the output type.
QuantizeLinear is ``saturate(round(x / scale) + zero_point)`` (round half to even, computed
in f32), DequantizeLinear ``(x - zero_point) * scale`` (the difference in ``i32``).

Scales and zero points are values (constants or graph inputs): per tensor (rank 0, or one
element), per axis (1-D along ``axis``) or blocked (opset 21 ``block_size``: the input's
shape with ``ceil(D / block_size)`` along ``axis``, expanded with a ``graph.gather``).
Quantized types here: int8, uint8, int16, uint16, int4, uint4, int2, uint2 (and int32 as
DequantizeLinear input), and for QuantizeLinear/DequantizeLinear the float8 types and float4
(rounded to nearest even, saturating as ONNX's Cast: ``_float_quantize``). The QDQ form
(``DQ -> Conv/MatMul/Gemm -> Q``) is rewritten into these integer ops before import (``qdq.py``).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from aic.dialects.graph import (AddOp, CastOp, ClipOp, CompareOp, ConvOp, DivOp, GatherOp,
                                MatMulOp, MulOp, ReduceOp, SubOp, WhereOp)
from aic.frontend.onnx.common import binary, norm_axis, reshape, unary
from aic.frontend.onnx.nn import conv_operands
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of, tensor_type
from aic.mlir_api import ir

QUANT_DTYPES = (np.int8, np.uint8, np.int16, np.uint16, ml_dtypes.int4, ml_dtypes.uint4,
                ml_dtypes.int2, ml_dtypes.uint2)
FLOAT_QUANT_DTYPES = (ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e4m3fnuz, ml_dtypes.float8_e5m2,
                      ml_dtypes.float8_e5m2fnuz, ml_dtypes.float4_e2m1fn)


def _f32() -> ir.Type:
    return ir.F32Type.get()


def _i32() -> ir.Type:
    return ir.IntegerType.get_signless(32)


def _cast(n, x: ir.Value, elem: ir.Type) -> ir.Value:
    if elem_of(x) == elem:
        return x
    return n.op(CastOp, tensor_type(shape_of(x), elem), x=x)


def _qrange(n, elem: ir.Type) -> tuple[int, int]:
    dtype = np_dtype(elem)
    if dtype not in [np.dtype(d) for d in QUANT_DTYPES]:
        raise n.unsupported(f"quantized type {dtype} is not supported (int8, uint8, int16, "
                            "uint16, int4, uint4, int2, uint2)")
    info = ml_dtypes.iinfo(dtype)
    return int(info.min), int(info.max)


def _param(n, v: ir.Value, x_shape: list[int], axis: int, block: int) -> ir.Value:
    """A scale or zero point shaped to broadcast against an input of ``x_shape``."""
    shape = shape_of(v)
    if not shape or (len(shape) == 1 and shape[0] == 1 and not block):
        return reshape(n, v, [])
    if axis is None:
        raise n.unsupported(f"axis {n.attr('axis', 1)} is out of range for input {x_shape}")
    if block:
        if len(shape) != len(x_shape) or shape[axis] != -(-x_shape[axis] // block):
            raise n.unsupported(f"blocked quantization parameters of shape {shape} do not "
                                f"match input {x_shape} with block_size {block}")
        idx = n.constant(np.arange(x_shape[axis], dtype=np.int64) // block)
        out = list(shape)
        out[axis] = x_shape[axis]
        return n.op(GatherOp, tensor_type(out, elem_of(v)), x=v, indices=idx, axis=axis)
    if len(shape) != 1 or shape[0] != x_shape[axis]:
        raise n.unsupported(f"per-axis parameters of shape {shape} do not match axis {axis} "
                            f"of input {x_shape}")
    target = [1] * len(x_shape)
    target[axis] = shape[0]
    return reshape(n, v, target)


def centered(n, q: ir.Value, zero_point: ir.Value | None) -> ir.Value:
    """``q - zero_point`` in i32 (``zero_point`` already shaped to broadcast)."""
    wide = _cast(n, q, _i32())
    if zero_point is None:
        return wide
    return binary(n, SubOp, wide, _cast(n, zero_point, _i32()))


def _is_float_q(elem: ir.Type) -> bool:
    return np_dtype(elem) in [np.dtype(d) for d in FLOAT_QUANT_DTYPES]


def _float_quantize(n, v: ir.Value, zero_point: ir.Value | None, out_type) -> ir.Value:
    """float8/float4 ``out_type``: ``v`` rounded to nearest even; float8 with ``saturate=1``
    (the default) clamps to the type's range first, as ONNX's reference does (its zero point
    must be 0 and is not added); float4 adds the zero point and always saturates."""
    dtype = np_dtype(out_type.element_type)
    if dtype == np.dtype(ml_dtypes.float4_e2m1fn):
        if zero_point is not None:
            v = binary(n, AddOp, v, _cast(n, zero_point, _f32()))
    elif not n.attr("saturate", 1):
        return n.op(CastOp, out_type, x=v)
    info = ml_dtypes.finfo(dtype)
    v = n.op(ClipOp, v.type, x=v, min=n.scalar(float(info.min), _f32()),
             max=n.scalar(float(info.max), _f32()))
    return n.op(CastOp, out_type, x=v)


def saturate(n, v: ir.Value, zero_point: ir.Value | None, out_type) -> ir.Value:
    """``saturate(round(v) + zero_point)`` of an f32 ``v``, as ``out_type``."""
    if _is_float_q(out_type.element_type):
        return _float_quantize(n, v, zero_point, out_type)
    lo, hi = _qrange(n, out_type.element_type)
    v = unary(n, v, "round")
    if zero_point is not None:
        v = binary(n, AddOp, v, _cast(n, zero_point, _f32()))
    v = n.op(ClipOp, v.type, x=v, min=n.scalar(float(lo), _f32()),
             max=n.scalar(float(hi), _f32()))
    return n.op(CastOp, out_type, x=v)


def requantize(n, acc: ir.Value, multiplier: ir.Value, zero_point, out_type) -> ir.Value:
    """An i32 accumulator to ``out_type``: ``saturate(round(float(acc) * multiplier) + zp)``."""
    return saturate(n, binary(n, MulOp, _cast(n, acc, _f32()), _cast(n, multiplier, _f32())),
                    zero_point, out_type)


def _axis_block(n, rank: int) -> tuple[int | None, int]:
    """``axis`` made non-negative (None when out of range: only per-tensor parameters are
    then valid) and ``block_size``."""
    axis, block = int(n.attr("axis", 1)), int(n.attr("block_size", 0))
    if block < 0:
        raise n.unsupported(f"block_size {block} must be >= 0")
    return (norm_axis(n, axis, rank) if -rank <= axis < rank else None), block


@handler("QuantizeLinear", 10, attrs={"axis", "block_size", "saturate", "output_dtype"})
def quantize_linear(n):
    x_shape = n.shape(0)
    axis, block = _axis_block(n, len(x_shape))
    scale = _cast(n, _param(n, n.value(1), x_shape, axis, block), _f32())
    zp = _param(n, n.value(2), x_shape, axis, block) if n.has(2) else None
    v = binary(n, DivOp, _cast(n, n.value(0), _f32()), scale)
    return saturate(n, v, zp, n.out_type())


@handler("DequantizeLinear", 10, attrs={"axis", "block_size", "output_dtype"})
def dequantize_linear(n):
    x_shape = n.shape(0)
    floating = _is_float_q(n.elem(0))
    if n.dtype(0) != np.int32 and not floating:
        _qrange(n, n.elem(0))
    axis, block = _axis_block(n, len(x_shape))
    zp = _param(n, n.value(2), x_shape, axis, block) if n.has(2) else None
    scale = _param(n, n.value(1), x_shape, axis, block)
    if floating:  # float8/float4: (x - zero_point) in f32
        v = _cast(n, n.value(0), _f32())
        v = v if zp is None else binary(n, SubOp, v, _cast(n, zp, _f32()))
    else:
        v = _cast(n, centered(n, n.value(0), zp), _f32())
    y = binary(n, MulOp, v, _cast(n, scale, _f32()))
    return _cast(n, y, n.out_type().element_type)


@handler("DynamicQuantizeLinear", 11)
def dynamic_quantize_linear(n):
    """uint8 with the range of ``x`` widened to include 0: ``scale = (max - min) / 255`` (1
    where the range is empty), ``zero_point = round(clip(-min / scale, 0, 255))``."""
    f32, x = _f32(), _cast(n, n.value(0), _f32())
    scalar, zero = tensor_type([], f32), n.scalar(0.0, f32)
    lo = n.op(ReduceOp, scalar, x=x, kind="min", axes=[], keepdims=False)
    hi = n.op(ReduceOp, scalar, x=x, kind="max", axes=[], keepdims=False)
    lo, hi = n.op(ClipOp, scalar, x=lo, max=zero), n.op(ClipOp, scalar, x=hi, min=zero)
    empty = n.op(CompareOp, tensor_type([], ir.IntegerType.get_signless(1)), lhs=hi, rhs=lo,
                 predicate="eq")
    span = binary(n, DivOp, binary(n, SubOp, hi, lo), n.scalar(255.0, f32))
    scale = n.op(WhereOp, scalar, cond=empty, x=n.scalar(1.0, f32), y=span)
    zp_f = binary(n, SubOp, zero, binary(n, DivOp, lo, scale))
    zp = saturate(n, zp_f, None, n.out_type(2))
    y = saturate(n, binary(n, DivOp, x, scale), zp, n.out_type(0))
    return [y, scale, zp]


def _rows(n, v: ir.Value | None, rank: int) -> ir.Value | None:
    """A per-row parameter of a matmul's A (1-D of M) shaped ``[M, 1]``; scalars as rank 0."""
    if v is None or len(shape_of(v)) != 1:
        return v if v is None or shape_of(v) else reshape(n, v, [])
    return reshape(n, v, [shape_of(v)[0], 1]) if rank >= 2 else reshape(n, v, [])


def _cols(n, v: ir.Value | None) -> ir.Value | None:
    """A per-column parameter of B (1-D of N) broadcasts as it is; one element as rank 0."""
    if v is None or shape_of(v) not in ([1], []):
        return v
    return reshape(n, v, [])


def _opt(n, i: int) -> ir.Value | None:
    return n.value(i) if n.has(i) else None


@handler("MatMulInteger", 10)
def matmul_integer(n):
    a = centered(n, n.value(0), _rows(n, _opt(n, 2), n.rank(0)))
    b = centered(n, n.value(1), _cols(n, _opt(n, 3)))
    return n.op(MatMulOp, n.out_type(), a=a, b=b)


@handler("QLinearMatMul", 10)
def qlinear_matmul(n):
    a = centered(n, n.value(0), _rows(n, n.value(2), n.rank(0)))
    b = centered(n, n.value(3), _cols(n, n.value(5)))
    acc = n.op(MatMulOp, n.ttype(n.out_shape(), _i32()), a=a, b=b)
    mult = binary(n, MulOp, _cast(n, _rows(n, n.value(1), n.rank(0)), _f32()),
                  _cast(n, _cols(n, n.value(4)), _f32()))
    mult = binary(n, DivOp, mult, _cast(n, reshape(n, n.value(6), []), _f32()))
    return requantize(n, acc, mult, reshape(n, n.value(7), []), n.out_type())


def _per_channel(n, v: ir.Value | None, rank: int) -> ir.Value | None:
    """A conv weight parameter: scalar, or 1-D of M shaped ``[M, 1, ..., 1]``."""
    if v is None or not shape_of(v) or shape_of(v) == [1]:
        return v if v is None else reshape(n, v, [])
    return reshape(n, v, [shape_of(v)[0]] + [1] * (rank - 1))


_CONV_ATTRS = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}


@handler("ConvInteger", 10, attrs=_CONV_ATTRS)
def conv_integer(n):
    x = centered(n, n.value(0), reshape(n, n.value(2), []) if n.has(2) else None)
    w = centered(n, n.value(1), _per_channel(n, _opt(n, 3), n.rank(1)))
    return n.op(ConvOp, n.out_type(), **conv_operands(n, x, w, None))


@handler("QLinearConv", 10, attrs=_CONV_ATTRS)
def qlinear_conv(n):
    x = centered(n, n.value(0), reshape(n, n.value(2), []))
    w = centered(n, n.value(3), _per_channel(n, n.value(5), n.rank(3)))
    bias = _cast(n, n.value(8), _i32()) if n.has(8) else None
    out = n.out_type()
    acc = n.op(ConvOp, n.ttype(out.shape, _i32()), **conv_operands(n, x, w, bias))
    rank = len(out.shape)
    mult = binary(n, MulOp, _cast(n, reshape(n, n.value(1), []), _f32()),
                  _cast(n, _per_channel(n, n.value(4), rank), _f32()))
    mult = reshape(n, binary(n, DivOp, mult, _cast(n, reshape(n, n.value(6), []), _f32())),
                   _channel_shape(mult, rank))
    return requantize(n, acc, mult, reshape(n, n.value(7), []), out)


def _channel_shape(mult: ir.Value, rank: int) -> list[int]:
    """``[M, 1, ..., 1]`` (weight rank) as ``[1, M, 1, ...]`` for the N x M x ... output."""
    shape = shape_of(mult)
    return [1, shape[0]] + [1] * (rank - 2) if shape else []
