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
import threading

import numpy as np

from aic.compiler.c_entry import DTYPE_CODES
from aic.compiler.driver import TensorInfo
from aic.dsl.dtypes import mlir_type_name, numpy_dtype
from aic.errors import AicError, InputError
from aic.runtime.model import CompiledModel


class _TensorFrame:
    """The ``aic_tensor`` array of a call, as one int64 buffer per thread.

    Per tensor (inputs, then outputs) one ``aic_tensor`` of four words ``{data, bytes, shape,
    rank | dtype << 32}``, then every tensor's dims. Only the data pointers change from call
    to call: each thread keeps its own frame (``aic_run`` writes the output shapes into it, so
    threads must not share one) with ready-made ``aic_run`` arguments, and a call stores the
    data pointers through a ctypes view -- no per-call allocation or numpy op (a call costs
    microseconds above its kernels).
    """

    WORDS = 4

    def __init__(self, tensors: list[TensorInfo], n_in: int):
        n, self.n_in = len(tensors), n_in
        words = np.zeros(n * self.WORDS, np.int64)
        dims, shape_at = [], []
        for i, t in enumerate(tensors):
            shape_at.append(n * self.WORDS + len(dims))
            dims += list(t.shape)
            code = DTYPE_CODES[mlir_type_name(t.dtype)]
            nbytes = int(np.prod(t.shape, dtype=np.int64)) * np.dtype(t.dtype).itemsize
            words[i * self.WORDS + 1] = nbytes
            words[i * self.WORDS + 3] = len(t.shape) | (code << 32)
        self.template = np.concatenate([words, np.array(dims, np.int64)])
        self.data_slots = [i * self.WORDS for i in range(n)]
        self.shape_bytes = np.array(shape_at, np.int64) * 8
        self._local = threading.local()

    def get(self):
        """This thread's ``(words, run_args)``: ``words[data_slots[i]] = address`` sets a data
        pointer; ``aic_run(*run_args)`` runs on the frame."""
        try:
            return self._local.frame
        except AttributeError:
            frame = self.template.copy()
            base = frame.ctypes.data
            frame[np.array(self.data_slots, np.intp) + 2] = self.shape_bytes + base
            words = (ctypes.c_int64 * len(frame)).from_buffer(frame)
            n, n_in = len(self.data_slots), self.n_in
            args = (ctypes.c_void_p(base), ctypes.c_size_t(n_in),
                    ctypes.c_void_p(base + n_in * self.WORDS * 8), ctypes.c_size_t(n - n_in))
            self._local.frame = words, args
            return words, args


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
    frame = _TensorFrame(inputs + outputs, len(inputs))
    run_c, slots = lib.aic_run, frame.data_slots

    def run(arrays):
        outs = [np.empty(t.shape, t.dtype) for t in outputs]
        words, args = frame.get()
        for slot, a in zip(slots, [*arrays, *outs]):
            words[slot] = a.ctypes.data
        if run_c(*args):
            raise InputError(lib.aic_last_error().decode(errors="replace"))
        return outs

    model = CompiledModel(run, inputs, outputs, threads=meta.get("threads", 0))
    model._library = lib  # keep the library loaded as long as the model lives
    return model
