"""The CUDA host side without a GPU: the JIT-compiled host code and the CUDA library
(``--target cuda --emit lib``) run against aic's CUDA runtime with a fake driver
(``fake_libcuda.c``, the ``fake_driver`` fixture of conftest.py: device memory the host
cannot touch, no kernels run, counts kept by the runtime) or with no driver
at all. What they check: buffers and weights are made on the first call only (no allocation,
no free per call: nothing leaks), every call launches the same kernels, a CUDA error becomes an
``AicError`` carrying CUDA's message and the next call recovers, no driver is one clear error.
The numbers on a real GPU: the ``cuda``-marked tests at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from aic.errors import AicError
from aic.runner import onnxruntime_session, random_input
from aic.testing import models

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def mlp_file(tmp_path_factory) -> str:
    """A 32x64 -> 128 -> 64 MLP: tensor-core matmuls (TF32) and generic kernels (softmax)."""
    path = tmp_path_factory.mktemp("model") / "mlp.onnx"
    onnx.save(models.mlp(batch=32, sizes=(64, 128, 64)), str(path))
    return str(path)


# The JIT's runtime library is loaded once per process and binds its driver on first use, so
# each JIT scenario runs in a process of its own.
JIT_SCRIPT = r"""
import ctypes, json, sys
import numpy as np
from aic.compiler.driver import CompileOptions
from aic.errors import AicError
from aic.runtime.cuda_launch import gpu_model

model = gpu_model(sys.argv[1], CompileOptions(target="cuda"))
x = np.ones(model.inputs[0].shape, np.float32)
counts, errors = [], []
for _ in range(3):
    model(x)
    counts.append(model.cuda_runtime.counters())
fail = ctypes.c_int.in_dll(ctypes.CDLL(sys.argv[2]), "fake_fail_launches")
fail.value = 1
try:
    model(x)
except AicError as e:
    errors.append(str(e))
fail.value = 0
model(x)
counts.append(model.cuda_runtime.counters())
print(json.dumps({"counts": counts, "errors": errors}))
"""


def _jit(model: str, driver: str) -> dict:
    env = dict(os.environ, AIC_CUDA_DRIVER=driver)
    proc = subprocess.run([sys.executable, "-c", JIT_SCRIPT, model, driver], env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_jit_makes_buffers_once_and_reports_cuda_errors(mlp_file, fake_driver):
    result = _jit(mlp_file, fake_driver)
    first, second, third, after_error = result["counts"]
    assert first["allocations"] > 0 and first["launches"] > 0
    # Weights, intermediates and argument buffers: made by the first call only.
    assert second["allocations"] == third["allocations"] == first["allocations"]
    assert after_error["allocations"] == first["allocations"]
    assert third["frees"] == 0
    # Every call launches the same kernels.
    assert second["launches"] == 2 * first["launches"]
    assert third["launches"] == 3 * first["launches"]
    # The failing launch is the call's first CUDA error; the rest of the call is skipped.
    assert result["errors"] == [
        "CUDA error in cuLaunchKernel: unspecified launch failure (CUDA_ERROR_LAUNCH_FAILED)"]
    assert after_error["launches"] == 4 * first["launches"] + 1


@pytest.mark.parametrize("name", ["lstm_1layer", "resnet_cnn"])
def test_jit_host_code_of_loops_and_convolutions(name, fake_driver, tmp_path):
    """LSTM's host loop (per-call buffers inside it, the deallocation helper on the host) and
    a CNN's conv GEMMs: every call after the first makes the same allocations and launches."""
    sys.path.insert(0, str(HERE))
    from cuda_models import build

    path = tmp_path / f"{name}.onnx"
    onnx.save(build(name), str(path))
    first, second, third, _ = _jit(str(path), fake_driver)["counts"]
    for key in ("allocations", "frees", "launches"):
        assert third[key] - second[key] == second[key] - first[key], key
    assert second["launches"] == 2 * first["launches"]
    # LSTM's per-step buffers go back to the runtime's block cache and are handed out again
    # (without it: 3 cuMemAlloc per time step, 12 per call). Its final h and c are freed only
    # when the deallocation flags say so, and 1 x 1 kernels write those flags, which the fake
    # driver does not run: here they stay allocated, 2 per call.
    assert second["allocations"] - first["allocations"] == (2 if name == "lstm_1layer" else 0)


