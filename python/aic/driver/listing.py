"""Text for ``aic-opt --list-passes`` and ``--emit-irdl``."""

from __future__ import annotations

from aic.context import irdl_text
from aic.pass_base import PASSES, builtin_passes
from aic.pipeline import PIPELINES, upstream_pass_names


def list_passes() -> str:
    builtin_passes()
    lines = ["aic passes:"]
    for name in sorted(PASSES):
        cls = PASSES[name]
        lines.append(f"  {name:<36} {cls.summary()}")
        for opt, typ, default, help_ in cls.options():
            tname = getattr(typ, "__name__", str(typ))
            lines.append(f"      {opt}={tname:<10} {help_} (default: {default!r})")
    lines += ["", "aic named pipelines (usable like passes):"]
    for name in sorted(PIPELINES):
        text, summary = PIPELINES[name]
        lines.append(f"  {name:<36} {summary}")
        lines.append(f"      = {text}")
    upstream = upstream_pass_names()
    lines.append("")
    lines.append(f"upstream MLIR passes ({len(upstream)}; options: mlir-opt --list-passes):")
    lines += [f"  {n}" for n in upstream]
    return "\n".join(lines) + "\n"


def irdl(dialects: list[str] | None = None) -> str:
    """IRDL of ``dialects`` (default: every declared dialect)."""
    return irdl_text(dialects)
