"""A plugin whose pass kills the process, standing in for an abort inside MLIR's C++."""

import os
import sys

from aic.pass_base import Pass, register_pass


@register_pass
class Crash(Pass):
    """Print an assertion message and abort (test of the tools' crash guard)."""

    NAME = "aic-test-crash"

    def run(self, op):
        sys.stderr.write("python: Foo.cpp:12: void f(): Assertion `simulated' failed.\n")
        sys.stderr.flush()
        os.abort()