@pytest.fixture(scope="module")
def cuda_lib(mlp_file, tmp_path_factory) -> Path:
    """``aic-compile mlp.onnx --target cuda -o mlp.so`` (the library and its header)."""
    out = tmp_path_factory.mktemp("lib") / "mlp.so"
    proc = subprocess.run([sys.executable, "-m", "aic.tools.compile", mlp_file, "--target",
                           "cuda", "-o", str(out), "--no-cache", "--quiet"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return out


def test_library_without_a_driver_is_a_clear_error(cuda_lib, tmp_path, monkeypatch):
    from aic.runtime.library import load_library

    path = str(cuda_lib)
    assert cuda_lib.with_suffix(".h").read_text().count("AIC_ERROR_CUDA = 4") == 1
    symbols = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True,
                             text=True, check=True).stdout.split()
    assert {"aic_run", "aic_last_error", "aic_signature"} <= set(symbols)
    assert not any(s.startswith("mgpu") for s in symbols)
    needed = subprocess.run(["readelf", "-d", path], capture_output=True, text=True,
                            check=True).stdout
    assert "libcuda" not in needed and "mlir_cuda_runtime" not in needed
    monkeypatch.setenv("AIC_CUDA_DRIVER", str(tmp_path / "no-such-libcuda.so.1"))
    model = load_library(path)
    x = np.ones(model.inputs[0].shape, np.float32)
    with pytest.raises(AicError, match=r"^cannot run on a CUDA GPU: no CUDA driver on this "
                                       r"machine \(.*no-such-libcuda.so.1 not found\)$"):
        model(x)


def test_library_runs_its_launches_on_the_fake_driver(cuda_lib, monkeypatch, fake_driver):
    from aic.runtime.library import load_library

    monkeypatch.setenv("AIC_CUDA_DRIVER", fake_driver)
    model = load_library(str(cuda_lib))
    x = np.ones(model.inputs[0].shape, np.float32)
    for _ in range(3):
        (out,) = model(x)
        assert out.shape == (32, 64)


def test_library_embeds_a_cubin(cuda_lib):
    data = cuda_lib.read_bytes()
    assert b"\x7fELF" in data[4:]  # the cubin: an ELF inside the library
    assert b".version 7.6" not in data  # not PTX


@pytest.mark.cuda
def test_library_on_the_gpu_matches_onnxruntime(cuda_lib, mlp_file):
    from aic.runtime.library import load_library

    model = load_library(str(cuda_lib))
    rng = np.random.default_rng(0)
    feed = {t.name: random_input(t.shape, t.dtype, rng) for t in model.inputs}
    session = onnxruntime_session(onnx.load(mlp_file).SerializeToString())
    want = session.run(None, feed)
    for _ in range(2):  # the second call reuses the device buffers and weights
        got = model(**feed)
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-2, atol=1e-3)  # TF32 tensor cores


def test_tensor_core_host_code_frees_its_buffers(mlp_file):
    """The `gpu` level with tensor-core launches (gpu.launch_func) runs MLIR's deallocation
    pipeline (aic-gpu-launches-to-calls around it): every host allocation has its dealloc."""
    from aic.compiler.driver import CompileOptions, compile_module
    from aic.verify import walk

    result = compile_module(mlp_file, CompileOptions(target="cuda", emit="gpu"))
    with result.module.context:
        main = next(op.operation for op in result.module.body.operations
                    if op.operation.name == "func.func")
        host = [op.operation for op in walk(main)]
        names = [op.name for op in host]
        allocs = [op.results[0] for op in host if op.name == "memref.alloc"]
        freed = [op.operands[0] for op in host if op.name == "memref.dealloc"]
    assert names.count("gpu.launch_func") == 2
    assert allocs and all(a in freed for a in allocs)
