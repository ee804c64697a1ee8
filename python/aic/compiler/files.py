"""Writing compiler outputs safely: into a temporary file in the target folder, renamed into
place, so a failed or interrupted write leaves any existing file untouched.

``write(path, text_or_bytes)`` writes one output; ``copy_beside(source, path)`` puts a copy of
``source`` (e.g. ``libomp.so``) next to ``path`` unless an identical file is already there.
Shared libraries get executable permissions, other files the usual ones (both under umask).
"""

from __future__ import annotations

import os
import tempfile


def write(path: str, value: str | bytes) -> None:
    mode, data = ("w", value) if isinstance(value, str) else ("wb", value)

    def produce(tmp: str) -> None:
        with open(tmp, mode, **({"encoding": "utf-8"} if mode == "w" else {})) as f:
            f.write(data)

    atomic(path, produce)


def copy_beside(source: str, path: str) -> str:
    """Copy ``source`` into ``path``'s folder (unless an identical file is there); the copy's
    path."""
    target = os.path.join(os.path.dirname(os.path.abspath(path)), os.path.basename(source))
    with open(source, "rb") as f:
        data = f.read()
    if os.path.exists(target):
        with open(target, "rb") as f:
            if f.read() == data:
                return target
    write(target, data)
    return target


def atomic(path: str, produce) -> None:
    """``produce(tmp)`` writes a temporary file beside ``path``, which then replaces it."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".aic-", suffix=os.path.splitext(path)[1], dir=folder)
    os.close(fd)
    try:
        produce(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask if not path.endswith(".so") else 0o777 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
