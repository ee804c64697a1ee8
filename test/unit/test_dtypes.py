"""``aic.dsl.dtypes``: the MLIR <-> numpy element-type table and ``dense`` attributes of the
types numpy only has through ``ml_dtypes`` (bf16, float8, float4, int4/int2), whose elements
the bindings cannot hand out as a buffer."""

import ml_dtypes as md
import numpy as np
import pytest

from aic.dsl.dtypes import dense_array, dense_attr, mlir_type_name, numpy_dtype
from aic.mlir_api import ir

TYPES = {"bf16": md.bfloat16, "f8E4M3FN": md.float8_e4m3fn, "f8E4M3FNUZ": md.float8_e4m3fnuz,
         "f8E5M2": md.float8_e5m2, "f8E5M2FNUZ": md.float8_e5m2fnuz,
         "f4E2M1FN": md.float4_e2m1fn, "i4": md.int4, "ui4": md.uint4, "i2": md.int2,
         "ui2": md.uint2}


def _every_value(dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype.itemsize == 2:
        return np.arange(65536, dtype=np.uint16).view(dtype)
    bits = {"int4": 4, "uint4": 4, "float4_e2m1fn": 4, "int2": 2, "uint2": 2}.get(dtype.name, 8)
    codes = np.arange(1 << bits, dtype=np.uint8)
    return codes.view(dtype) if bits == 8 or "float" in dtype.name else codes.astype(dtype)


@pytest.mark.parametrize("name", list(TYPES))
def test_table_round_trips(name):
    with ir.Context():
        assert numpy_dtype(ir.Type.parse(name)) == np.dtype(TYPES[name])
    assert mlir_type_name(TYPES[name]) == name


@pytest.mark.parametrize("name", list(TYPES))
@pytest.mark.parametrize("count", [1, 5, None])
def test_dense_attribute_round_trips_every_value(name, count):
    """Small attributes print decimals (and hex bits for inf/NaN), large ones one hex blob:
    both read back bit for bit; a splat too."""
    values = _every_value(TYPES[name])
    values = values if count is None else values[-count:]
    with ir.Context(), ir.Location.unknown():
        t = ir.RankedTensorType.get([values.size], ir.Type.parse(name))
        back = dense_array(dense_attr(values, t))
        splat = dense_array(ir.DenseElementsAttr.get_splat(
            ir.RankedTensorType.get([3], t.element_type),
            dense_attr(values[-1:], ir.RankedTensorType.get([], t.element_type))
            .get_splat_value()))
    assert back.dtype == values.dtype
    np.testing.assert_array_equal(back.view(np.uint8), values.view(np.uint8))
    np.testing.assert_array_equal(splat.view(np.uint8), np.repeat(values[-1:], 3).view(np.uint8))
