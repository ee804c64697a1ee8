"""The ``hw`` dialect: targets (see README.md)."""

from aic.dialects.hw.dialect import hw
from aic.dialects.hw.ops import (MAPPINGS, SHARED_MEMORY_SPACE, TERMINATOR,  # noqa: F401
                                 BarrierOp, MicrokernelOp, ParallelOp, SharedAllocOp)
from aic.dialects.hw.target import TARGET_ATTR, enclosing_target, get_target, set_target  # noqa: F401,E501

DIALECT = hw
