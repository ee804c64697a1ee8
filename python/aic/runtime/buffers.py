"""Buffers the compiled code allocated, handed to numpy without a copy.

A model with a dynamic output returns its results (``aic-memref-results-to-out-params``): the
code ``malloc``s each one and the caller owns it. ``owned_array(allocated, data, shape,
dtype, free)`` views such a buffer as a numpy array and calls ``free(allocated)`` when the last
array viewing it is gone. May import nothing of aic.
"""

from __future__ import annotations

import ctypes

import numpy as np

_LIBC = ctypes.CDLL(None)
_LIBC.free.argtypes = [ctypes.c_void_p]
_LIBC.free.restype = None
libc_free = _LIBC.free
"""The C library's ``free``: what the JIT's code allocated with ``malloc`` goes back here."""


class _Owned:
    """The owner of one buffer: numpy reads it through ``__array_interface__`` and keeps this
    object as the array's base; the buffer is freed with the object."""

    __slots__ = ("__array_interface__", "_allocated", "_free")

    def __init__(self, allocated: int, data: int, shape, dtype: np.dtype, free):
        self.__array_interface__ = {"version": 3, "shape": tuple(shape), "typestr": dtype.str,
                                    "data": (data, False)}
        self._allocated, self._free = allocated, free

    def __del__(self):
        self._free(self._allocated)


def owned_array(allocated: int, data: int, shape, dtype, free=libc_free) -> np.ndarray:
    """An array of ``shape`` and ``dtype`` at address ``data`` (dense, row-major), owning the
    allocation ``allocated`` (freed with ``free`` when no array views it any more)."""
    dtype = np.dtype(dtype)
    if not data or 0 in tuple(shape):
        free(allocated)
        return np.empty(shape, dtype)
    array = np.asarray(_Owned(allocated, data, shape, dtype, free))
    # ml_dtypes' types (bfloat16, float8) have a typestr of raw bytes ('<V2'): view them back
    return array if array.dtype == dtype else array.view(dtype)
