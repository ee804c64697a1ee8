"""A plugin whose pass takes a long time, standing in for a slow compile that gets a signal.

It writes its process id to ``$AIC_TEST_SLOW_MARKER`` when it starts, then sleeps; with
``AIC_TEST_SLOW_BLOCK=1`` it first blocks SIGINT/SIGTERM, as C++ code that never returns to
Python would (the tools' crash guard must then kill the worker).
"""

import os
import signal
import time

from aic.pass_base import Pass, register_pass


@register_pass
class Slow(Pass):
    """Record this process's id, then sleep 60 s."""

    NAME = "aic-test-slow"

    def run(self, op):
        if os.environ.get("AIC_TEST_SLOW_BLOCK"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        with open(os.environ["AIC_TEST_SLOW_MARKER"], "w") as f:
            f.write(str(os.getpid()))
        time.sleep(60)
