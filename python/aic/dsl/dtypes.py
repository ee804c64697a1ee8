"""Element types: MLIR <-> numpy.

Unsigned graph-level types (``ui8`` .. ``ui64``) map to numpy's unsigned dtypes; the compiled
code sees them as signless ``iN`` of the same width, and arrays pass as raw bytes.
"""

from __future__ import annotations

import numpy as np

from aic.mlir_api import ir

_TO_NUMPY = {
    "f32": np.float32, "f16": np.float16, "f64": np.float64, "bf16": None,
    "i64": np.int64, "i32": np.int32, "i16": np.int16, "i8": np.int8, "i1": np.bool_,
    "ui8": np.uint8, "ui16": np.uint16, "ui32": np.uint32, "ui64": np.uint64,
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
