"""A plugin naming its dialect like one aic already declares (for dialect-name-clash.mlir)."""

from aic.dsl import Dialect

Dialect("graph", "Clashes with aic's own graph dialect.")
