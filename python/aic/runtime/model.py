"""``CompiledModel``: a compiled model you call with numpy arrays.

Inputs are given positionally (graph input order, constants excluded) or by name; shapes and
dtypes are checked before any native code runs (``InputError``). A dim that is -1 in an
input's ``TensorInfo.shape`` takes any size (issue 10); dynamic input dims of one name
(``TensorInfo.dim_names``) must have one size. Outputs come back as a list
of numpy arrays in graph output order; an index out of range in the input data (Gather,
GatherElements) raises ``InputError`` after the call (``with_index_checks``). ``save(path)``
writes a shared library with a C entry point (see ``aic.compiler.cpu_backend``);
``aic.load(path)`` loads one back.
"""

from __future__ import annotations

import functools
import os
from typing import Callable

import numpy as np

from aic.compiler.index_checks import IndexCheck, first_bad, message
from aic.errors import InputError


def with_index_checks(run: Callable[[list[np.ndarray]], list[np.ndarray]],
                      checks: list[IndexCheck]) -> Callable[[list[np.ndarray]], list[np.ndarray]]:
    """``run`` (whose last output is the status of ``checks``, see
    ``aic.compiler.index_checks``) as a function that returns the model's outputs and raises
    ``InputError`` naming the node and the index when an index was out of range."""
    if not checks:
        return run

    bounds = [(2 * k, -c.size, 2 * k + 1, c.size) for k, c in enumerate(checks)]

    def checked(arrays):
        outputs = run(arrays)
        status = outputs.pop().tolist()
        for low_at, low, high_at, size in bounds:
            if status[low_at] < low or status[high_at] >= size:
                raise InputError(message(*first_bad(checks, status)))
        return outputs
    return checked


def _conforms(shape, info) -> bool:
    """Whether ``shape`` has ``info``'s rank and its static dims (-1: any size)."""
    return len(shape) == len(info.shape) and all(
        want < 0 or got == want for got, want in zip(shape, info.shape))


def _expected(info) -> str:
    dims = [info.dim_name(d) or "?" if n < 0 else str(n) for d, n in enumerate(info.shape)]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def check_named_dims(groups: dict[str, list[tuple[int, int]]], arrays, names) -> None:
    """Raise ``InputError`` unless the dims of each name (``groups``: name -> (input, dim)
    pairs) have one size in ``arrays`` (inputs called ``names``)."""
    for name, places in groups.items():
        (i0, d0), sizes = places[0], [arrays[i].shape[d] for i, d in places]
        for (i, d), size in zip(places, sizes):
            if size != sizes[0]:
                raise InputError(f"input '{names[i]}' has size {size} in dim {d} ('{name}'), "
                                 f"but input '{names[i0]}' has {sizes[0]} in dim {d0} ('{name}')")


class CompiledModel:
    value_inputs: list[str] = []  # inputs it specialises on (aic.runtime.specialize)
    variant_count = 1  # compiled variants it holds (more: aic.runtime.specialize)

    def __init__(self, run: Callable[[list[np.ndarray]], list[np.ndarray]], inputs, outputs,
                 llvm_module_text: str | None = None, target: str = "cpu", threads: int = 0,
                 index_checks: list[IndexCheck] = (), llvm_module=None, weights=()):
        self._run = run
        self.index_checks = list(index_checks)  # what the last output of ``run`` reports
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self._llvm_text = llvm_module_text
        self._llvm_module = llvm_module  # printed on first use of llvm_module_text
        self.weights = list(weights)  # the constants the LLVM module declares external
        self.target = target
        self.threads = threads  # threads its kernels run on (0: the OpenMP runtime's default)
        self.profiler = None  # an aic.runtime.profile.Profiler when compiled with profile=True
        self.library_path: str | None = None  # the library it runs from (e.g. a cache entry)
        self.timing = None  # the compile's aic.timing.Recorder (aic.compile)

    @property
    def llvm_module_text(self) -> str | None:
        """The LLVM-dialect module as text (printed when first asked: ``save`` needs it, a
        compile does not); its large constants are external declarations, their bytes are
        ``weights`` (``aic.compiler.weights``)."""
        if self._llvm_text is None and self._llvm_module is not None:
            with self._llvm_module.context:
                self._llvm_text = self._llvm_module.operation.get_asm()
            self._llvm_module = None
        return self._llvm_text

    @property
    def input_names(self) -> list[str]:
        return [t.name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [t.name for t in self.outputs]

    def __call__(self, *arrays, **named) -> list[np.ndarray]:
        return self._run(self.check_inputs(arrays, named))

    def check_inputs(self, arrays, named) -> list[np.ndarray]:
        """Order, convert and check inputs; raise ``InputError`` with what was expected."""
        if arrays and named:
            raise InputError("pass inputs either positionally or by name, not both")
        if named:
            unknown = sorted(set(named) - set(self.input_names))
            if unknown:
                raise InputError(f"unknown input(s) {unknown}; inputs are {self.input_names}")
            missing = [n for n in self.input_names if n not in named]
            if missing:
                raise InputError(f"missing input(s) {missing}")
            arrays = [named[n] for n in self.input_names]
        if len(arrays) != len(self.inputs):
            raise InputError(f"expected {len(self.inputs)} input(s) "
                             f"({', '.join(t.describe() for t in self.inputs)}), got {len(arrays)}")
        checked = []
        for info, value in zip(self.inputs, arrays):
            array = np.asarray(value)
            if array.dtype != info.dtype:
                raise InputError(f"input '{info.name}' has dtype {array.dtype}, "
                                 f"expected {np.dtype(info.dtype)}")
            if tuple(array.shape) != tuple(info.shape) and not _conforms(array.shape, info):
                raise InputError(f"input '{info.name}' has shape {tuple(array.shape)}, "
                                 f"expected {_expected(info)}")
            checked.append(np.ascontiguousarray(array))
        if self._named_dims:
            check_named_dims(self._named_dims, checked, self.input_names)
        return checked

    @functools.cached_property
    def _named_dims(self) -> dict[str, list[tuple[int, int]]]:
        """Dim name -> the (input, dim) pairs of that name that are dynamic, for names with
        more than one (issue 10)."""
        groups: dict[str, list[tuple[int, int]]] = {}
        for i, t in enumerate(self.inputs):
            for d, size in enumerate(t.shape):
                if size < 0 and t.dim_name(d):
                    groups.setdefault(t.dim_name(d), []).append((i, d))
        return {k: v for k, v in groups.items() if len(v) > 1}

    def save(self, path: str) -> str:
        """Write a shared library (and its header and metadata beside it); return its path."""
        from aic.compiler import files, openmp
        from aic.compiler.cpu_backend import HEADER, write_library

        if self.llvm_module_text is None and self.library_path is not None:
            with open(self.library_path, "rb") as f:
                files.write(path, f.read())
            files.write(os.path.splitext(path)[0] + ".h", HEADER)
            files.copy_beside(openmp.libomp_path(), path)
            return path
        if self.llvm_module_text is None:
            raise InputError("this model has no LLVM module to save")
        return write_library(self.llvm_module_text, path, self.inputs, self.outputs,
                             threads=self.threads, target=self.target,
                             index_checks=self.index_checks, weights=self.weights)
