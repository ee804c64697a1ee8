"""In-process execution of bufferizable MLIR (linalg/tensor/scf/arith/math on tensors).

``lower_to_llvm(module)`` runs the CPU backend's upstream tail (bufferize, results to
out-params, deallocation, loops, LLVM). ``JitFunction(module, name)`` compiles with MLIR's
ExecutionEngine and calls the function through its C interface with numpy arrays:
inputs are read (any size in their dynamic dims), outputs are freshly allocated numpy arrays
the code writes into -- or, for a function with a dynamic output, the buffers it returns.
``run_mlir(module_or_text, name, inputs)`` does all of it once (handy in tests).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np

from aic.compiler import native, openmp
from aic.mlir_api import ir, runtime_library
from aic.compiler.driver import find_func
from aic.compiler.stages import BUFFERIZE, TO_LLVM
from aic.compiler.weights import Weight
from aic.dsl.dtypes import tensor_spec
from aic.errors import AicError
from aic.runtime.buffers import owned_array

@dataclass
class Signature:
    inputs: list[tuple[tuple[int, ...], np.dtype]]
    outputs: list[tuple[tuple[int, ...], np.dtype]]


def signature_of(module: ir.Module, name: str) -> Signature:
    f = find_func(module, name)
    ftype = ir.FunctionType(ir.TypeAttr(f.attributes["function_type"]).value)
    def spec(t):
        shape, dtype = tensor_spec(t)
        return tuple(-1 if d < 0 else d for d in shape), dtype

    return Signature([spec(t) for t in ftype.inputs], [spec(t) for t in ftype.results])


def lower_to_llvm(module: ir.Module, name: str | None = None) -> None:
    """Bufferize and lower ``module`` to the LLVM dialect in place (C interface on ``name``)."""
    if name is not None:
        find_func(module, name).attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
    from aic.pipeline import build_pass_manager

    pm = build_pass_manager(f"builtin.module({BUFFERIZE},{TO_LLVM})", module.context)
    pm.run(module.operation)


MAX_FRAMES = 256
"""Input shapes a JitFunction keeps a call frame for (then it starts again)."""


def _strides(shape) -> list[int]:
    strides, acc = [], 1
    for d in reversed(shape):
        strides.insert(0, acc)
        acc *= d
    return strides


class _CallFrame:
    """Everything a call passes to a packed C-interface function, as one int64 buffer.

    First, for a function returning its results (a model with a dynamic output), the struct
    of result descriptors it writes; then per argument a memref descriptor ``{allocated,
    aligned, offset, sizes[r], strides[r]}`` (every field 8 bytes, no padding); then one
    pointer per C-interface argument (the result struct first, if any, then each descriptor);
    then the packed ``void**`` table pointing at those pointers. Sizes and strides are those
    of dense row-major arrays of one shape, so they are written once into ``template`` (a
    frame per input shape: ``JitFunction`` caches them); a call copies it and fills in the
    data pointers and the addresses -- a few vectorised numpy ops instead of a ctypes object
    per field (DESIGN: a call costs microseconds above its kernels).
    """

    def __init__(self, shapes: list[tuple[int, ...]], result_ranks: tuple[int, ...] = ()):
        self.result_at = []
        words = []
        for rank in result_ranks:
            self.result_at.append((len(words), rank))
            words += [0] * (3 + 2 * rank)
        desc_offsets = []
        for shape in shapes:
            desc_offsets.append(len(words))
            words += [0, 0, 0, *shape, *_strides(shape)]
        starts = ([0] if result_ranks else []) + desc_offsets
        n = len(starts)
        self.pointers_at = len(words)
        self.packed_at = self.pointers_at + n
        self.template = np.zeros(self.packed_at + n, np.int64)
        self.template[: len(words)] = words
        self.allocated_slots = np.array(desc_offsets, np.intp)
        self.aligned_slots = self.allocated_slots + 1
        self.desc_bytes = np.array(starts, np.int64) * 8
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

    def results(self, frame: np.ndarray, dtypes) -> list[np.ndarray]:
        """The returned buffers of a call on ``frame`` as numpy arrays (the caller owns them:
        each is freed when its array goes)."""
        out, seen = [], {}
        for (at, rank), dtype in zip(self.result_at, dtypes):
            allocated, aligned, offset, *sizes = frame[at: at + 3 + rank].tolist()
            if allocated and allocated in seen:  # one buffer returned twice: freed once
                out.append(out[seen[allocated]].copy())
                continue
            seen[allocated] = len(out)
            out.append(owned_array(allocated, aligned + offset * np.dtype(dtype).itemsize,
                                   sizes, dtype))
        return out


def _buffer_cache() -> list[str]:
    """aic's buffer cache (``aic.compiler.native``) as a JIT library; none without a C
    compiler to build it."""
    try:
        return [native.buffer_cache_library()]
    except AicError:
        return []


def _bind_plain_allocation(engine) -> None:
    """Without the buffer cache, the compiled code's allocation functions are libc's."""
    libc = ctypes.CDLL(None)
    for name, function in (("_mlir_memref_to_llvm_alloc", libc.malloc),
                           ("_mlir_memref_to_llvm_aligned_alloc", libc.aligned_alloc),
                           ("_mlir_memref_to_llvm_free", libc.free)):
        engine.raw_register_runtime(name, ctypes.cast(function, ctypes.c_void_p))


class JitFunction:
    """A function of a lowered module, callable with numpy arrays.

    Inputs may have any size in their dynamic (-1) dims: the argument frame is made once per
    input shape and cached. Outputs of static shape are allocated by the caller (numpy) and
    passed as out-params; when an output has a dynamic dim, the function returns every result
    (``aic-memref-results-to-out-params``) and they come back without a copy
    (``aic.runtime.buffers``).

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
            buffers = _buffer_cache()
            engine = execution_engine.ExecutionEngine(module, opt_level=opt_level,
                                                      shared_libs=libs + buffers)
            if not buffers:
                _bind_plain_allocation(engine)
            for w in self.weights:
                engine.raw_register_runtime(w.name, ctypes.c_void_p(w.address))
        self.engine = engine
        # The engine resolves this name to its packed wrapper: one ``void**`` argument whose
        # entries point at the C-interface arguments (here: pointers to memref descriptors).
        address = self.engine.raw_lookup(f"_mlir_ciface_{name}")
        if not address:
            raise KeyError(f"function {name} not found after lowering")
        self.returns_results = returns_results(signature)
        self._output_dtypes = [dtype for _, dtype in signature.outputs]
        self._frames: dict[tuple, _CallFrame] = {}
        self._frame = self._frame_for(tuple(tuple(s) for s, _ in signature.inputs))
        self._fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(address)

    def _frame_for(self, shapes: tuple) -> _CallFrame | None:
        """The cached frame for these input shapes (None for shapes with dynamic dims)."""
        frame = self._frames.get(shapes)
        if frame is None and all(-1 not in s for s in shapes):
            if self.returns_results:
                frame = _CallFrame(list(shapes), tuple(len(s) for s, _ in self.signature.outputs))
            else:
                frame = _CallFrame(list(shapes) + [tuple(s) for s, _ in self.signature.outputs])
            if len(self._frames) >= MAX_FRAMES:
                self._frames.clear()
            self._frames[shapes] = frame
        return frame

    def sibling(self, name: str, signature: Signature) -> "JitFunction":
        """Another function of the same compiled module (same engine, same globals)."""
        return JitFunction(None, name, signature, engine=self.engine, weights=self.weights)

    def __call__(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        inputs = [a if a.flags.c_contiguous else np.ascontiguousarray(a) for a in inputs]
        frame = self._frame or self._frame_for(tuple(a.shape for a in inputs))
        if self.returns_results:
            words, packed = frame.build(inputs)
            self._fn(packed)
            return frame.results(words, self._output_dtypes)
        outputs = [np.empty(shape, dtype) for shape, dtype in self.signature.outputs]
        words, packed = frame.build(inputs + outputs)
        self._fn(packed)
        del words  # (kept alive through the call above)
        return outputs


def returns_results(signature: Signature) -> bool:
    """Whether the lowered function returns its results (an output with a dynamic dim) instead
    of writing caller-allocated out-params (``aic-memref-results-to-out-params``)."""
    return any(-1 in tuple(shape) for shape, _ in signature.outputs)


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
