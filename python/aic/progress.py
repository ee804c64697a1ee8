"""Compile progress on stderr: elapsed time, the running step (stage, pass, backend tool) and
the last event (a pass starting, kernels done, a cache hit).

``watch(recorder, mode)`` attaches a display to an ``aic.timing.Recorder``:

- ``auto`` (the tools' default): only when stderr is a terminal, and only once the compile has
  run for ``DELAY`` (1 s); one line redrawn in place (``\\r``), erased at the end;
- ``always`` (``--progress``, ``AIC_PROGRESS=1``, ``aic.compile(verbose=True)``): from the
  start; redrawn in place on a terminal, else one line per event (what tests read);
- ``never`` (``--quiet``).

The CLIs run their work in a crash-guarded child whose stderr is a pipe: the parent passes its
terminal as file descriptor ``$AIC_PROGRESS_FD`` (``aic.driver.crash_guard``), and the display
draws there. May import ``aic.timing`` only.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

DELAY = 1.0  # seconds of compiling before ``auto`` shows anything
REDRAW = 0.25  # seconds between redraws of the terminal line
FD_ENV = "AIC_PROGRESS_FD"


class Display:
    def __init__(self, stream, tty: bool, delay: float):
        self.stream, self.tty, self.delay = stream, tty, delay
        self.start = time.perf_counter()
        self.step, self.detail, self.count = "", "", ""
        self.drawn, self.last = False, 0.0
        self.lock = threading.Lock()

    def begin(self, path: list[str]) -> None:
        self.step, self.detail, self.count = " > ".join(path), "", ""
        self.draw(force=not self.tty)

    def note(self, text: str, sub: bool = False) -> None:
        if sub:
            self.count = text
        else:
            self.detail, self.count = text, ""
        self.draw(force=not self.tty)

    def line(self) -> str:
        text = f"[aic {time.perf_counter() - self.start:6.1f}s] {self.step}"
        return text + "".join(f" | {part}" for part in (self.detail, self.count) if part)

    def draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        if now - self.start < self.delay or (not force and now - self.last < REDRAW):
            return
        with self.lock:
            self.last, self.drawn = now, True
            if self.tty:
                self.stream.write("\r" + self.line()[:_columns() - 1] + "\x1b[K")
            else:
                self.stream.write(self.line() + "\n")
            self.stream.flush()

    def close(self) -> None:
        with self.lock:
            if self.tty and self.drawn:
                self.stream.write("\r\x1b[K")
                self.stream.flush()


def _columns() -> int:
    try:
        return os.get_terminal_size(2).columns
    except OSError:
        return 100


def terminal():
    """``(stream, is_tty)`` to draw on: the parent's terminal handed to a guarded child, else
    stderr."""
    fd = os.environ.get(FD_ENV, "")
    if fd.isdigit() and os.isatty(int(fd)):  # (a process that did not inherit it: skipped)
        try:
            return os.fdopen(int(fd), "w", closefd=False), True
        except OSError:
            pass
    return sys.stderr, sys.stderr.isatty()


def mode_from(quiet: bool = False, force: bool = False) -> str:
    if quiet:
        return "never"
    if force or os.environ.get("AIC_PROGRESS", "") not in ("", "0"):
        return "always"
    return "auto"


@contextlib.contextmanager
def watch(recorder, mode: str = "auto"):
    """Show progress of the compile recorded by ``recorder`` for the block."""
    stream, tty = terminal()
    if mode == "never" or (mode == "auto" and not tty):
        yield None
        return
    display = Display(stream, tty, DELAY if mode == "auto" else 0.0)
    recorder.listeners.append(display)
    stop = threading.Event()
    ticker = threading.Thread(target=_tick, args=(display, stop), daemon=True) if tty else None
    if ticker:
        ticker.start()
    try:
        yield display
    finally:
        stop.set()
        if ticker:
            ticker.join()
        recorder.listeners.remove(display)
        display.close()


def _tick(display: Display, stop: threading.Event) -> None:
    """Keep the elapsed time moving while one long step runs (when it lets Python run)."""
    while not stop.wait(REDRAW):
        display.draw()
