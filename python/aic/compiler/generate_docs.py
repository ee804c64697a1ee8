"""Regenerate (or check) the level table in ``docs/levels.md`` from the stage tables.

    python -m aic.compiler.generate_docs          # rewrite the generated section
    python -m aic.compiler.generate_docs --check  # exit 1 when it is stale

Everything after the marker line in ``docs/levels.md`` is generated from
``aic.compiler.stages.cpu_table()`` and ``cuda_table()`` (and its emulation); the text above it
is hand-written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aic.compiler.stages import cpu_table, cuda_table

MARKER = "<!-- BEGIN GENERATED STAGES (python -m aic.compiler.generate_docs) -->"
LEVELS_DOC = Path(__file__).resolve().parents[3] / "docs" / "levels.md"


def expected_text(path: Path = LEVELS_DOC) -> str:
    head = path.read_text().split(MARKER)[0] if path.exists() else "# The lowering levels\n\n"
    table = cpu_table("cpu")
    emulated = cuda_table("cuda-sm80", emulate=True).stages[5:]
    return (head.rstrip("\n") + "\n\n" + MARKER + "\n\n## The CPU stage table\n\n"
            + table.markdown()
            + "\n## The CUDA stage table (`--target cuda`, sm_80)\n\n"
            + cuda_table("cuda-sm80").markdown()
            + "\nWith `--emulate` the levels after `gpu` are the CPU emulation's:\n\n"
            + "\n".join(table.markdown().splitlines()[:2]) + "\n"
            + "".join(_row(s) for s in emulated))


def _row(stage) -> str:
    how = (f"`{stage.pipeline}`" if stage.is_mlir
           else f"`{stage.produce.__module__}.{stage.produce.__name__}`")
    return f"| `{stage.level}` | {stage.source or 'gpu'} | {stage.summary} | {how} |\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aic.compiler.generate_docs",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report a stale file")
    args = parser.parse_args(argv)
    text = expected_text()
    if args.check:
        stale = not LEVELS_DOC.exists() or LEVELS_DOC.read_text() != text
        if stale:
            print(f"stale: {LEVELS_DOC} (run: python -m aic.compiler.generate_docs)")
        return 1 if stale else 0
    LEVELS_DOC.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
