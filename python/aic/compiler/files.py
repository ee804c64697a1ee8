"""Writing compiler outputs safely: into a temporary file in the target folder, renamed into
place, so a failed or interrupted write leaves any existing file untouched.

``write(path, text_or_bytes)`` writes one output; ``copy_beside(source, path)`` puts a copy of
``source`` (e.g. ``libomp.so``) next to ``path`` unless an identical file is already there.
Shared libraries get executable permissions, other files the usual ones (both under umask).
Errors name ``path``, never the temporary file.

``check_output(path, inputs)`` is what the tools ask before they compute anything: an output
may not be empty, one of the ``inputs``, a directory or another non-regular file (a FIFO, a
device node: replacing it by a regular file would destroy it). ``check_companion`` guards a
file written beside the output (the library's header): one holding other text is replaced
only when the user forces it.
"""

from __future__ import annotations

import os
import stat
import tempfile

from aic.errors import AicError


def check_output(path: str, inputs=(), what: str = "output") -> None:
    """Refuse an output ``path`` that is empty, an input, or an existing non-regular file."""
    if not path:
        raise AicError(f"the {what} path is empty")
    if path.endswith((os.sep, "/")):
        raise AicError(f"the {what} '{path}' names a directory: give a file name")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise AicError(f"cannot write '{path}': {e.strerror}") from None
    if stat.S_ISDIR(mode):
        raise AicError(f"the {what} '{path}' is a directory: give a file name")
    if not stat.S_ISREG(mode):
        raise AicError(f"the {what} '{path}' is not a regular file (a FIFO, socket or device): "
                       "refusing to replace it")
    for source in inputs:
        if source and os.path.exists(source) and os.path.samefile(path, source):
            raise AicError(f"refusing to overwrite the input '{source}' with the {what}")


def check_companion(path: str, value: str | bytes, inputs=(), force: bool = False) -> None:
    """Refuse to replace ``path`` (written beside an output) unless it already holds
    ``value`` or ``force`` is set; never replace an input or a non-regular file."""
    check_output(path, inputs, "companion file")
    if force or not os.path.exists(path):
        return
    data = value.encode() if isinstance(value, str) else value
    with open(path, "rb") as f:
        if f.read() == data:
            return
    raise AicError(f"'{path}' exists and holds other content: refusing to replace it "
                   "(--force replaces it)")


def write(path: str, value: str | bytes) -> None:
    mode, data = ("w", value) if isinstance(value, str) else ("wb", value)

    def produce(tmp: str) -> None:
        with open(tmp, mode, **({"encoding": "utf-8"} if mode == "w" else {})) as f:
            f.write(data)

    atomic(path, produce)


def copy_beside(source: str, path: str) -> str:
    """Copy ``source`` into ``path``'s folder (unless an identical file is there); the copy's
    path."""
    target = beside(source, path)
    with open(source, "rb") as f:
        data = f.read()
    if os.path.exists(target):
        with open(target, "rb") as f:
            if f.read() == data:
                return target
    write(target, data)
    return target


def beside(source: str, path: str) -> str:
    """Where ``copy_beside(source, path)`` puts its copy."""
    return os.path.join(os.path.dirname(os.path.abspath(path)), os.path.basename(source))


def atomic(path: str, produce) -> None:
    """``produce(tmp)`` writes a temporary file beside ``path``, which then replaces it.

    An ``OSError`` of the temporary file or the rename becomes an ``AicError`` naming
    ``path``; the temporary file is removed on any failure, Ctrl-C and SIGTERM included.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".aic-", suffix=os.path.splitext(path)[1], dir=folder)
    except OSError as e:
        raise AicError(f"cannot write '{path}': {e.strerror or e}") from None
    os.close(fd)
    try:
        produce(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask if not path.endswith(".so") else 0o777 & ~umask)
        os.replace(tmp, path)
    except OSError as e:
        _remove(tmp)
        raise AicError(f"cannot write '{path}': {e.strerror or e}") from None
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: str) -> None:
    if os.path.lexists(tmp):
        os.unlink(tmp)
