"""The aic pass framework: a pass is declared where it lives and registers itself.

A pass is a frozen dataclass subclassing ``Pass``::

    @register_pass
    @dataclass(frozen=True)
    class GraphSimplify(Pass):
        '''Algebraic simplification of graph ops (one line summary).

        Longer description, preconditions.
        '''
        NAME = "aic-graph-simplify"
        max_iterations: int = option(10, "rewrite rounds before giving up")

        def run(self, op): ...

Dataclass fields are the pass options, parsed (typed by their annotation) from
``aic-graph-simplify{max-iterations=4}`` — option names use dashes on the command line and
underscores in Python. ``run`` receives the anchor op (usually ``builtin.module``) and raises
``PassError`` to fail; the pipeline turns that into an MLIR error at the op's location.
"""

from __future__ import annotations

import dataclasses
import inspect
from importlib import metadata
import os
import re
import sys
import traceback
from typing import Any, ClassVar, get_type_hints

from aic.errors import AlreadyReported, PassError, PipelineError
from aic.mlir_api import ir, passmanager

PASSES: dict[str, type["Pass"]] = {}
"""Every registered aic pass, by pipeline name."""

_NAME_RE = re.compile(r"^aic-[a-z0-9]+(-[a-z0-9]+)*$")


def option(default: Any, help: str) -> Any:
    """Declare a pass option with its default and a help line."""
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(default)(default),
                                 metadata={"help": help})
    return dataclasses.field(default=default, metadata={"help": help})


class Pass:
    NAME: ClassVar[str] = ""

    def run(self, op: ir.Operation) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- description ---------------------------------------------------------------------------

    @classmethod
    def summary(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "").partition("\n")[0].strip()

    @classmethod
    def options(cls) -> list[tuple[str, type, Any, str]]:
        """``(cli name, python type, default, help)`` per option."""
        hints = get_type_hints(cls)
        out = []
        for f in dataclasses.fields(cls):
            default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
            out.append((f.name.replace("_", "-"), hints[f.name], default,
                        f.metadata.get("help", "")))
        return out

    @classmethod
    def from_options(cls, text: str) -> "Pass":
        """Build from an MLIR-style option string ``a=1 b=true c=1,2``."""
        known = {name: (typ, default) for name, typ, default, _ in cls.options()}
        values = {}
        for item in _split_options(text):
            key, eq, raw = item.partition("=")
            key = key.strip()
            if key not in known:
                choices = ", ".join(known) or "none"
                raise PipelineError(f"pass '{cls.NAME}' has no option '{key}' (options: {choices})")
            typ = known[key][0]
            if not eq and typ is not bool:
                raise PipelineError(f"option '{key}' of '{cls.NAME}' needs a value")
            values[key.replace("-", "_")] = _convert(cls.NAME, key, typ, raw.strip() if eq else "true")
        return cls(**values)

    def option_string(self) -> str:
        parts = []
        for name, _, default, _ in self.options():
            value = getattr(self, name.replace("-", "_"))
            if value != default:
                if isinstance(value, (list, tuple)):
                    value = ",".join(str(v) for v in value)
                elif isinstance(value, bool):
                    value = str(value).lower()
                parts.append(f"{name}={value}")
        return "{" + " ".join(parts) + "}" if parts else ""


def _split_options(text: str) -> list[str]:
    """Split on spaces outside of quotes/brackets."""
    items, depth, cur, quote = [], 0, "", False
    for ch in text:
        if ch == '"':
            quote = not quote
        if ch in "[{(" and not quote:
            depth += 1
        if ch in "]})" and not quote:
            depth -= 1
        if ch.isspace() and depth == 0 and not quote:
            if cur:
                items.append(cur)
            cur = ""
            continue
        cur += ch
    if cur:
        items.append(cur)
    return items


def _convert(pass_name: str, key: str, typ, raw: str):
    try:
        if typ is bool:
            if raw.lower() in ("true", "1", "on"):
                return True
            if raw.lower() in ("false", "0", "off"):
                return False
            raise ValueError(raw)
        if typ is int:
            return int(raw)
        if typ is float:
            return float(raw)
        if typ is str:
            return raw.strip('"')
        if getattr(typ, "__origin__", None) in (list, tuple):
            inner = typ.__args__[0]
            items = [x for x in raw.strip("[]").split(",") if x.strip()]
            return tuple(inner(x.strip()) for x in items)
    except ValueError:
        raise PipelineError(
            f"option '{key}' of '{pass_name}' expects {getattr(typ, '__name__', typ)}, got '{raw}'"
        ) from None
    raise PipelineError(f"option '{key}' of '{pass_name}' has unsupported type {typ}")


def run_upstream(op: ir.Operation, pipeline: str, what: str | None = None) -> None:
    """Run an upstream pass pipeline on ``op`` from inside an aic pass; its failure becomes a
    ``PassError`` located at ``op`` (``what failed: ...``, ``what`` the pipeline by default)."""
    pm = passmanager.PassManager(op.name, context=op.context)
    pm.add(pipeline)
    try:
        pm.run(op)
    except ir.MLIRError as e:
        raise PassError(f"{what or pipeline} failed: {e}", op) from None


def register_pass(cls: type[Pass]) -> type[Pass]:
    """Class decorator: make the pass known to pipelines, ``aic-opt`` and ``--list-passes``."""
    if not _NAME_RE.match(cls.NAME):
        raise ValueError(f"pass name '{cls.NAME}' must look like aic-<dialect>-<verb>")
    if not dataclasses.is_dataclass(cls):
        cls = dataclasses.dataclass(frozen=True)(cls)
    if cls.NAME in PASSES and PASSES[cls.NAME] is not cls:
        raise ValueError(f"pass '{cls.NAME}' is registered twice")
    PASSES[cls.NAME] = cls
    return cls


PROVIDER_GROUP = "aic.passes"
"""Entry-point group naming the modules that register passes and named pipelines: aic's own
(``aic.passes``, and ``aic.compiler.stages`` for the ``aic-stage-*`` pipelines) and those of
pip-installed plugin packages. The framework finds them by name, so it imports no layer above it."""

_providers_loaded = False


def builtin_passes() -> None:
    """Import every module of the ``aic.passes`` entry-point group once (idempotent)."""
    global _providers_loaded
    if _providers_loaded:
        return
    _providers_loaded = True
    for entry in sorted(metadata.entry_points(group=PROVIDER_GROUP), key=lambda e: e.name):
        entry.load()


def run_pass_on(pass_: Pass, op: ir.Operation, external) -> None:
    """Run ``pass_`` as an MLIR external pass: errors become diagnostics and pass failure."""
    try:
        with op.context, op.location:  # the framework, not the pass, sets the default location
            pass_.run(op)
    except AlreadyReported:
        external.signal_pass_failure()
    except PassError as e:
        where = e.op if e.op is not None else op
        loc = where.location if hasattr(where, "location") else op.location
        loc.emit_error(f"{pass_.NAME}: {e}")
        external.signal_pass_failure()
    except Exception as e:  # a bug in the pass: one located line (AIC_TRACEBACK=1: and where)
        if os.environ.get("AIC_TRACEBACK"):
            traceback.print_exception(e, file=sys.stderr)
        op.location.emit_error(f"internal error in pass {pass_.NAME}: {_describe_bug(e)}")
        external.signal_pass_failure()


def _describe_bug(e: Exception) -> str:
    """``KeyError: 'x' (at passes/foo.py:12)``: the exception and the innermost frame."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" (at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno})" if tb is not None else ""
    return f"{type(e).__name__}: {e}{where}"
