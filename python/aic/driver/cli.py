"""What every aic command-line tool does around its work: one-line errors, exit codes.

``run_tool(name, work)`` calls ``work()`` and turns ``AicError`` and ``OSError`` into
``aic-<name>: error: ...`` (exit 1), Ctrl-C into exit 130, and any other exception (an aic
bug) into one ``internal error`` line unless ``AIC_TRACEBACK=1`` asks for the traceback.
While it works, SIGTERM is handled as Ctrl-C is (an exception, exit 143): the work stops at
once, temporary files are removed (``aic.compiler.files.atomic``) and nothing more is
written; a second signal during that cleanup or the exit is ignored (Ctrl-C reaches the
worker twice: from the terminal and passed on by the crash guard).
The console scripts also run in a crash-guarded child process (``aic.driver.crash_guard``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Callable

from aic.errors import AicError


def tool_main(name: str, argv: list[str] | None, work: Callable[[list[str]], int]) -> int:
    """A tool's ``main``: as the console script (``argv`` None) run crash-guarded in a child
    process; otherwise parse ``argv`` and work in-process, with one-line errors."""
    from aic.driver.crash_guard import guarded, run_guarded

    if argv is None and guarded():
        return run_guarded(name, argv)
    argv = list(sys.argv[1:] if argv is None else argv)
    return run_tool(name, lambda: work(argv))


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived while a tool worked."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupt(signum, frame):
    for s in SIGNALS:  # the cleanup that the exception starts must not be interrupted
        signal.signal(s, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def interruptible():
    """SIGINT and SIGTERM raise ``Interrupted`` inside (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _interrupt) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():  # after an interrupt they stay ignored: the tool exits,
            if signal.getsignal(s) is _interrupt:  # and a second Ctrl-C must not break that
                signal.signal(s, handler)


def run_tool(name: str, work: Callable[[], int]) -> int:
    try:
        with interruptible():
            return work()
    except Interrupted as e:
        print(f"aic-{name}: interrupted ({e})", file=sys.stderr)
        return 128 + e.signum
    except AicError as e:
        print(f"aic-{name}: error: {e}", file=sys.stderr)
    except OSError as e:
        where = f" '{e.filename}'" if e.filename else ""
        print(f"aic-{name}: error: cannot access{where}: {e.strerror or e}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # an aic bug: one line unless AIC_TRACEBACK=1 asks for the details
        if os.environ.get("AIC_TRACEBACK"):
            raise
        print(f"aic-{name}: internal error: {type(e).__name__}: {e} "
              "(rerun with AIC_TRACEBACK=1 for the traceback)", file=sys.stderr)
    return 1
