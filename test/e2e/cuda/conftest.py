"""Fixtures of the CUDA tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from aic.compiler.cuda_host import c_compiler

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def fake_driver(tmp_path_factory) -> str:
    """A fake ``libcuda.so.1`` (``fake_libcuda.c``) for aic's CUDA runtime
    (``AIC_CUDA_DRIVER``): no GPU, no kernels run, device memory unreadable by the host."""
    path = tmp_path_factory.mktemp("fake") / "libcuda.so.1"
    subprocess.run([c_compiler(), "-shared", "-fPIC", "-O1", "-o", str(path),
                    str(HERE / "fake_libcuda.c")], check=True)
    return str(path)
