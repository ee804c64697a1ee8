"""The quick subset of the fuzz suite (``python -m aic.testing.fuzz --quick``): mutated ONNX
models through ``aic.compile`` and ``aic-compile``, bad inputs through the JIT and a loaded
library. Every case must end fine (a right answer or a clean AicError / one-line CLI error);
the full campaign is ``python -m aic.testing.fuzz``."""

import pytest
from aic.testing import fuzz


@pytest.fixture(scope="module")
def results():
    return fuzz.run(fuzz.campaign(seed=0, quick=True))


def test_every_case_ends_fine(results):
    assert not fuzz.bad(results), fuzz.summary(results)


def test_every_campaign_and_outcome_is_exercised(results):
    campaigns = {r.case.campaign for r in results}
    assert campaigns == {"onnx", "cli", "inputs", "mlir"}
    statuses = {r.status for r in results}
    assert {"ok", "error"} <= statuses, fuzz.summary(results)
    assert len(results) >= 60


def test_cases_are_reproducible():
    first = fuzz.campaign(seed=3, quick=True)
    again = fuzz.campaign(seed=3, quick=True)
    assert [(c.name, c.payload) for c in first] == [(c.name, c.payload) for c in again]
    assert [c.payload for c in first] != [c.payload for c in fuzz.campaign(seed=4, quick=True)]


def test_the_pool_reports_crashes_and_hangs():
    """A worker that dies or stalls costs one case, which is reported, and the next case
    runs in a fresh worker."""
    import os
    import signal
    import threading

    from aic.testing.fuzz.pool import Case, Pool

    pool = Pool(timeout_s=5)
    try:
        pool._start()
        threading.Timer(0.5, os.kill, (pool.proc.pid, signal.SIGKILL)).start()
        crashed = pool.run(Case("inputs", "killed", ("mlp", "jit", "strided", 0)))
        assert crashed.status == "crash", crashed.detail
        pool._start()
        os.kill(pool.proc.pid, signal.SIGSTOP)
        hung = pool.run(Case("inputs", "stalled", ("mlp", "jit", "strided", 0)))
        assert hung.status == "hang", hung.detail
        after = pool.run(Case("onnx", "bad bytes", (b"not a model",)))
        assert after.status == "error", after.detail
    finally:
        pool.close()
