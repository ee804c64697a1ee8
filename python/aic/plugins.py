"""Loading a researcher's plugin: one Python file declaring dialects (``aic.dsl``) and passes
(``aic.pass_base.register_pass``). Importing the file is all it takes; what it declares joins
the registries and is loaded into every context made afterwards.

A plugin that cannot be imported (missing file, syntax error, an exception while it runs)
raises ``AicError`` with one line: ``plugin FILE:LINE: ExceptionType: message``. Loading the
same file twice is a no-op.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from aic.errors import AicError


def load_plugin(path: str) -> None:
    file = Path(path)
    if not file.is_file():
        raise AicError(f"plugin '{path}' does not exist")
    resolved = file.resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:8]
    name = f"aic_plugin_{file.stem}_{digest}"
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, resolved)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except AicError:
        del sys.modules[name]
        raise
    except Exception as e:  # the plugin's own bug: one line, no traceback
        del sys.modules[name]
        line = _error_line(e, str(resolved))
        raise AicError(f"plugin {path}{line}: {type(e).__name__}: {_message(e)}") from None


def _error_line(e: BaseException, filename: str) -> str:
    """``:N`` for the innermost line of ``filename`` involved in ``e`` (or '')."""
    if isinstance(e, SyntaxError) and e.filename == filename and e.lineno:
        return f":{e.lineno}"
    line = ""
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = f":{tb.tb_lineno}"
        tb = tb.tb_next
    return line


def _message(e: BaseException) -> str:
    if isinstance(e, SyntaxError):
        return e.msg
    return str(e)
