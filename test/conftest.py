"""Settings for every pytest test: the compile cache lives in a fresh folder per session.

The suite never reads or writes the user's cache (``~/.cache/aic``): ``AIC_CACHE_DIR`` points at
a session temporary folder (tools started as subprocesses inherit it). Tests that need their
own cache state set ``AIC_CACHE_DIR`` again (``test/python/test_cache.py``).

Tests marked ``slow`` (whole model-zoo CNNs, the full conformance sweep) are skipped unless
the marker expression names them (``pytest -m slow``).
"""

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _session_compile_cache(tmp_path_factory):
    saved = os.environ.get("AIC_CACHE_DIR")
    os.environ["AIC_CACHE_DIR"] = str(tmp_path_factory.mktemp("aic-cache"))
    yield
    if saved is None:
        os.environ.pop("AIC_CACHE_DIR", None)
    else:
        os.environ["AIC_CACHE_DIR"] = saved


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` run only when ``-m`` names them (reason given); tests marked
    ``cuda`` run where a CUDA GPU and driver answer, elsewhere they are skipped with the
    reason (no driver, no device), never silently."""
    if "slow" not in (config.getoption("markexpr") or ""):
        skip = pytest.mark.skip(reason="slow: run with pytest -m slow")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)
    marked = [item for item in items if item.get_closest_marker("cuda")]
    if not marked:
        return
    from aic.runtime.cuda import driver_problem

    problem = driver_problem()
    if problem is None:
        return
    for item in marked:
        item.add_marker(pytest.mark.skip(reason=f"needs a CUDA GPU: {problem}"))
