"""ONNX node conformance: every claimed case passes or is an expected failure with a reason.

Runs every case of every op the importer claims (its registry), two worker processes,
crashes and hangs isolated per case. The totals are printed (pytest -s to see them).
"""

from aic.testing import conformance


def test_claimed_onnx_node_cases():
    cases, unclaimed = conformance.select_cases()
    assert cases, "the importer claims no op"
    outcomes = conformance.run_cases(cases, jobs=2)
    print("\n" + conformance.report(outcomes, unclaimed))
    bad = [f"{o.status}: {o.name}: {o.detail}" for o in outcomes
           if o.status in ("failed", "crashed", "hung", "xpassed")]
    assert not bad, f"{len(bad)} of {len(outcomes)} claimed cases:\n" + "\n".join(bad[:60])
