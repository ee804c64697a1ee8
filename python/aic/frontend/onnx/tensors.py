"""Element types and constant data of the ONNX importer.

Maps ONNX/numpy element types to MLIR (f32, f16, f64, i64, i32, i16, i8, i1, the unsigned
ui64, ui32, ui16, ui8, and through ``ml_dtypes`` bf16, the float8 types but e8m0, f4E2M1FN,
i4, ui4, i2, ui2; anything else is ``UnsupportedError``) and turns numpy arrays into
``graph.constant`` attributes: arrays with more than ``INLINE_LIMIT`` elements become
``dense_resource`` blobs (not printed inline), the others ``dense`` attributes. Bool data is
always inline (bit-packed). ONNX's packed int4/int2/float4 initializers arrive unpacked (one
element per byte: ``onnx.numpy_helper.to_array`` unpacks them).
"""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np

from aic.dialects.graph.constants import resource_attr
from aic.dsl.dtypes import dense_attr, numpy_dtype
from aic.errors import ModelFormatError, UnsupportedError
from aic.mlir_api import ir

INLINE_LIMIT = 64

_NP_TO_MLIR = {
    np.dtype(np.float32): lambda: ir.F32Type.get(),
    np.dtype(np.float16): lambda: ir.F16Type.get(),
    np.dtype(np.float64): lambda: ir.F64Type.get(),
    np.dtype(np.int64): lambda: ir.IntegerType.get_signless(64),
    np.dtype(np.int32): lambda: ir.IntegerType.get_signless(32),
    np.dtype(np.int16): lambda: ir.IntegerType.get_signless(16),
    np.dtype(np.int8): lambda: ir.IntegerType.get_signless(8),
    np.dtype(np.bool_): lambda: ir.IntegerType.get_signless(1),
    np.dtype(np.uint64): lambda: ir.IntegerType.get_unsigned(64),
    np.dtype(np.uint32): lambda: ir.IntegerType.get_unsigned(32),
    np.dtype(np.uint16): lambda: ir.IntegerType.get_unsigned(16),
    np.dtype(np.uint8): lambda: ir.IntegerType.get_unsigned(8),
    np.dtype(ml_dtypes.bfloat16): lambda: ir.BF16Type.get(),
    np.dtype(ml_dtypes.float8_e4m3fn): lambda: ir.Float8E4M3FNType.get(),
    np.dtype(ml_dtypes.float8_e4m3fnuz): lambda: ir.Float8E4M3FNUZType.get(),
    np.dtype(ml_dtypes.float8_e5m2): lambda: ir.Float8E5M2Type.get(),
    np.dtype(ml_dtypes.float8_e5m2fnuz): lambda: ir.Float8E5M2FNUZType.get(),
    np.dtype(ml_dtypes.float4_e2m1fn): lambda: ir.Float4E2M1FNType.get(),
    np.dtype(ml_dtypes.int4): lambda: ir.IntegerType.get_signless(4),
    np.dtype(ml_dtypes.uint4): lambda: ir.IntegerType.get_unsigned(4),
    np.dtype(ml_dtypes.int2): lambda: ir.IntegerType.get_signless(2),
    np.dtype(ml_dtypes.uint2): lambda: ir.IntegerType.get_unsigned(2),
}


def onnx_to_np(elem_type: int, what: str = "a tensor") -> np.dtype:
    """The numpy dtype of ONNX element type ``elem_type`` (``ModelFormatError`` for 0,
    UNDEFINED, or a number ONNX does not define; ``what`` names the value)."""
    import onnx.helper
    try:
        return np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type))
    except KeyError:
        name = "UNDEFINED" if elem_type == 0 else "not an ONNX element type"
        raise ModelFormatError(f"{what} has element type {elem_type} ({name})") from None


_ML_FLOATS = frozenset(np.dtype(t) for t in (
    ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e4m3fnuz, ml_dtypes.float8_e5m2,
    ml_dtypes.float8_e5m2fnuz, ml_dtypes.float8_e8m0fnu, ml_dtypes.float4_e2m1fn))


def is_float_dtype(dtype) -> bool:
    """numpy's floats and ``ml_dtypes``' (whose numpy kind is ``V``)."""
    dtype = np.dtype(dtype)
    return dtype.kind == "f" or dtype in _ML_FLOATS


def supported_dtypes() -> frozenset[np.dtype]:
    """The numpy dtypes the importer maps to MLIR element types."""
    return frozenset(_NP_TO_MLIR)


def element_type(dtype, what: str) -> ir.Type:
    """The MLIR element type of numpy ``dtype``; ``what`` names the value in the error."""
    make = _NP_TO_MLIR.get(np.dtype(dtype))
    if make is None:
        supported = ", ".join(sorted(str(d) for d in _NP_TO_MLIR))
        raise UnsupportedError(f"{what}: element type {np.dtype(dtype)} is not supported "
                               f"(supported: {supported})")
    return make()


def np_dtype(elem: ir.Type) -> np.dtype:
    return numpy_dtype(elem)


def tensor_type(shape, elem: ir.Type) -> ir.RankedTensorType:
    """A ranked tensor type; a negative dim is dynamic (``?``)."""
    dyn = ir.ShapedType.get_dynamic_size()
    return ir.RankedTensorType.get([dyn if int(d) < 0 else int(d) for d in shape], elem)


def shape_of(value: ir.Value) -> list[int]:
    return list(ir.RankedTensorType(value.type).shape)


def elem_of(value: ir.Value) -> ir.Type:
    return ir.RankedTensorType(value.type).element_type


def resource_name(hint: str, used: set[str]) -> str:
    """A deterministic, unique, identifier-safe blob name derived from ``hint``."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", hint) or "const"
    if not (base[0].isalpha() or base[0] == "_"):
        base = "_" + base
    name, i = base, 1
    while name in used:
        name, i = f"{base}_{i}", i + 1
    used.add(name)
    return name


def elements_attr(array: np.ndarray, type_: ir.RankedTensorType, name: str | None) -> ir.Attribute:
    """``dense_resource`` (``name`` given and array large) or ``dense`` data of ``type_``."""
    array = np.require(array, requirements="C")  # np.ascontiguousarray makes 0-d arrays 1-d
    if array.dtype == np.bool_:
        packed = np.packbits(array.reshape(-1), bitorder="little")
        if array.size == 1:  # a splat is stored as one 0x00/0xFF byte
            packed = np.array([0xFF if array.reshape(-1)[0] else 0], np.uint8)
        return ir.DenseElementsAttr.get(packed, type=type_)
    if name is not None and array.size > INLINE_LIMIT:
        return resource_attr(array, name, type_)
    return dense_attr(array, type_)


def annotate_dims(value, names: list[str]) -> None:
    """Record the ONNX names of ``value``'s dynamic dims on its (single-result) defining op."""
    t = ir.RankedTensorType(value.type)
    if t.has_static_shape or not any(names) or len(names) != t.rank:
        return
    owner = value.owner
    if isinstance(owner, ir.Block):
        return
    op = owner.operation
    if len(op.results) == 1 and "aic.dims" not in op.attributes:
        op.attributes["aic.dims"] = ir.ArrayAttr.get([ir.StringAttr.get(n) for n in names])
