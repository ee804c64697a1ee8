"""Loading a compiled model library (``aic-compile --emit lib`` / ``CompiledModel.save``).

``load_library(path)`` opens the shared library, reads ``aic_signature`` (JSON: names, shapes,
dtypes) and returns a ``CompiledModel`` whose calls go to ``aic_run``. May import the
compiler (for ``TensorInfo``) and the runtime; nothing above.
"""

from __future__ import annotations

import ctypes
import json
import os

import numpy as np

from aic.compiler.driver import TensorInfo
from aic.dsl.dtypes import numpy_dtype
from aic.errors import AicError
from aic.runtime.model import CompiledModel


def load_library(path: str):
    try:
        lib = ctypes.CDLL(os.path.abspath(path))
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
