"""Passes that fail on purpose, for aic-opt's error tests (loaded with --plugin)."""

from aic.diagnostics import emit
from aic.errors import PassError
from aic.pass_base import Pass, option, register_pass
from aic.verify import walk


@register_pass
class RejectAdd(Pass):
    """Fail with a located PassError at the first op named `op-name`."""

    NAME = "aic-test-reject"
    op_name: str = option("graph.add", "name of the op to reject")

    def run(self, op):
        for child in walk(op):
            if child.operation.name == self.op_name:
                raise PassError(f"'{self.op_name}' is not allowed here", child)


@register_pass
class Crash(Pass):
    """A buggy pass: a Python exception escapes from run()."""

    NAME = "aic-test-crash"

    def run(self, op):
        return {}["missing-key"]


@register_pass
class Annotate(Pass):
    """Emit a warning on every graph.add and a remark on every func.func."""

    NAME = "aic-test-annotate"

    def run(self, op):
        for child in walk(op):
            if child.operation.name == "graph.add":
                emit(child, "warning", "an add")
            elif child.operation.name == "func.func":
                emit(child, "remark", "a function")
