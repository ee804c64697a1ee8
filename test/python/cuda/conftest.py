"""Shared fixtures of the tensor-core kernel tests."""

import pytest
from aic.context import make_context


@pytest.fixture(scope="module")
def ctx():
    """An MLIR context with aic's dialects, one per test module."""
    with make_context() as c:
        yield c
