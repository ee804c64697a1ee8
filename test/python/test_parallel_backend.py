"""Parallel compilation (aic.compiler.parallel_backend): a large module's code is compiled in
parts on all cores; the library is the same bytes whatever the number of workers, and it
computes what onnxruntime does."""

import os

import aic
import numpy as np
import onnx
import pytest
from aic.compiler import parallel_backend
from aic.compiler.emit import emit_artifact
from aic.errors import AicError
from aic.runner import onnxruntime_session
from aic.testing import models


def _ir(functions: int, body_bytes: int) -> str:
    body = "  ret void\n" + "; filler.\n" * (body_bytes // 10)
    return "".join(f"\ndefine void @f{i}() {{\n{body}}}\n" for i in range(functions))


def test_part_count_follows_the_module_alone():
    mib = parallel_backend.SPLIT_BYTES
    assert parallel_backend.part_count(_ir(20, mib // 4)) == parallel_backend.MAX_PARTS
    assert parallel_backend.part_count(_ir(3, mib)) == 3  # never more than the functions
    assert parallel_backend.part_count(_ir(40, mib // 100)) == 1  # small: not split


def test_compile_jobs_reads_the_environment(monkeypatch):
    monkeypatch.setenv("AIC_COMPILE_JOBS", "3")
    assert parallel_backend.compile_jobs() == 3
    monkeypatch.delenv("AIC_COMPILE_JOBS")
    assert parallel_backend.compile_jobs() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("AIC_COMPILE_JOBS", "0")
    with pytest.raises(AicError, match="AIC_COMPILE_JOBS must be a positive integer"):
        parallel_backend.compile_jobs()


def _library(model_path: str, out: str, jobs: int, monkeypatch) -> bytes:
    monkeypatch.setenv("AIC_COMPILE_JOBS", str(jobs))
    emit_artifact(model_path, "lib", out, cache=False, threads=2)
    with open(out, "rb") as f:
        return f.read()


def test_split_library_same_bytes_with_1_and_2_workers(tmp_path, monkeypatch):
    """A small CNN split as a large model is (as many parts as it has functions, up to
    MAX_PARTS), compiled with 1 and 2 workers: the same library bytes, and the numbers of
    onnxruntime."""
    model = models.resnet_cnn()
    path = str(tmp_path / "cnn.onnx")
    onnx.save(model, path)
    monkeypatch.setattr(parallel_backend, "SPLIT_BYTES", 1024)
    split = []
    real = parallel_backend.compile_parts
    monkeypatch.setattr(parallel_backend, "compile_parts",
                        lambda ir, *a, **k: split.append(a[1]) or real(ir, *a, **k))
    one = _library(path, str(tmp_path / "one.so"), 1, monkeypatch)
    two = _library(path, str(tmp_path / "two.so"), 2, monkeypatch)
    assert len(split) == 2 and split[0] == split[1] > 2, split
    assert one == two
    x = np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32)
    (ours,) = aic.load(str(tmp_path / "two.so"))(x)
    (ref,) = onnxruntime_session(model.SerializeToString()).run(None, {"image": x})
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-5)
