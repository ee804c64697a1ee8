"""Pass declaration: typed options parsed from ``name{k=v}``, errors, and failure reporting."""

import pytest

from aic import diagnostics
from aic.context import make_context
from aic.errors import PassError, PipelineError
from aic.mlir_api import ir
from aic.pass_base import PASSES, Pass, option, register_pass
from aic.pipeline import build_pass_manager


@register_pass
class OptionsPass(Pass):
    """A pass with one option of every supported type (unit test only).

    More text that is not part of the summary.
    """

    NAME = "aic-unittest-options"
    count: int = option(3, "an int")
    ratio: float = option(0.5, "a float")
    enabled: bool = option(False, "a bool")
    label: str = option("x", "a string")
    sizes: tuple[int, ...] = option((1, 2), "a list of ints")

    def run(self, op):
        pass


@register_pass
class FailingPass(Pass):
    """Fails at the first func.func (unit test only)."""

    NAME = "aic-unittest-fail"
    crash: bool = option(False, "raise a Python exception instead of a PassError")

    def run(self, op):
        if self.crash:
            raise ZeroDivisionError("boom")
        func = op.regions[0].blocks[0].operations[0]
        raise PassError("not today", func)


def test_registered_with_summary_and_options():
    assert PASSES["aic-unittest-options"] is OptionsPass
    assert OptionsPass.summary() == "A pass with one option of every supported type (unit test only)."
    names = [(n, d) for n, _, d, _ in OptionsPass.options()]
    assert names == [("count", 3), ("ratio", 0.5), ("enabled", False), ("label", "x"),
                     ("sizes", (1, 2))]


def test_defaults_and_typed_values():
    assert OptionsPass.from_options("") == OptionsPass()
    p = OptionsPass.from_options('count=7 ratio=2.5 enabled label="a b" sizes=4,5,6')
    assert (p.count, p.ratio, p.enabled, p.label, p.sizes) == (7, 2.5, True, "a b", (4, 5, 6))
    assert OptionsPass.from_options("enabled=false").enabled is False
    assert OptionsPass.from_options("sizes=[8,9]").sizes == (8, 9)


def test_option_string_lists_changed_options_only():
    assert OptionsPass().option_string() == ""
    assert OptionsPass(count=4, sizes=(3, 4)).option_string() == "{count=4 sizes=3,4}"


@pytest.mark.parametrize("text, message", [
    ("count=many", "option 'count' of 'aic-unittest-options' expects int, got 'many'"),
    ("ratio=x", "expects float"),
    ("enabled=maybe", "expects bool"),
    ("sizes=1,b", "got '1,b'"),
    ("count", "option 'count' of 'aic-unittest-options' needs a value"),
    ("colour=red", "has no option 'colour' (options: count, ratio, enabled, label, sizes)"),
])
def test_bad_options_are_clear_errors(text, message):
    with pytest.raises(PipelineError) as info:
        OptionsPass.from_options(text)
    assert message in str(info.value)


def test_bad_names_and_double_registration_are_rejected():
    with pytest.raises(ValueError, match="aic-<dialect>-<verb>"):
        register_pass(type("Bad", (Pass,), {"NAME": "graph_simplify"}))
    with pytest.raises(ValueError, match="registered twice"):
        register_pass(type("Dup", (Pass,), {"NAME": "aic-unittest-options"}))


def _run(pipeline: str) -> list[diagnostics.Diagnostic]:
    """The errors of running ``pipeline`` (it must fail) on a one-function module."""
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Operation.parse("module {\nfunc.func @f() {\n  return\n}\n}\n",
                                    source_name="m.mlir")
        with pytest.raises(ir.MLIRError) as info:
            build_pass_manager(pipeline, ctx).run(module)
    return diagnostics.from_mlir_error(info.value)


def test_pass_error_is_located_and_names_the_pass():
    (d,) = _run("aic-unittest-fail")
    assert d.render() == "m.mlir:2:1: error: aic-unittest-fail: not today"


def test_python_exception_in_a_pass_is_an_internal_error():
    (d,) = _run("aic-unittest-fail{crash=true}")
    assert d.severity == "error"
    assert d.message.startswith("internal error in pass aic-unittest-fail: ZeroDivisionError: boom")
    assert "test_pass_base.py:" in d.message
