"""Models compiled for several threads (OpenMP) match onnxruntime/numpy: through the JIT, and
through a saved library copied into another folder; the thread count comes from
``threads=``, ``AIC_NUM_THREADS`` or every core; OpenMP gets aic's defaults for a shared
machine (idle workers sleep soon, busy machines get fewer threads) unless the user chose."""

import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import aic
from aic.runner import onnxruntime_session, random_input
from aic.testing import models

RTOL, ATOL = 1e-4, 1e-5


def _feed(compiled, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}


def _matmul(m=192, k=64, n=256) -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["y"])], "mm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [k, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _parallel_regions(compiled) -> int:
    return compiled.llvm_module_text.count("omp.parallel")


def test_two_threads_cnn_matches_onnxruntime():
    model = models.resnet_cnn()
    compiled = aic.compile(model, threads=2, cache=False)  # (a cache hit keeps no LLVM text)
    assert compiled.threads == 2
    assert _parallel_regions(compiled) > 0
    feed = _feed(compiled)
    want = onnxruntime_session(model.SerializeToString(), threads=2).run(None, feed)
    for got, ref in zip(compiled(**feed), want):
        np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL)


def test_more_threads_than_tiles_matches_numpy():
    compiled = aic.compile(_matmul(), threads=3)
    a, b = (random_input(t.shape, t.dtype, np.random.default_rng(1)) for t in compiled.inputs)
    (got,) = compiled(a, b)
    np.testing.assert_allclose(got, a @ b, rtol=RTOL, atol=1e-4)


def test_one_thread_has_no_openmp():
    compiled = aic.compile(_matmul(), threads=1, cache=False)
    assert compiled.threads == 1
    assert _parallel_regions(compiled) == 0


def test_threads_from_environment(monkeypatch):
    monkeypatch.setenv("AIC_NUM_THREADS", "1")
    assert aic.compile(_matmul()).threads == 1
    monkeypatch.setenv("AIC_NUM_THREADS", "3")
    assert aic.compile(_matmul()).threads == 3
    assert aic.compile(_matmul(), threads=2).threads == 2  # the argument wins
    monkeypatch.delenv("AIC_NUM_THREADS")
    assert aic.compile(_matmul()).threads == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("bad", ["0", "two", "-1"])
def test_bad_thread_counts_are_errors(monkeypatch, bad):
    monkeypatch.setenv("AIC_NUM_THREADS", bad)
    with pytest.raises(aic.AicError, match="AIC_NUM_THREADS must be a positive integer"):
        aic.compile(_matmul())
    monkeypatch.delenv("AIC_NUM_THREADS")
    with pytest.raises(aic.AicError, match="threads must be a positive integer"):
        aic.compile(_matmul(), threads=0)


# Runs in a fresh process (no JIT, nothing loaded yet): load the library, run it, report which
# libomp the loader mapped. KMP_SETTINGS=1 makes libomp print its settings when it starts.
_CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import aic
    model = aic.load(sys.argv[1])
    data = np.load(sys.argv[2])
    (got,) = model(data["a"], data["b"])
    np.save(sys.argv[3], got)
    maps = open("/proc/self/maps").read().split()
    libomp = sorted({p for p in maps if p.endswith("/libomp.so")})
    print(json.dumps({"threads": model.threads, "libomp": libomp}))
""")


def _run_child(library: str, tmp_path, a, b, **env_vars) -> dict:
    import json

    np.savez(tmp_path / "in.npz", a=a, b=b)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KMP_", "OMP_"))}
    env.update(KMP_SETTINGS="1", **env_vars)
    proc = subprocess.run([sys.executable, "-c", _CHILD, library, str(tmp_path / "in.npz"),
                           str(tmp_path / "out.npy")], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    report["out"] = np.load(tmp_path / "out.npy")
    report["settings"] = [line.strip() for line in proc.stderr.splitlines()]
    return report


def test_saved_library_runs_from_another_folder(tmp_path):
    compiled = aic.compile(_matmul(), threads=2)
    built, moved = tmp_path / "built", tmp_path / "moved"
    built.mkdir()
    moved.mkdir()
    compiled.save(str(built / "mm.so"))
    assert (built / "libomp.so").exists()
    for name in ("mm.so", "libomp.so"):
        shutil.copy(built / name, moved / name)
    shutil.rmtree(built)
    rng = np.random.default_rng(2)
    a, b = (random_input(t.shape, t.dtype, rng) for t in compiled.inputs)
    report = _run_child(str(moved / "mm.so"), tmp_path, a, b)
    np.testing.assert_allclose(report["out"], a @ b, rtol=RTOL, atol=1e-4)
    assert report["threads"] == 2
    assert report["libomp"] == [os.path.realpath(moved / "libomp.so")]  # beside it ($ORIGIN)
    # Idle workers sleep after a millisecond (libomp's own default: they spin for 200 ms) and
    # a busy machine gets fewer threads ...
    assert {"KMP_BLOCKTIME=1ms", "OMP_DYNAMIC=true"} <= set(report["settings"])
    # ... unless the user says otherwise.
    report = _run_child(str(moved / "mm.so"), tmp_path, a, b, KMP_BLOCKTIME="7",
                        OMP_DYNAMIC="false")
    assert {"KMP_BLOCKTIME=7ms", "OMP_DYNAMIC=false"} <= set(report["settings"])
    np.testing.assert_allclose(report["out"], a @ b, rtol=RTOL, atol=1e-4)


def test_saved_library_alone_finds_the_wheel_libomp(tmp_path):
    compiled = aic.compile(_matmul(), threads=2)
    compiled.save(str(tmp_path / "mm.so"))
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(tmp_path / "mm.so", alone / "mm.so")
    rng = np.random.default_rng(3)
    a, b = (random_input(t.shape, t.dtype, rng) for t in compiled.inputs)
    report = _run_child(str(alone / "mm.so"), tmp_path, a, b)
    np.testing.assert_allclose(report["out"], a @ b, rtol=RTOL, atol=1e-4)
    from aic.compiler.openmp import libomp_path

    assert report["libomp"] == [os.path.realpath(libomp_path())]


def test_jit_sets_openmp_defaults(tmp_path):
    onnx.save(_matmul(), str(tmp_path / "mm.onnx"))
    code = ("import aic, numpy as np, sys; m = aic.compile(sys.argv[1], threads=2); "
            "m(*[np.ones(t.shape, t.dtype) for t in m.inputs])")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KMP_", "OMP_"))}
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "mm.onnx")],
                          capture_output=True, text=True, env={**env, "KMP_SETTINGS": "1"},
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    settings = {line.strip() for line in proc.stderr.splitlines()}
    assert {"KMP_BLOCKTIME=1ms", "OMP_DYNAMIC=true"} <= settings
