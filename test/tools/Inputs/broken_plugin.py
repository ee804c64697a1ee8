"""A plugin with a bug in its top level: loading it must give one line, no traceback."""

from aic.dsl import Dialect

broken = Dialect("brokenplugin", "declared before the bug")
raise RuntimeError("the plugin author made a mistake")
