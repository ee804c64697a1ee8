"""docs/tutorial/README.md is a test: every fenced code block in it is run or checked.

The blocks are read in order and each one is, by its info string:

* ``sh``: run with ``bash -e`` like one shell session: the working directory and the exported
  variables one block leaves are where the next block starts (the first starts at the
  repository root). ``aic-opt``/``aic-compile``/``aic-run``/``python``/``lit`` run this
  checkout with this interpreter; ``mlir-opt`` and ``FileCheck`` are the pinned wheels' tools.
* ``python``: ``exec``'d in one namespace shared by all Python blocks, in the session's
  directory and environment.
* ``<lang> output``: the output the block before it prints. Each of its non-blank lines
  (stripped; ``...`` skips) must occur, in order, inside the lines of that block's output;
  ``{{regex}}`` matches like FileCheck's.
* ``<lang> excerpt=PATH``: a verbatim excerpt of ``PATH`` (relative to docs/tutorial/).

A block of any other kind fails the test, so the tutorial cannot hold code nobody runs.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = REPO / "docs" / "tutorial"
FENCE = re.compile(
    r"^```(\S*)([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    lang: str
    info: str
    text: str
    line: int


def blocks(markdown: str) -> list[Block]:
    return [Block(m[1], m[2].strip(), m[3], markdown.count("\n", 0, m.start()) + 1)
            for m in FENCE.finditer(markdown)]


def tool_dir(tmp: Path) -> Path:
    """Wrappers putting this checkout's tools and the pinned MLIR tools on PATH."""
    from aic.mlir_api import tool_path

    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    commands = {f"aic-{t}": f"-m aic.tools.{t}" for t in ("opt", "compile", "run")}
    commands["lit"] = "-c 'import lit.main; lit.main.main()'"
    commands["python"] = ""
    for name, args in commands.items():
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" {args} "$@"\n')
        (bin_dir / name).chmod(0o755)
    for name in ("mlir-opt", "FileCheck"):
        with contextlib.suppress(FileNotFoundError):
            (bin_dir / name).symlink_to(tool_path(name))
    return bin_dir


class Session:
    """The shell session the tutorial's blocks share."""

    def __init__(self, tmp: Path):
        self.state = tmp / "state"
        self.state.mkdir()
        self.cwd = REPO
        self.env = dict(os.environ)
        self.env["PATH"] = f"{tool_dir(tmp)}{os.pathsep}{self.env['PATH']}"
        self.env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO / "python"), self.env.get("PYTHONPATH", "")) if p)
        self.env["TMPDIR"] = str(tmp)
        self.namespace: dict = {"__name__": "tutorial"}

    def sh(self, text: str) -> str:
        script = (f"{text}\npwd > '{self.state}/cwd'; "
                  f"env -0 > '{self.state}/env'\n")
        run = subprocess.run(["bash", "-e", "-c", script], check=False, cwd=self.cwd,
                             env=self.env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
        self.cwd = Path((self.state / "cwd").read_text().strip())
        pairs = (self.state / "env").read_text().split("\0")
        self.env = dict(p.split("=", 1) for p in pairs if "=" in p)
        return run.stdout

    def python(self, text: str) -> str:
        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        out = io.StringIO()
        try:
            os.environ.clear()
            os.environ.update(self.env)
            os.chdir(self.cwd)
            with contextlib.redirect_stdout(out):
                exec(compile(text, "tutorial-block", "exec"), self.namespace)  # noqa: S102
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        return out.getvalue()


def line_pattern(line: str) -> re.Pattern:
    parts = re.split(r"\{\{(.*?)\}\}", line.strip())
    return re.compile("".join(p if i % 2 else re.escape(p) for i, p in enumerate(parts)))


def check_output(expected: str, actual: str) -> None:
    lines = actual.splitlines()
    at = 0
    for want in (w.strip() for w in expected.splitlines()):
        if not want or want == "...":
            continue
        pattern = line_pattern(want)
        while at < len(lines) and not pattern.search(lines[at]):
            at += 1
        assert at < len(lines), f"not found in order: {want!r}\noutput:\n{actual}"
        at += 1


def check_excerpt(info: str, text: str) -> None:
    path = TUTORIAL / info.split("=", 1)[1]
    assert text in path.read_text(), f"not a verbatim excerpt of {path}"


def test_every_block_of_the_tutorial_runs(tmp_path):
    session, last_output = Session(tmp_path), None
    found = blocks((TUTORIAL / "README.md").read_text())
    assert len(found) > 10
    for block in found:
        where = f"docs/tutorial/README.md:{block.line}"
        if block.info.startswith("excerpt="):
            check_excerpt(block.info, block.text)
        elif block.info == "output":
            assert last_output is not None, f"{where}: output block without a command"
            check_output(block.text, last_output)
        elif block.lang == "sh" and not block.info:
            last_output = session.sh(block.text)
        elif block.lang == "python" and not block.info:
            last_output = session.python(block.text)
        else:
            pytest.fail(f"{where}: a ```{block.lang} {block.info} block is neither run nor "
                        "checked (use sh, python, '<lang> output' or '<lang> excerpt=FILE')")


def test_the_harness_notices_drift():
    with pytest.raises(AssertionError):
        check_output("a\nc\nb", "a\nb\nc")
    with pytest.raises(AssertionError):
        check_excerpt("excerpt=qnt.py", "class NotInTheFile:")
    check_output("a\n...\nc", "a\nb\nc")
    check_output("x = {{[0-9]+}} (y)", "x = 42 (y)")
    with pytest.raises(AssertionError):
        check_output("x = {{[0-9]+}} (y)", "x = 42 y")
