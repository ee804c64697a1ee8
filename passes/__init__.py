"""aic passes, one module per pass; importing this package registers them all.

Every module below this package is imported (discovery with ``pkgutil``), except the private
helper packages of a pass (``<pass>_lib/``, imported by their pass): a new pass module
registers itself by being here, with no list to keep. Modules are imported in name order, so
registration is deterministic.
"""

import importlib
import pkgutil


def _import_pass_modules() -> None:
    for info in sorted(pkgutil.walk_packages(__path__, __name__ + "."), key=lambda i: i.name):
        if any(part.endswith("_lib") for part in info.name.split(".")):
            continue
        importlib.import_module(info.name)


_import_pass_modules()
