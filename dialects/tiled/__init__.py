"""The ``tiled`` dialect: tile programs (see README.md)."""

from aic.dialects.tiled.dialect import tiled
from aic.dialects.tiled.ops import PARALLEL, REDUCTION, TERMINATOR, KernelOp, LoadOp  # noqa: F401

DIALECT = tiled
