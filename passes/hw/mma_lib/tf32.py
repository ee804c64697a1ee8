"""TF32, the tensor cores' f32 input format (10 mantissa bits), in numpy.

``tf32`` is what the tensor core reads from an f32 (the low 13 mantissa bits ignored:
truncation); ``tf32_bits``/``tf32_round`` are PTX's ``cvt.rna.tf32.f32`` (to nearest, ties
away from zero), which the kernels apply first -- in the kernel for run-time operands, at
compile time for constant ones (``aic-hw-lower-mma``). May import: numpy.
"""

from __future__ import annotations

import numpy as np

TF32_MASK = np.uint32(0xFFFFE000)


def tf32(x: np.ndarray) -> np.ndarray:
    """f32 values as the TF32 tensor core reads them (10 mantissa bits, truncated)."""
    return (np.ascontiguousarray(x, np.float32).view(np.uint32) & TF32_MASK).view(np.float32)


def tf32_bits(x: np.ndarray) -> np.ndarray:
    """``cvt.rna.tf32.f32``: f32 values rounded to 10 mantissa bits, ties away from zero
    (half an ulp added, then truncated), as uint32 bit patterns; infinities kept, NaN the
    canonical 0x7FFFFFFF."""
    bits = np.ascontiguousarray(x, np.float32).view(np.uint32)
    finite = (bits & np.uint32(0x7F800000)) != np.uint32(0x7F800000)
    rounded = (bits + np.uint32(0x1000)) & TF32_MASK
    nan = np.isnan(np.asarray(x, np.float32))
    return np.where(finite, rounded, np.where(nan, np.uint32(0x7FFFFFFF), bits)).astype(np.uint32)


def tf32_round(x: np.ndarray) -> np.ndarray:
    return tf32_bits(x).view(np.float32)
