"""Peak resident memory of a block of work: this process and every process it starts.

``with PeakMemory() as peak: ...`` then ``peak.mb``: the largest resident set this process
and its descendants (tool subprocesses: ``opt``, ``llc``, the linker ...) held together while
the block ran. Two measurements, the larger is reported:

* this process's own high-water mark, exact: ``VmHWM`` of ``/proc/self/status``, reset when
  the block starts (``/proc/self/clear_refs``), so the memory a case used before its compile
  (building the model) is not charged to it unless still held;
* the sum of the resident sets of the whole process tree, sampled every ``interval`` seconds
  by a thread (children found through ``/proc/<pid>/task/<tid>/children``): short-lived tools
  between two samples are missed, parallel ones are added up.

Linux only (``/proc``); elsewhere ``mb`` is ``None``.
"""

from __future__ import annotations

import os
import threading
from typing import Self

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class PeakMemory:
    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.mb: float | None = None
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._linux = os.path.exists("/proc/self/status")

    def __enter__(self) -> Self:
        if self._linux:
            _reset_high_water_mark()
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if not self._linux:
            return
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, _tree_rss(os.getpid()), _high_water_mark())
        self.mb = self._peak / 2**20

    def _sample(self) -> None:
        pid = os.getpid()
        while not self._stop.wait(self.interval):
            self._peak = max(self._peak, _tree_rss(pid))


def _reset_high_water_mark() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass  # an older kernel: the mark then covers the process's whole life


def _high_water_mark() -> int:
    """This process's peak resident set in bytes (``VmHWM``)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants now (processes that end meanwhile: 0)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total
