"""Pipeline text: parsing (nesting, options in braces), composition, and its errors."""

import pytest

from aic.context import make_context
from aic.errors import PipelineError
from aic.pipeline import (build_pass_manager, compose_pipeline, parse_pipeline,
                          pipeline_anchor, split_anchor)


def test_nested_pipeline_round_trips():
    text = "builtin.module(aic-verify,func.func(canonicalize{max-iterations=3}),cse)"
    elements = parse_pipeline(text)
    assert len(elements) == 1
    module = elements[0]
    assert module.name == "builtin.module"
    assert [c.name for c in module.children] == ["aic-verify", "func.func", "cse"]
    assert module.children[1].children[0].options == "max-iterations=3"
    assert module.text() == text


def test_options_with_nested_braces_and_spaces():
    (el,) = parse_pipeline("p{a={x=1} b=2}")
    assert el.name == "p" and el.options == "a={x=1} b=2" and el.children is None


def test_bare_list_anchors_on_module():
    anchor, elements = split_anchor(parse_pipeline("cse, canonicalize"))
    assert anchor == "builtin.module"
    assert [e.name for e in elements] == ["cse", "canonicalize"]
    assert pipeline_anchor("func.func(cse)") == "func.func"


@pytest.mark.parametrize("text, message", [
    ("builtin.module(cse", "expected ')'"),
    ("cse{a=1", "unterminated '{'"),
    ("cse,,canonicalize", "expected a pass or operation name"),
    ("cse)", "unexpected ')'"),
])
def test_syntax_errors_name_the_column(text, message):
    with pytest.raises(PipelineError, match="at column") as info:
        parse_pipeline(text)
    assert message in str(info.value)


def test_compose_keeps_order_and_unwraps_module():
    text = compose_pipeline("builtin.module(cse)", "builtin.module(aic-verify)", ["canonicalize"])
    assert text == "builtin.module(cse,aic-verify,canonicalize)"
    assert compose_pipeline("", "", []) == ""
    assert compose_pipeline("", "a,b{k=v}", []) == "builtin.module(a,b{k=v})"


def test_unknown_passes_get_suggestions():
    ctx = make_context()
    with pytest.raises(PipelineError, match="did you mean 'aic-verify'"):
        build_pass_manager("aic-verfy", ctx)
    with pytest.raises(PipelineError, match="did you mean 'canonicalize'"):
        build_pass_manager("func.func(canonicalise)", ctx)


def test_bad_upstream_option_is_explained():
    with pytest.raises(PipelineError, match="no such option bogus"):
        build_pass_manager("cse{bogus=1}", make_context())


def test_aic_pass_nested_two_levels_is_rejected():
    with pytest.raises(PipelineError, match="one operation level deep"):
        build_pass_manager("builtin.module(func.func(func.func(aic-verify)))", make_context())
