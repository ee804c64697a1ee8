"""In-process execution of bufferizable MLIR (linalg/tensor/scf/arith/math on tensors).

``lower_to_llvm(module)`` runs the CPU backend's upstream tail (bufferize, results to
out-params, deallocation, loops, LLVM). ``JitFunction(module, name)`` compiles with MLIR's
ExecutionEngine and calls the function through its C interface with numpy arrays:
inputs are read, outputs are freshly allocated numpy arrays the code writes into.
``run_mlir(module_or_text, name, inputs)`` does all of it once (handy in tests).
"""

from __future__ import annotations

import ctypes
import functools
from dataclasses import dataclass

import numpy as np

from aic.compiler import openmp
from aic.mlir_api import ir, runtime_library
from aic.compiler.driver import find_func  # noqa: F401  (re-exported)
from aic.compiler.stages import BUFFERIZE, TO_LLVM
from aic.dsl.dtypes import tensor_spec

@dataclass
class Signature:
    inputs: list[tuple[tuple[int, ...], np.dtype]]
    outputs: list[tuple[tuple[int, ...], np.dtype]]


def signature_of(module: ir.Module, name: str) -> Signature:
    f = find_func(module, name)
    ftype = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value)
    return Signature([tensor_spec(t) for t in ftype.inputs],
                     [tensor_spec(t) for t in ftype.results])


def lower_to_llvm(module: ir.Module, name: str | None = None) -> None:
    """Bufferize and lower ``module`` to the LLVM dialect in place (C interface on ``name``)."""
    if name is not None:
        find_func(module, name).attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    from aic.pipeline import build_pass_manager

    pm = build_pass_manager(f"builtin.module({BUFFERIZE},{TO_LLVM})", module.context)
    pm.run(module.operation)


@functools.lru_cache(maxsize=None)
def _memref_struct(rank: int) -> type:
    """The ctypes struct of a rank-``rank`` memref descriptor (made once: building a ctypes
    type costs tens of microseconds, more than a small model's whole run)."""
    fields = [("allocated", ctypes.c_void_p), ("aligned", ctypes.c_void_p),
              ("offset", ctypes.c_longlong)]
    if rank:
        fields += [("shape", ctypes.c_longlong * rank), ("strides", ctypes.c_longlong * rank)]
    return type(f"MemRef{rank}D", (ctypes.Structure,), {"_fields_": fields})


class _Descriptor:
    """A ranked memref descriptor over a numpy array (kept alive with it)."""

    def __init__(self, array: np.ndarray):
        rank = array.ndim
        self.desc = _memref_struct(rank)()
        ptr = array.ctypes.data
        self.desc.allocated = ptr
        self.desc.aligned = ptr
        self.desc.offset = 0
        if rank:
            self.desc.shape[:] = array.shape
            itemsize = array.itemsize
            self.desc.strides[:] = [s // itemsize for s in array.strides]
        self.array = array


class JitFunction:
    """A function of a lowered module, callable with numpy arrays."""

    def __init__(self, module: ir.Module, name: str, signature: Signature, opt_level: int = 3):
        from aic.mlir_api import execution_engine

        self.signature = signature
        openmp.runtime_defaults()  # before libomp starts (see aic.compiler.openmp)
        libs = [runtime_library("mlir_c_runner_utils"), openmp.libomp_path()]
        self.engine = execution_engine.ExecutionEngine(module, opt_level=opt_level, shared_libs=libs)
        # The engine resolves this name to its packed wrapper: one ``void**`` argument whose
        # entries point at the C-interface arguments (here: pointers to memref descriptors).
        address = self.engine.raw_lookup(f"_mlir_ciface_{name}")
        if not address:
            raise KeyError(f"function {name} not found after lowering")
        self._n = len(signature.inputs) + len(signature.outputs)
        self._fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)

    def __call__(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        args = [_Descriptor(np.ascontiguousarray(a)) for a in inputs]
        outputs = [np.empty(shape, dtype) for shape, dtype in self.signature.outputs]
        args += [_Descriptor(o) for o in outputs]
        pointers = [ctypes.c_void_p(ctypes.addressof(a.desc)) for a in args]
        packed = (ctypes.c_void_p * self._n)(*[ctypes.addressof(p) for p in pointers])
        self._fn(packed)
        return outputs


def run_mlir(module: ir.Module | str, name: str, inputs: list[np.ndarray],
             context: ir.Context | None = None) -> list[np.ndarray]:
    """Parse (if text), lower and run ``name`` once on ``inputs``."""
    if isinstance(module, str):
        from aic.context import make_context

        ctx = context or make_context()
        with ctx:
            module = ir.Module.parse(module)
    with module.context:
        sig = signature_of(module, name)
        lower_to_llvm(module, name)
        return JitFunction(module, name, sig)(inputs)
