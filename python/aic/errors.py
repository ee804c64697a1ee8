"""Error types that users of aic see.

Every error aic raises on purpose derives from ``AicError``; tools print them as one line
(with a location where one exists) and exit non-zero.
"""

from __future__ import annotations


class AicError(Exception):
    """Base of all deliberate aic errors."""


class UnsupportedError(AicError):
    """An op, attribute value or dtype aic does not (yet) compile. Never a miscompile."""


class ModelFormatError(AicError):
    """The model file cannot be read (truncated, not ONNX, unknown shapes...)."""


class PassError(AicError):
    """A pass failed; ``op`` (optional) is where, its location is used in the message."""

    def __init__(self, message: str, op=None):
        super().__init__(message)
        self.op = op


class AlreadyReported(PassError):
    """A pass failed after emitting its own diagnostics (nothing more to print)."""

    def __init__(self):
        super().__init__("failed")


class PipelineError(AicError):
    """A pass pipeline string is malformed or names an unknown pass."""


class InputError(AicError):
    """Inputs given to a compiled model have the wrong names, shapes or dtypes."""


class ValueNeededError(UnsupportedError):
    """A shape depends on the values of graph inputs (a Reshape's shape, Slice starts, TopK's
    k...) that are inputs at run time. ``inputs``: those graph inputs, in graph order.
    ``aic.compile`` specialises on their values (``aic.runtime.specialize``); ahead of time,
    ``--input-value NAME=...`` fixes them."""

    def __init__(self, message: str, inputs: tuple[str, ...] = ()):
        super().__init__(message)
        self.inputs = tuple(inputs)
