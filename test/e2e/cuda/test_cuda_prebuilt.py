"""``benchmarks.cuda_prebuilt``: CUDA libraries built here and run where there is a GPU but no
aic compiler. Without a GPU: the build writes a library per case and a manifest, and the run
(in a process where importing MLIR fails) loads each library through its C entry and reports
a row, against the fake driver (no kernels run: the numbers are not checked there). On a GPU
(the ``cuda`` marker): the rows match onnxruntime."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aic.runtime.cuda import driver_problem

ROOT = Path(__file__).resolve().parents[3]
CASES = "softmax_12x197x197,layernorm_128x768"

NO_MLIR = r"""
import sys
class NoMlir:
    def find_spec(self, name, path=None, target=None):
        if name == "mlir" or name.startswith("mlir."):
            raise ImportError("no MLIR on this machine")
sys.meta_path.insert(0, NoMlir())
from benchmarks import cuda_prebuilt
sys.exit(cuda_prebuilt.main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prebuilt")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "python")]))
    subprocess.run([sys.executable, "-m", "benchmarks.cuda_prebuilt", "build", str(out),
                    "--gpu-arch", "sm_80", "--only", CASES], check=True, env=env, cwd=ROOT)
    return out


def _run(prebuilt: Path, driver: str | None, tmp_path: Path) -> tuple[int, dict]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "python")]))
    if driver:
        env["AIC_CUDA_DRIVER"] = driver
    report = tmp_path / "rows.json"
    proc = subprocess.run([sys.executable, "-c", NO_MLIR, "run", str(prebuilt), "--runs", "2",
                           "--json", str(report)], env=env, cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(report.read_text())


def test_build_writes_a_library_per_case(prebuilt):
    manifest = json.loads((prebuilt / "manifest.json").read_text())
    assert manifest["gpu_arch"] == "sm_80"
    assert sorted(manifest["cases"]) == sorted(CASES.split(","))
    for entry in manifest["cases"].values():
        assert (prebuilt / entry["library"]).stat().st_size > 0


def test_run_needs_no_mlir(prebuilt, fake_driver, tmp_path):
    code, report = _run(prebuilt, fake_driver, tmp_path)
    assert code == 0
    assert [r["name"] for r in report["rows"]] == sorted(CASES.split(","))
    for row in report["rows"]:
        assert row["aic_ms"] > 0 and "rel_err" in row and "error" not in row


def test_run_without_a_driver_reports_each_case(prebuilt, tmp_path, monkeypatch):
    code, report = _run(prebuilt, "/nonexistent/libcuda.so.1", tmp_path)
    assert code == 1
    for row in report["rows"]:
        assert "no CUDA driver" in row["error"] or "CUDA" in row["error"]


@pytest.mark.cuda
def test_prebuilt_libraries_match_onnxruntime_on_the_gpu(prebuilt, tmp_path):
    if driver_problem() is not None:
        pytest.skip(f"needs a CUDA GPU: {driver_problem()}")
    code, report = _run(prebuilt, None, tmp_path)
    assert code == 0, report
    for row in report["rows"]:
        assert row["rel_err"] < 1e-3, row
