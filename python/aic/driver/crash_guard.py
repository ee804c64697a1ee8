"""Run a CLI in a child process so that a crash inside MLIR/LLVM becomes a one-line error.

Some invalid inputs make MLIR's C++ abort (an assertion, an unreachable, a segfault) instead of
reporting an error. The tools therefore run their real work in a child process (the same
command with ``AIC_UNGUARDED=1``): stdout and stdin pass straight through, stderr is relayed,
and if the child dies from a signal the parent prints ``aic-<tool>: error: internal compiler
error: ...`` with the first line of MLIR's crash report, and exits 1. Set ``AIC_UNGUARDED=1``
to run in-process (faster start; the test suite does, except the crash test).

SIGINT and SIGTERM sent to the parent alone are passed on to the child, which stops and
removes its temporary files (``aic.driver.cli``); a child that does not end within
``GRACE_S`` seconds (busy in C++ code with signals blocked) is killed. Either way the parent
waits for the child, so no worker outlives the command, and exits 128 + the signal number.
On Linux the child also gets SIGTERM when the parent dies without a chance to pass anything
on (SIGKILL): ``prctl(PR_SET_PDEATHSIG)``.
When stderr is a terminal the child gets it as file descriptor ``$AIC_PROGRESS_FD`` for the
progress line (``aic.progress``), which cannot wait for the relayed stderr.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading

from aic.progress import FD_ENV

_CRASH_START = re.compile(r"Assertion|UNREACHABLE|PLEASE submit|Stack dump|LLVM ERROR|"
                          r"Fatal Python error|Segmentation fault")


def guarded() -> bool:
    """Whether this process should hand its work to a guarded child."""
    return not os.environ.get("AIC_UNGUARDED")


GRACE_S = 5.0
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux; elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextlib.contextmanager
def _forwarding_signals(proc: subprocess.Popen):
    """Pass SIGINT/SIGTERM on to ``proc`` (killing it after ``GRACE_S``); yields the list of
    signals received."""
    received: list[int] = []
    timer = threading.Timer(GRACE_S, proc.kill)
    timer.daemon = True

    def forward(signum, frame):
        if not received:
            timer.start()
        received.append(signum)
        if proc.poll() is None:
            proc.send_signal(signum)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        timer.cancel()
        for s, handler in old.items():
            signal.signal(s, handler)


def run_guarded(tool: str, argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    env = dict(os.environ, AIC_UNGUARDED="1")
    terminal = os.dup(2) if sys.stderr.isatty() else None
    if terminal is not None:
        env[FD_ENV] = str(terminal)
    try:
        proc = subprocess.Popen([sys.executable, "-m", f"aic.tools.{tool}", *argv], env=env,
                                stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
                                pass_fds=() if terminal is None else (terminal,))
        with _forwarding_signals(proc) as received:
            err = proc.communicate()[1].decode(errors="replace")
    finally:
        if terminal is not None:
            os.close(terminal)
    if received:
        sys.stderr.write(err)
        return 128 + received[0]
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
