"""Element types: MLIR <-> numpy.

Unsigned graph-level types (``ui8`` .. ``ui64``) map to numpy's unsigned dtypes; the compiled
code sees them as signless ``iN`` of the same width, and arrays pass as raw bytes.

The narrow types come from ``ml_dtypes`` (a dependency of onnx): ``bf16``, the float8 types
``f8E4M3FN``/``f8E4M3FNUZ``/``f8E5M2``/``f8E5M2FNUZ``/``f8E8M0FNU``, ``f4E2M1FN`` and the
sub-byte integers ``i4``/``ui4``/``i2``/``ui2``. Every one is stored one element per byte (two
bytes for ``bf16``), as ``ml_dtypes`` stores them: a sub-byte integer sits in the low bits of
its byte, sign-extended (``i4``, ``i2``) or zero-extended (``ui4``, ``ui2``) to 8 bits.
"""

from __future__ import annotations

import re

import ml_dtypes
import numpy as np

from aic.mlir_api import ir

_TO_NUMPY = {
    "f32": np.float32, "f16": np.float16, "f64": np.float64, "bf16": ml_dtypes.bfloat16,
    "i64": np.int64, "i32": np.int32, "i16": np.int16, "i8": np.int8, "i1": np.bool_,
    "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
    "f8E4M3FN": ml_dtypes.float8_e4m3fn, "f8E4M3FNUZ": ml_dtypes.float8_e4m3fnuz,
    "f8E5M2": ml_dtypes.float8_e5m2, "f8E5M2FNUZ": ml_dtypes.float8_e5m2fnuz,
    "f8E8M0FNU": ml_dtypes.float8_e8m0fnu, "f4E2M1FN": ml_dtypes.float4_e2m1fn,
    "i4": ml_dtypes.int4, "ui4": ml_dtypes.uint4, "i2": ml_dtypes.int2, "ui2": ml_dtypes.uint2,
}


def numpy_dtype(element_type: ir.Type | str) -> np.dtype:
    name = str(element_type)
    dtype = _TO_NUMPY.get(name)
    if dtype is None:
        raise TypeError(f"element type {name} has no numpy equivalent in aic")
    return np.dtype(dtype)


def mlir_type_name(dtype) -> str:
    dtype = np.dtype(dtype)
    for name, d in _TO_NUMPY.items():
        if d is not None and np.dtype(d) == dtype:
            return name
    raise TypeError(f"numpy dtype {dtype} is not supported by aic")


def tensor_spec(type_: ir.Type) -> tuple[tuple[int, ...], np.dtype]:
    shaped = ir.ShapedType(type_)
    return tuple(shaped.shape), numpy_dtype(shaped.element_type)


_NARROW = ("bf16", "f8E4M3FN", "f8E4M3FNUZ", "f8E5M2", "f8E5M2FNUZ", "f8E8M0FNU", "f4E2M1FN",
           "i4", "ui4", "i2", "ui2")
_DENSE_TOKEN = re.compile(r"0x[0-9A-Fa-f]+|[-+]?(?:inf|nan|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def dense_array(attr: ir.Attribute) -> np.ndarray:
    """The elements of a ``dense`` attribute as a numpy array of its shape.

    The bindings' buffer protocol has no format for ``bf16``, the float8/float4 types and
    ``i4``/``i2`` (``np.array(attr)`` gives an object array): those are read from the
    attribute's text, where each element is a decimal or the hex bits of a non-finite value.
    """
    shaped = ir.ShapedType(attr.type)
    name = str(shaped.element_type)
    if name not in _NARROW:
        return np.array(ir.DenseElementsAttr(attr))
    dtype = numpy_dtype(shaped.element_type)
    text = str(attr)
    body = text[text.index("<") + 1:text.rindex(":")]
    if body.lstrip().startswith('"0x'):
        raw = bytes.fromhex(body.strip().strip('">')[2:])
        return np.frombuffer(raw, np.uint8).view(dtype).reshape(shaped.shape).copy()
    bits = np.uint16 if dtype.itemsize == 2 else np.uint8
    values = [np.array([int(t, 16)], bits).view(dtype)[0] if t.startswith("0x") else
              np.array(float(t)).astype(dtype) for t in _DENSE_TOKEN.findall(body)]
    count = int(np.prod(shaped.shape, dtype=np.int64))
    if len(values) == 1 and count != 1:
        values = values * count
    return np.array(values, dtype).reshape(shaped.shape)


def dense_attr(array: np.ndarray, type_: ir.ShapedType) -> ir.DenseElementsAttr:
    """A ``dense`` attribute of ``type_`` holding ``array`` (numpy or ``ml_dtypes`` data: the
    narrow types go in as their raw bytes, the layout MLIR reads)."""
    array = np.require(array, requirements="C")
    if str(ir.ShapedType(type_).element_type) in _NARROW:
        array = array.view(np.uint16 if array.dtype.itemsize == 2 else np.uint8)
    return ir.DenseElementsAttr.get(array, type=type_)
