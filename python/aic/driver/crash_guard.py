"""Run a CLI in a child process so that a crash inside MLIR/LLVM becomes a one-line error.

Some invalid inputs make MLIR's C++ abort (an assertion, an unreachable, a segfault) instead of
reporting an error. The tools therefore run their real work in a child process (the same
command with ``AIC_UNGUARDED=1``): stdout and stdin pass straight through, stderr is relayed,
and if the child dies from a signal the parent prints ``aic-<tool>: error: internal compiler
error: ...`` with the first line of MLIR's crash report, and exits 1. Set ``AIC_UNGUARDED=1``
to run in-process (faster start; the test suite does, except the crash test).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

_CRASH_START = re.compile(r"Assertion|UNREACHABLE|PLEASE submit|Stack dump|LLVM ERROR|"
                          r"Fatal Python error|Segmentation fault")


def guarded() -> bool:
    """Whether this process should hand its work to a guarded child."""
    return not os.environ.get("AIC_UNGUARDED")


def run_guarded(tool: str, argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ, AIC_UNGUARDED="1")
    try:
        proc = subprocess.run([sys.executable, "-m", f"aic.tools.{tool}", *argv], env=env,
                              stderr=subprocess.PIPE)
    except KeyboardInterrupt:
        return 130
    err = proc.stderr.decode(errors="replace")
    if proc.returncode >= 0:
        sys.stderr.write(err)
        return proc.returncode
    lines = err.splitlines()
    crash = next((i for i, line in enumerate(lines) if _CRASH_START.search(line)), len(lines))
    for line in lines[:crash]:
        print(line, file=sys.stderr)
    cause = lines[crash].strip() if crash < len(lines) else "no message"
    try:
        name = signal.Signals(-proc.returncode).name
    except ValueError:
        name = f"signal {-proc.returncode}"
    print(f"aic-{tool}: error: internal compiler error: the compiler process died ({name}): "
          f"{cause}", file=sys.stderr)
    return 1
