"""In-process execution of bufferizable MLIR (linalg/tensor/scf/arith/math on tensors).

``lower_to_llvm(module)`` runs the CPU backend's upstream tail (bufferize, results to
out-params, deallocation, loops, LLVM). ``JitFunction(module, name)`` compiles with MLIR's
ExecutionEngine and calls the function through its C interface with numpy arrays:
inputs are read, outputs are freshly allocated numpy arrays the code writes into.
``run_mlir(module_or_text, name, inputs)`` does all of it once (handy in tests).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np

from aic.compiler import openmp
from aic.mlir_api import ir, runtime_library
from aic.compiler.driver import find_func
from aic.compiler.stages import BUFFERIZE, TO_LLVM
from aic.compiler.weights import Weight
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


class _CallFrame:
    """Everything a call passes to a packed C-interface function, as one int64 buffer.

    Per argument a memref descriptor ``{allocated, aligned, offset, sizes[r], strides[r]}``
    (every field 8 bytes, no padding); then one pointer per descriptor (the C-interface
    arguments); then the packed ``void**`` table pointing at those pointers. Sizes and strides
    are static (dense row-major arrays), so they are written once into ``template``; a call
    copies it and fills in the data pointers and the addresses -- a few vectorised numpy ops
    instead of a ctypes object per field (DESIGN: a call costs microseconds above its kernels).
    """

    def __init__(self, shapes: list[tuple[int, ...]]):
        words, desc_offsets = [], []
        for shape in shapes:
            desc_offsets.append(len(words))
            strides, acc = [], 1
            for d in reversed(shape):
                strides.insert(0, acc)
                acc *= d
            words += [0, 0, 0, *shape, *strides]
        n = len(shapes)
        self.pointers_at = len(words)
        self.packed_at = self.pointers_at + n
        self.template = np.zeros(self.packed_at + n, np.int64)
        self.template[: len(words)] = words
        self.allocated_slots = np.array(desc_offsets, np.intp)
        self.aligned_slots = self.allocated_slots + 1
        self.desc_bytes = np.array(desc_offsets, np.int64) * 8
        self.pointer_bytes = (self.pointers_at + np.arange(n, dtype=np.int64)) * 8

    def build(self, arrays: list[np.ndarray]) -> tuple[np.ndarray, int]:
        """A frame for ``arrays`` (dense, row-major, kept alive by the caller) and the address
        of its packed argument table."""
        frame = self.template.copy()
        data = [a.ctypes.data for a in arrays]
        frame[self.allocated_slots] = data
        frame[self.aligned_slots] = data
        base = frame.ctypes.data
        frame[self.pointers_at: self.packed_at] = self.desc_bytes + base
        frame[self.packed_at:] = self.pointer_bytes + base
        return frame, base + self.packed_at * 8


class JitFunction:
    """A function of a lowered module, callable with numpy arrays.

    ``weights`` (``aic.compiler.weights.externalize``) are the module's external constants:
    each symbol is bound to its array's address before the first lookup materialises code, and
    the arrays live as long as this function (and its siblings): the one copy at run time.
    """

    def __init__(self, module: ir.Module, name: str, signature: Signature, opt_level: int = 3,
                 engine=None, weights: list[Weight] = ()):
        from aic.mlir_api import execution_engine

        self.signature = signature
        self.weights = list(weights)
        if engine is None:
            openmp.runtime_defaults()  # before libomp starts (see aic.compiler.openmp)
            libs = [runtime_library("mlir_c_runner_utils"), openmp.libomp_path(),
                    runtime_library("mlir_float16_utils")]  # __truncsfbf2 (f32 -> bf16)
            engine = execution_engine.ExecutionEngine(module, opt_level=opt_level,
                                                      shared_libs=libs)
            for w in self.weights:
                engine.raw_register_runtime(w.name, ctypes.c_void_p(w.address))
        self.engine = engine
        # The engine resolves this name to its packed wrapper: one ``void**`` argument whose
        # entries point at the C-interface arguments (here: pointers to memref descriptors).
        address = self.engine.raw_lookup(f"_mlir_ciface_{name}")
        if not address:
            raise KeyError(f"function {name} not found after lowering")
        self._frame = _CallFrame([tuple(shape) for shape, _ in signature.inputs + signature.outputs])
        self._fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)

    def sibling(self, name: str, signature: Signature) -> "JitFunction":
        """Another function of the same compiled module (same engine, same globals)."""
        return JitFunction(None, name, signature, engine=self.engine, weights=self.weights)

    def __call__(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        inputs = [a if a.flags.c_contiguous else np.ascontiguousarray(a) for a in inputs]
        outputs = [np.empty(shape, dtype) for shape, dtype in self.signature.outputs]
        frame, packed = self._frame.build(inputs + outputs)
        self._fn(packed)
        del frame  # (kept alive through the call above)
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
