"""Regenerate (or check) the files derived from the dialect declarations.

    python -m aic.dialects.generate          # rewrite <d>/<d>.irdl.mlir and README op sections
    python -m aic.dialects.generate --check  # exit 1 and name the stale files

Each dialect README keeps hand-written text above the marker line
``<!-- BEGIN GENERATED OPS -->``; everything after it is generated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aic.dialects import BUILTIN, builtin_dialects
from aic.dsl.opdef import DIALECTS

MARKER = "<!-- BEGIN GENERATED OPS (python -m aic.dialects.generate) -->"
ROOT = Path(__file__).resolve().parent


def expected_files() -> dict[Path, str]:
    builtin_dialects()
    files = {}
    for name in BUILTIN:
        d = DIALECTS.get(name)
        if d is None:
            continue
        folder = ROOT / name
        files[folder / f"{name}.irdl.mlir"] = d.irdl()
        readme = folder / "README.md"
        head = readme.read_text().split(MARKER)[0] if readme.exists() else f"# `{name}`\n\n"
        files[readme] = head.rstrip("\n") + "\n\n" + MARKER + "\n\n## Ops\n\n" + d.markdown_ops()
    return files


def stale_files() -> list[Path]:
    return [p for p, text in expected_files().items()
            if not p.exists() or p.read_text() != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aic.dialects.generate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for p in stale:
            print(f"stale: {p} (run: python -m aic.dialects.generate)")
        return 1 if stale else 0
    for path, text in expected_files().items():
        path.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
