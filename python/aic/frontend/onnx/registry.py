"""Handler registry of the ONNX importer: one handler per (op type, first opset version).

A handler is registered with ``@handler("Conv", 11, attrs={"pads", ...})`` and serves every
version of the op from that first version up to the next registered one. ``attrs`` lists the
node attributes the handler understands; a node carrying any other attribute is rejected with
``UnsupportedError`` before the handler runs, so an attribute added by a later opset can never
be silently ignored. A handler takes a ``NodeView`` (``node.py``) and returns the node's outputs
(one value or a list; each an ``ir.Value`` or, when known at import time, a numpy array).

``supported_ops()`` is the importer's claim: the conformance test runs exactly these ops.
This module imports the handler modules (op families) so that they register themselves.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

_FAMILIES = ("elementwise", "activation", "nn", "reduce", "shape", "misc", "rnn", "control",
             "indexing", "transformer", "attention", "losses", "bitwise", "composite", "spectral",
             "quant", "roi", "deform", "spatial", "selection")


@dataclass(frozen=True)
class Handler:
    op_type: str
    since: int
    fn: Callable
    attrs: frozenset[str]


_HANDLERS: dict[str, list[Handler]] = {}
_loaded = False


def handler(op_type: str, since: int, *, attrs=()):
    """Register the decorated function for ``op_type`` from opset version ``since`` on."""

    def register(fn):
        entries = _HANDLERS.setdefault(op_type, [])
        if any(h.since == since for h in entries):
            raise ValueError(f"duplicate ONNX handler {op_type}-{since}")
        entries.append(Handler(op_type, since, fn, frozenset(attrs)))
        entries.sort(key=lambda h: h.since)
        return fn

    return register


def _load() -> None:
    global _loaded
    if not _loaded:
        for family in _FAMILIES:
            importlib.import_module(f"aic.frontend.onnx.{family}")
        _loaded = True


def lookup(op_type: str, version: int) -> Handler | None:
    """The handler for ``op_type`` at op version ``version`` (None if there is none)."""
    _load()
    chosen = None
    for h in _HANDLERS.get(op_type, ()):
        if h.since <= version:
            chosen = h
    return chosen


def supported_ops() -> dict[str, int]:
    """Every ONNX op type (default domain) aic imports, with the first opset version handled."""
    _load()
    return {op: entries[0].since for op, entries in sorted(_HANDLERS.items())}
