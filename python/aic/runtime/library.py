"""Loading a compiled model library (``aic-compile --emit lib`` / ``CompiledModel.save``).

``load_library(path)`` opens the shared library, reads ``aic_signature`` (JSON: names, shapes,
dtypes) and returns a ``CompiledModel`` whose calls go to ``aic_run``. May import the
compiler (for ``TensorInfo``) and the runtime; nothing above.

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

import numpy as np

from aic.compiler import openmp
from aic.compiler.driver import TensorInfo
from aic.dsl.dtypes import numpy_dtype
from aic.errors import AicError
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


def load_library(path: str):
    if not os.path.isfile(path):
        raise AicError(f"cannot load '{path}': " + (
            "no such file" if not os.path.exists(path) else "not a regular file"))
    try:
        lib = open_copy(path)
        lib.aic_signature.restype = ctypes.c_char_p
        meta = json.loads(lib.aic_signature().decode())
    except (OSError, AttributeError, ValueError) as e:
        raise AicError(f"'{path}' is not an aic model library: {e}") from None

    def infos(items):
        return [TensorInfo(t["name"], tuple(t["shape"]), numpy_dtype(t["dtype"])) for t in items]

    inputs, outputs = infos(meta["inputs"]), infos(meta["outputs"])
    lib.aic_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p]

    def run(arrays):
        outs = [np.empty(t.shape, t.dtype) for t in outputs]
        ins = (ctypes.c_void_p * max(1, len(arrays)))(*[a.ctypes.data for a in arrays])
        outp = (ctypes.c_void_p * max(1, len(outs)))(*[o.ctypes.data for o in outs])
        lib.aic_run(ins, outp)
        return outs

    model = CompiledModel(run, inputs, outputs, threads=meta.get("threads", 0))
    model._library = lib  # keep the library loaded as long as the model lives
    return model
