"""Loading a researcher's plugin: one Python file declaring dialects (``aic.dsl``) and passes
(``aic.pass_base.register_pass``). Importing the file is all it takes; what it declares joins
the registries and is loaded into every context made afterwards.

A plugin that cannot be imported (missing file, syntax error, an exception while it runs)
raises ``AicError`` with one line: ``plugin FILE:LINE: ExceptionType: message``. Loading the
same file twice is a no-op (also when another plugin imported it first). From Python:
``aic.load_plugin(path)``; on the command line: ``--plugin FILE.py`` on every tool.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import types
from pathlib import Path

from aic.dialects import builtin_dialects
from aic.dsl.opdef import DIALECTS
from aic.errors import AicError


PLUGIN_DIALECTS: dict[str, list[str]] = {}
"""Resolved plugin path -> the dialects it declared (for ``aic-opt --emit-irdl --plugin X``)."""


def load_plugin(path: str) -> types.ModuleType:
    """Import the plugin file at ``path`` once; return its module.

    It is imported under its file name (``qnt.py`` -> module ``qnt``) with its folder on
    ``sys.path``, so a plugin that imports a sibling plugin (``import qnt``) gets the very
    module ``--plugin qnt.py`` loads -- never a second copy declaring the dialect twice. A
    name already taken by another module gets a unique ``aic_plugin_<stem>_<hash>`` name.
    """
    file = Path(path)
    if not file.is_file():
        raise AicError(f"plugin '{path}' does not exist")
    builtin_dialects()  # aic's dialect names are taken before any plugin declares its own
    resolved = file.resolve()
    loaded = _loaded_from(resolved)
    if loaded is not None:
        return loaded
    name = file.stem
    if not name.isidentifier() or name in sys.modules:
        digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:8]
        name = f"aic_plugin_{file.stem if file.stem.isidentifier() else 'file'}_{digest}"
    folder = str(resolved.parent)
    if folder not in sys.path:
        sys.path.append(folder)
    spec = importlib.util.spec_from_file_location(name, resolved)
    module = importlib.util.module_from_spec(spec)
    before = set(DIALECTS)
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
    PLUGIN_DIALECTS[str(resolved)] = [d for d in DIALECTS if d not in before]
    return module


def plugin_dialects(paths: list[str]) -> list[str]:
    """The dialects declared by the plugins at ``paths`` (loaded already), in load order."""
    return [d for p in paths for d in PLUGIN_DIALECTS.get(str(Path(p).resolve()), [])]


def _loaded_from(resolved: Path):
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and file.endswith(".py") and Path(file).resolve() == resolved:
            return module
    return None


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
