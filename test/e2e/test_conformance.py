"""ONNX node conformance, as given: every graph input an input at run time.

The default suite runs a representative subset -- up to three cases of every op the importer
claims (its registry), spread over the op's cases -- end to end through ``aic.compile``; the
full sweep of every claimed case is ``slow`` (``pytest -m slow``; or
``python -m aic.testing.conformance``, which prints both columns). Two worker processes;
crashes and hangs isolated per case. A case passes, or is an expected failure with its reason
(``conformance_xfail.py``); a claimed case that ends unsupported is a failure.

The CUDA mapping, emulated on the CPU at f32 (``--target cuda``), runs one case of every
claimed op here and every case under ``slow``: every op the CPU path supports must also
compile and compute right on CUDA, but for the ops in ``XFAIL_CUDA_OPS``.
"""

import pytest

from aic.testing import conformance


def _run(per_op, target="cpu"):
    cases, unclaimed = conformance.select_cases(per_op=per_op)
    assert cases, "the importer claims no op"
    outcomes = conformance.run_cases(cases, jobs=2, target=target)
    print("\n" + conformance.report(outcomes, unclaimed, len(conformance.all_cases())))
    bad = [f"{o.status}: {o.name}: {o.detail}" for o in outcomes if o.status in conformance.BAD]
    assert not bad, f"{len(bad)} of {len(outcomes)} claimed cases:\n" + "\n".join(bad[:60])


def test_claimed_onnx_node_cases_every_op_family():
    _run(per_op=3)


@pytest.mark.slow
def test_claimed_onnx_node_cases_all():
    _run(per_op=None)


def test_claimed_onnx_node_cases_on_the_cuda_mapping_every_op_family():
    _run(per_op=1, target="cuda")


@pytest.mark.slow
def test_claimed_onnx_node_cases_all_on_the_cuda_mapping():
    _run(per_op=None, target="cuda")


def test_claim_needs_ops_and_element_types():
    cases = {c.name: c for c in conformance.all_cases()}
    assert conformance.claimed(cases["test_relu"])
    assert conformance.claimed(cases["test_cast_FLOAT_to_BFLOAT16"])
    assert conformance.claimed(cases["test_cast_FLOAT_to_INT4"])
    assert not conformance.claimed(cases["test_cast_e8m0_FLOAT8E8M0_to_FLOAT"])  # element type
    assert conformance.claimed(cases["test_nonmaxsuppression_center_point_box_format"])
    assert not conformance.claimed(cases["test_bernoulli_seed"])  # no import


def test_select_cases_by_name_pattern():
    cases, _ = conformance.select_cases(ops={"Cast"}, pattern=r"FLOAT8E5M2FNUZ$")
    names = sorted(c.name for c in cases)
    assert names and all(n.startswith("test_cast_") and n.endswith("FLOAT8E5M2FNUZ")
                         for n in names), names


def test_report_has_both_columns():
    outcomes = [conformance.Outcome("test_a", "Reshape", "passed", "", "passed"),
                conformance.Outcome("test_b", "Reshape", "unsupported", "why", "passed"),
                conformance.Outcome("test_c", "Slice", "crashed", "", "crashed")]
    text = conformance.report(outcomes, unclaimed=7)
    assert "as given: passed 1 of 10 -- failed 0, unsupported 1," in text
    assert "inputs frozen: passed 2 of 10 -- failed 0, unsupported 0," in text
    row = next(line for line in text.splitlines() if line.startswith("Reshape"))
    assert row.split() == ["Reshape", "1", "1", "0", "0", "2", "0", "0", "0"]
