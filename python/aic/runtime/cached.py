"""The compile cache for ``aic.compile`` (the in-process JIT path).

A JIT compile leaves the engine's object code in the cache (``<key>.o``, with the model's
interface): writing it costs a file write, not a link. The next compile of the same model
links that object once into a shared library (``<key>.so``, a cache entry of its own) and
loads it like ``aic.load``; later compiles load the library directly. The code that runs is
the code the JIT made. Entries are checked (size, SHA-256) by ``aic.compiler.cache``; a damaged
one is removed and rebuilt. May import the compiler; nothing above the runtime.
"""

from __future__ import annotations

import os
import tempfile

from aic import timing
from aic.compiler import cache, cpu_backend
from aic.compiler.driver import TensorInfo
from aic.compiler.index_checks import IndexCheck
from aic.dsl.dtypes import mlir_type_name, numpy_dtype
from aic.runtime.library import load_library
from aic.runtime.model import CompiledModel


def load_cached(key: str) -> CompiledModel | None:
    """The model cached under ``key`` (linking its object code first if needed), else None."""
    with timing.span("cache lookup"):
        entry = cache.lookup(key, ".so") or _link_cached_object(key)
    if entry is None:
        return None
    timing.note("compile cache hit")
    with timing.span("load library"):
        model = load_library(entry.path)
    model.library_path = entry.path
    return model


def store_object(key: str, engine, inputs, outputs, threads: int, checks=(),
                 weights=()) -> None:
    """Cache the JIT ``engine``'s object code with the model's interface (and its index
    checks: the status result the C entry turns into an error code); the ``weights`` the code
    refers to as external symbols go into the same object."""
    with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        obj = os.path.join(tmp, "model.o")
        engine.dump_to_object_file(obj)
        if weights:
            cpu_backend.merge_objects([obj], weights, os.path.join(tmp, "merged.o"), tmp)
            obj = os.path.join(tmp, "merged.o")
        with open(obj, "rb") as f:
            data = f.read()
    cache.store(key, ".o", data, {"inputs": [_describe(t) for t in inputs],
                                  "outputs": [_describe(t) for t in outputs],
                                  "threads": threads,
                                  "index_checks": [[c.node, c.size] for c in checks]})


def _link_cached_object(key: str) -> cache.Entry | None:
    entry = cache.lookup(key, ".o")
    if entry is None:
        return None
    meta = entry.meta
    with timing.span("link cached object"), tempfile.TemporaryDirectory(prefix="aic-") as tmp:
        lib = os.path.join(tmp, "model.so")
        checks = [IndexCheck(node, size) for node, size in meta.get("index_checks", [])]
        cpu_backend.link_library(entry.path, lib, _infos(meta["inputs"]),
                                 _infos(meta["outputs"]), meta["threads"], checks)
        with open(lib, "rb") as f:
            return cache.store(key, ".so", f.read())


def _describe(t: TensorInfo) -> dict:
    names = {"dim_names": list(t.dim_names)} if any(t.dim_names) else {}
    return {"name": t.name, "shape": list(t.shape), "dtype": mlir_type_name(t.dtype), **names}


def _infos(items: list[dict]) -> list[TensorInfo]:
    return [TensorInfo(t["name"], tuple(t["shape"]), numpy_dtype(t["dtype"]),
                       tuple(t.get("dim_names", ()))) for t in items]
