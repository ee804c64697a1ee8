"""Loading a researcher's plugin: one Python file declaring dialects (``aic.dsl``) and passes
(``aic.pass_base.register_pass``). Importing the file is all it takes; what it declares joins
the registries and is loaded into every context made afterwards.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from aic.errors import AicError


def load_plugin(path: str) -> None:
    file = Path(path)
    if not file.is_file():
        raise AicError(f"plugin '{path}' does not exist")
    name = f"aic_plugin_{file.stem}"
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except AicError:
        raise
    except Exception as e:  # a plugin's own bug: report it as one line, keep going no further
        del sys.modules[name]
        line = ""
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == str(file):
                line = f":{tb.tb_lineno}"
            tb = tb.tb_next
        raise AicError(f"plugin {path}{line}: {type(e).__name__}: {e}") from None
