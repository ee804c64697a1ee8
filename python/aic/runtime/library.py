"""Loading a compiled model library (``aic-compile --emit lib`` / ``CompiledModel.save``).

``load_library(path)`` opens the shared library, reads ``aic_signature`` (JSON: names, shapes,
dtypes) and returns a ``CompiledModel`` whose calls go to ``aic_run`` (the ABI:
``aic.compiler.c_entry``). A non-zero return code becomes ``InputError`` carrying
``aic_last_error()``'s message (an index out of range in the inputs, say). May import the
compiler (for ``TensorInfo`` and the ABI) and the runtime; nothing above.
"""

from __future__ import annotations

import ctypes
import json
import os

import numpy as np

from aic.compiler.c_entry import DTYPE_CODES
from aic.compiler.driver import TensorInfo
from aic.dsl.dtypes import mlir_type_name, numpy_dtype
from aic.errors import AicError, InputError
from aic.runtime.model import CompiledModel


class _TensorFrame:
    """The ``aic_tensor`` array of a call, as one int64 buffer.

    Per tensor (inputs, then outputs) one ``aic_tensor`` of four words ``{data, bytes, shape,
    rank | dtype << 32}``, then every tensor's dims. All but the data pointers and the shape
    addresses are fixed, so they live in ``template``; a call copies it (one frame per call:
    calls from several threads do not share it) and fills in those two columns.
    """

    WORDS = 4

    def __init__(self, tensors: list[TensorInfo]):
        n = len(tensors)
        words = np.zeros(n * self.WORDS, np.int64)
        dims, shape_at = [], []
        for i, t in enumerate(tensors):
            shape_at.append(n * self.WORDS + len(dims))
            dims += list(t.shape)
            code = DTYPE_CODES[mlir_type_name(t.dtype)]
            words[i * self.WORDS + 1] = int(np.prod(t.shape, dtype=np.int64)) * np.dtype(t.dtype).itemsize
            words[i * self.WORDS + 3] = len(t.shape) | (code << 32)
        self.template = np.concatenate([words, np.array(dims, np.int64)])
        self.data_slots = np.arange(n, dtype=np.intp) * self.WORDS
        self.shape_slots = self.data_slots + 2
        self.shape_bytes = np.array(shape_at, np.int64) * 8

    def build(self, arrays: list[np.ndarray]) -> tuple[np.ndarray, int]:
        """A frame for ``arrays`` (dense, kept alive by the caller) and its address."""
        frame = self.template.copy()
        base = frame.ctypes.data
        frame[self.data_slots] = [a.ctypes.data for a in arrays]
        frame[self.shape_slots] = self.shape_bytes + base
        return frame, base


def _open(path: str):
    try:
        lib = ctypes.CDLL(os.path.abspath(path))
        lib.aic_signature.restype = ctypes.c_char_p
        meta = json.loads(lib.aic_signature().decode())
    except (OSError, AttributeError, ValueError) as e:
        raise AicError(f"'{path}' is not an aic model library: {e}") from None
    if not hasattr(lib, "aic_last_error"):
        raise AicError(f"'{path}' was built by an older aic (its aic_run takes no sizes): "
                       "compile it again")
    lib.aic_last_error.restype = ctypes.c_char_p
    lib.aic_run.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
    lib.aic_run.restype = ctypes.c_int
    return lib, meta


def load_library(path: str):
    lib, meta = _open(path)

    def infos(items):
        return [TensorInfo(t["name"], tuple(t["shape"]), numpy_dtype(t["dtype"])) for t in items]

    inputs, outputs = infos(meta["inputs"]), infos(meta["outputs"])
    frame = _TensorFrame(inputs + outputs)
    n_in, n_out = len(inputs), len(outputs)
    outputs_at = n_in * _TensorFrame.WORDS * 8
    run_c = lib.aic_run

    def run(arrays):
        outs = [np.empty(t.shape, t.dtype) for t in outputs]
        tensors, base = frame.build(list(arrays) + outs)
        rc = run_c(base, n_in, base + outputs_at, n_out)
        del tensors  # (kept alive through the call above)
        if rc:
            raise InputError(lib.aic_last_error().decode(errors="replace"))
        return outs

    model = CompiledModel(run, inputs, outputs, threads=meta.get("threads", 0))
    model._library = lib  # keep the library loaded as long as the model lives
    return model
