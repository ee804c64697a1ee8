"""Loading a compiled model library (``aic-compile --emit lib`` / ``CompiledModel.save``).

``load_library(path)`` opens the shared library, reads ``aic_signature`` (JSON: names, shapes,
dtypes) and returns a ``CompiledModel`` whose calls go to ``aic_run`` (the ABI:
``aic.compiler.c_entry``). A non-zero return code becomes ``InputError`` carrying
``aic_last_error()``'s message (an index out of range in the inputs, say), ``AIC_ERROR_CUDA``
(a CUDA library without a driver or GPU, a CUDA error) an ``AicError``. A library with
dynamic dims takes inputs of any conforming shape; its dynamic outputs come back as the
buffers ``aic_run`` allocated (wrapped without a copy, released with ``aic_free``). May import the
compiler (for ``TensorInfo`` and the ABI) and the runtime; nothing above.

The system loader caches libraries by path and maps their file: opening ``path`` itself would
return the old model after a rebuild, and a model would crash when its file is overwritten.
So each load opens a private copy under a name never used before in this process (removed
as soon as it is mapped): a reload after a rebuild gives the new model, and a loaded model
keeps working whatever happens to its file. The copy finds its OpenMP runtime because
``libomp.so`` (the one beside ``path``, else the wheel's) is loaded first, unless one
already is.
"""

from __future__ import annotations

import ctypes
import itertools
import json
import os
import shutil
import tempfile
import threading

import numpy as np

from aic.compiler import openmp
from aic.compiler.c_entry import DTYPE_CODES
from aic.compiler.driver import TensorInfo
from aic.dsl.dtypes import mlir_type_name, numpy_dtype
from aic.errors import AicError, InputError
from aic.runtime.buffers import owned_array
from aic.runtime.model import CompiledModel

_LOADS = itertools.count()


def open_copy(path: str) -> ctypes.CDLL:
    """dlopen a private copy of ``path`` (see the module docstring)."""
    _load_libomp(path)
    with tempfile.TemporaryDirectory(prefix="aic-load-") as folder:
        copy = os.path.join(folder, f"model-{os.getpid()}-{next(_LOADS)}.so")
        shutil.copyfile(path, copy)
        try:
            return ctypes.CDLL(copy)
        except OSError as e:  # name the user's file, not the copy
            raise OSError(str(e).replace(copy, path)) from None


def _load_libomp(path: str) -> None:
    """The copy cannot find ``libomp.so`` through ``$ORIGIN``: unless an OpenMP runtime is
    loaded already (two in one process must never happen), load the one beside ``path``, as
    the library itself would, else the wheel's."""
    try:
        ctypes.CDLL(openmp.LIBRARY, mode=os.RTLD_NOLOAD)
    except OSError:
        beside = os.path.join(os.path.dirname(os.path.abspath(path)), openmp.LIBRARY)
        ctypes.CDLL(beside if os.path.isfile(beside) else openmp.libomp_path())


class _TensorFrame:
    """The ``aic_tensor`` array of a call, as one int64 buffer per thread.

    Per tensor (inputs, then outputs) one ``aic_tensor`` of four words ``{data, bytes, shape,
    rank | dtype << 32}``, then every tensor's dims. For a static model only the data
    pointers change from call to call: each thread keeps its own frame (``aic_run`` writes the
    output shapes into it, so threads must not share one) with ready-made ``aic_run``
    arguments, and a call stores the data pointers through a ctypes view -- no per-call
    allocation or numpy op (a call costs microseconds above its kernels). A dynamic input's
    dims and byte count are stored per call too; a dynamic model's outputs are passed as
    ``data = NULL, bytes = 0`` and come back as buffers the library allocated.
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
            nbytes = max(0, int(np.prod(t.shape, dtype=np.int64))) * np.dtype(t.dtype).itemsize
            words[i * self.WORDS + 1] = nbytes
            words[i * self.WORDS + 3] = len(t.shape) | (code << 32)
        self.template = np.concatenate([words, np.array(dims, np.int64)])
        self.data_slots = [i * self.WORDS for i in range(n)]
        self.dims_at = shape_at  # word index of tensor i's first dim
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
    if not os.path.isfile(path):
        raise AicError(f"cannot load '{path}': " + (
            "no such file" if not os.path.exists(path) else "not a regular file"))
    try:
        lib = open_copy(path)
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


def _infos(items) -> list[TensorInfo]:
    return [TensorInfo(t["name"], tuple(t["shape"]), numpy_dtype(t["dtype"]),
                       tuple(t.get("dim_names", ()))) for t in items]


AIC_ERROR_CUDA = 4
"""``aic_run``'s code for a CUDA failure (no driver or GPU, a CUDA error): an ``AicError``."""


def load_library(path: str):
    lib, meta = _open(path)
    inputs, outputs = _infos(meta["inputs"]), _infos(meta["outputs"])
    frame = _TensorFrame(inputs + outputs, len(inputs))
    if any(t.is_dynamic for t in inputs + outputs):
        run = _dynamic_run(lib, frame, inputs, outputs)
    else:
        run = _static_run(lib, frame, outputs)
    model = CompiledModel(run, inputs, outputs, threads=meta.get("threads", 0))
    model._library = lib  # keep the library loaded as long as the model lives
    return model


def _static_run(lib, frame: _TensorFrame, outputs):
    run_c, slots = lib.aic_run, frame.data_slots

    def run(arrays):
        outs = [np.empty(t.shape, t.dtype) for t in outputs]
        words, args = frame.get()
        for slot, a in zip(slots, [*arrays, *outs]):
            words[slot] = a.ctypes.data
        code = run_c(*args)
        if code:
            error = AicError if code == AIC_ERROR_CUDA else InputError
            raise error(lib.aic_last_error().decode(errors="replace"))
        return outs
    return run


def _dynamic_run(lib, frame: _TensorFrame, inputs, outputs):
    """Inputs of any conforming shape; outputs allocated by the library when one is dynamic
    (handed to numpy without a copy, released with ``aic_free``)."""
    run_c, n_in = lib.aic_run, len(inputs)
    lib.aic_free.argtypes, lib.aic_free.restype = [ctypes.c_void_p], None
    returns = any(t.is_dynamic for t in outputs)
    in_slots = list(zip(frame.data_slots, frame.dims_at))
    out_slots = list(zip(frame.data_slots[n_in:], frame.dims_at[n_in:], outputs))

    def run(arrays):
        words, args = frame.get()
        for (slot, dims), a in zip(in_slots, arrays):
            words[slot], words[slot + 1] = a.ctypes.data, a.nbytes
            words[dims: dims + a.ndim] = a.shape
        outs = [] if returns else [np.empty(t.shape, t.dtype) for t in outputs]
        for k, (slot, _, _) in enumerate(out_slots):
            words[slot] = outs[k].ctypes.data if outs else 0
            words[slot + 1] = outs[k].nbytes if outs else 0
        code = run_c(*args)
        if code:
            error = AicError if code == AIC_ERROR_CUDA else InputError
            raise error(lib.aic_last_error().decode(errors="replace"))
        if not returns:
            return outs
        return [owned_array(words[slot], words[slot], words[dims: dims + len(t.shape)], t.dtype,
                            lib.aic_free) for slot, dims, t in out_slots]
    return run
