"""Run a CLI in a child process so that a crash inside MLIR/LLVM becomes a one-line error.

Some invalid inputs make MLIR's C++ abort (an assertion, an unreachable, a segfault) instead of
reporting an error. The tools therefore run their real work in a child process (the same
command with ``AIC_UNGUARDED=1``): stdout and stdin pass straight through, stderr is relayed,
and if the child dies from a signal the parent prints ``aic-<tool>: error: internal compiler
error: ...`` with the first line of MLIR's crash report, and exits 1. Set ``AIC_UNGUARDED=1``
to run in-process (faster start; the test suite does, except the crash test). When stderr
is a terminal the child gets it as file descriptor ``$AIC_PROGRESS_FD`` for the progress line
(``aic.progress``), which cannot wait for the relayed stderr.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

from aic.progress import FD_ENV

_CRASH_START = re.compile(r"Assertion|UNREACHABLE|PLEASE submit|Stack dump|LLVM ERROR|"
                          r"Fatal Python error|Segmentation fault")


def guarded() -> bool:
    """Whether this process should hand its work to a guarded child."""
    return not os.environ.get("AIC_UNGUARDED")


def run_guarded(tool: str, argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ, AIC_UNGUARDED="1")
    terminal = os.dup(2) if sys.stderr.isatty() else None
    if terminal is not None:
        env[FD_ENV] = str(terminal)
    try:
        proc = subprocess.run([sys.executable, "-m", f"aic.tools.{tool}", *argv], env=env,
                              stderr=subprocess.PIPE,
                              pass_fds=() if terminal is None else (terminal,))
    except KeyboardInterrupt:
        return 130
    finally:
        if terminal is not None:
            os.close(terminal)
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
