"""The one door to MLIR.

Every aic module imports MLIR through here (``from aic.mlir_api import ir, ...``), so the MLIR
provider (today the ``xtc-mlir-python-bindings`` wheel, LLVM 22.1.8) can be swapped in one place.
Tools and runtime libraries are located through the installed packages, never through
hard-coded site-packages paths.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from mlir import execution_engine, ir, passmanager, rewrite  # noqa: F401  (re-exported)
from mlir._mlir_libs import _mlir as _cext  # noqa: F401
from mlir.dialects import (  # noqa: F401
    arith,
    bufferization,
    builtin,
    func,
    gpu,
    irdl,
    linalg,
    llvm,
    math,
    memref,
    scf,
    tensor,
    vector,
)

__all__ = [
    "execution_engine",
    "ir",
    "passmanager",
    "rewrite",
    "arith",
    "bufferization",
    "builtin",
    "func",
    "gpu",
    "irdl",
    "linalg",
    "llvm",
    "math",
    "memref",
    "scf",
    "tensor",
    "vector",
    "register_dialect_class",
    "register_op_class",
    "tool_path",
    "runtime_library",
]


_NAMESPACE_PACKAGE = "aic._dialect_namespaces"


def register_dialect_class(cls):
    """Register a Python dialect class (``DIALECT_NAMESPACE``) with the bindings.

    The bindings only map op names to Python classes for dialects whose module they can import
    from a search prefix; an empty placeholder module per namespace satisfies that, for aic's
    dialects and plugin dialects alike.
    """
    import sys
    import types

    if _NAMESPACE_PACKAGE not in sys.modules:
        sys.modules[_NAMESPACE_PACKAGE] = types.ModuleType(_NAMESPACE_PACKAGE)
        sys.modules[_NAMESPACE_PACKAGE].__path__ = []
        _cext.globals.append_dialect_search_prefix(_NAMESPACE_PACKAGE)
    module = f"{_NAMESPACE_PACKAGE}.{cls.DIALECT_NAMESPACE}"
    sys.modules.setdefault(module, types.ModuleType(module))
    return _cext.register_dialect(cls)


def register_op_class(dialect_cls, op_cls):
    """Register an ``ir.OpView`` subclass so ``op.opview`` returns it."""
    return _cext.register_operation(dialect_cls, replace=True)(op_cls)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package '{name}' is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def tool_path(tool: str) -> str:
    """Path of an MLIR or LLVM tool shipped by the pinned wheels (mlir-opt, FileCheck, llc ...)."""
    for pkg in ("mlir", "llvm"):
        candidate = _package_dir(pkg) / "bin" / tool
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError(f"tool '{tool}' not found in the mlir/llvm wheels")


@functools.cache
def runtime_library(name: str) -> str:
    """Path of an MLIR runtime library (e.g. ``mlir_c_runner_utils``)."""
    path = _package_dir("mlir") / "lib" / f"lib{name}.so"
    if not path.exists():
        raise FileNotFoundError(f"runtime library {path.name} not found in the mlir wheel")
    return str(path)
