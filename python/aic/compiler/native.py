"""aic's C sources and how they are built: the buffer cache every CPU model allocates through,
and (``aic.compiler.cuda_host``) the CUDA host runtime.

``BUFFER_CACHE`` (``buffer_cache.c``: ``_mlir_memref_to_llvm_alloc`` / ``_free``, what
``finalize-memref-to-llvm{use-generic-functions}`` makes compiled code call) is compiled into
every CPU model library; ``shared_object`` builds a source once as a shared library in the
compile cache folder, named by the source's hash, for the JIT (and for ``mlir-runner`` in the
lit tests: ``buffer_cache_library()``). May import the compiler's own modules.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from aic.compiler import files
from aic.compiler.cache import cache_dir
from aic.errors import AicError

BUFFER_CACHE = Path(__file__).with_name("buffer_cache.c")


def c_compiler(purpose: str) -> str:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise AicError(f"no C compiler (cc/gcc) found: needed to {purpose}")
    return cc


def shared_object(source: Path, stem: str, flags: tuple[str, ...], what: str) -> str:
    """Path of ``<stem>-<hash>.so`` built from ``source`` (once; later calls find it);
    ``what`` names it in errors."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    path = os.path.join(cache_dir(), f"{stem}-{digest}.so")
    if os.path.exists(path):
        return path
    os.makedirs(cache_dir(), exist_ok=True)

    def build(tmp: str) -> None:
        proc = subprocess.run([c_compiler(f"build {what}"), "-shared", "-fPIC", "-O2", "-o", tmp,
                               str(source), *flags], capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            first = (proc.stderr.strip().splitlines() or ["(no message)"])[0]
            raise AicError(f"building {what} failed: {first}")

    files.atomic(path, build)
    return path


@functools.cache
def buffer_cache_library() -> str:
    """``libaic_buffers.so``: the buffer cache for JIT-compiled code."""
    return shared_object(BUFFER_CACHE, "libaic_buffers", ("-lpthread",),
                         "aic's buffer cache")
