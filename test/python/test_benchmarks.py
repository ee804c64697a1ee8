"""The benchmark command (benchmarks/run.py): JSON schema, error rows and FLOP counts.

No timing is asserted: only that the command runs, writes what docs/benchmarks.md describes,
and that its derived numbers are consistent with its measured ones.
"""

import json
import math
import mmap
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import kernels, models, peak, run
from aic.frontend.onnx.flops import count_flops

ROW_FIELDS = {"name", "kind", "threads", "aic_ms", "ort_ms", "ratio", "gflops", "pct_peak",
              "compile_s", "compile_mb", "flops", "runs", "aic_min_ms", "ort_min_ms", "rel_err",
              "spec_ms", "dyn_over_spec", "error"}


def _run_benchmark(tmp_path, *args) -> dict:
    out = tmp_path / "bench.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "python"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", *args, "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "matmul_256_constB" in proc.stdout
    return json.loads(out.read_text())


def test_quick_run_writes_the_documented_json(tmp_path):
    report = _run_benchmark(tmp_path, "--quick", "--only", "matmul_256_constB", "--threads", "1")
    assert set(report) == {"machine", "settings", "notes", "rows", "geomean"}
    assert report["machine"]["peak_gflops"] > 0
    assert report["settings"]["quick"] is True
    (row,) = report["rows"]
    assert set(row) == ROW_FIELDS
    assert (row["name"], row["kind"], row["threads"], row["error"]) == (
        "matmul_256_constB", "kernel", 1, None)
    assert row["aic_ms"] > 0 and row["ort_ms"] > 0 and row["compile_s"] > 0
    assert row["compile_mb"] > 50  # Python, MLIR and the model at least
    assert row["ratio"] == pytest.approx(row["ort_ms"] / row["aic_ms"])
    assert row["flops"] == 2 * 256**3
    assert row["gflops"] == pytest.approx(row["flops"] / row["aic_ms"] / 1e6)
    machine = report["machine"]
    assert machine["peak_source"] == "measured FMA loop"
    assert machine["nominal_peak_gflops_per_core"] == pytest.approx(
        machine["peak_gflops"] / machine["cores"])
    per_core = machine["peak_gflops_per_core"]
    assert row["pct_peak"] == pytest.approx(100 * row["gflops"] / per_core)
    assert row["rel_err"] < 1e-5
    assert report["geomean"]["kernel"]["1"] == pytest.approx(row["ratio"])


def test_measured_peak_scales_with_the_vector_width():
    """benchmarks.peak times FMA chains at a given width: twice the lanes, more FLOP/s (the
    same FMA issue rate where the core has the width natively, a little less where it splits
    them), and never more than the 512-bit nominal estimate's worth at the turbo clocks of
    today's cores (8 GHz here, a wide bound)."""
    from aic.targets.cpu import host

    if host().vector_bits < 256:
        pytest.skip("this CPU has no 256-bit vectors: both widths run at the 128-bit rate")
    narrow, wide = (peak.measured_gflops_per_core(bits) for bits in (128, 256))
    assert 0 < narrow < wide <= 2.2 * narrow
    assert wide < 8.0 * 2 * 2 * 8  # 8 GHz x 2 FMA units x 2 FLOPs x 8 lanes


def test_peak_memory_covers_the_process_and_its_children():
    from benchmarks.memory import PeakMemory

    with PeakMemory() as idle:
        time.sleep(0.1)
    with PeakMemory() as own:  # fresh pages: the allocator may reuse freed resident memory
        block = mmap.mmap(-1, 200 * 2**20)
        block.write(b"x" * len(block))  # touched: resident
        block.close()
    with PeakMemory() as child:
        code = ("import time; b = bytearray(300 * 2**20); "
                "b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)")
        subprocess.run([sys.executable, "-c", code], check=True)
    assert own.mb > idle.mb + 150
    assert child.mb > idle.mb + 250


def _unsupported_model() -> onnx.ModelProto:
    node = helper.make_node("Frobnicate", ["x"], ["y"], domain="com.example.nothing")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, [2])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                   helper.make_opsetid("com.example.nothing", 1)])


def test_a_model_aic_cannot_compile_is_an_error_row():
    settings = run.Settings(runs=1, min_runs=1, warmup=0, budget_s=0.1, quick=True)
    row = run.run_case("frobnicate", "model", _unsupported_model(), None, 1, settings, 100.0)
    assert row.error and "\n" not in row.error and "Frobnicate" in row.error
    assert row.aic_ms is None and row.ratio is None
    run.print_row(row)  # prints one line, does not raise


def test_a_dynamic_row_times_the_dynamic_and_the_specialised_model():
    """Issue 10's rows: one artifact without input shapes, called at the row's shapes, next to
    the model specialised to them (quick: ResNet-18 at 64x64, batch 1)."""
    settings = run.Settings(runs=2, min_runs=1, warmup=1, budget_s=0.1, quick=True)
    name = "resnet18_224_dynamic_b1"
    row = run.run_case(name, "dynamic", models.build(name, quick=True), None, 1, settings, 100.0)
    assert row.error is None, row.error
    assert row.spec_ms > 0 and row.dyn_over_spec == pytest.approx(row.aic_ms / row.spec_ms)
    assert row.rel_err < 1e-4


def test_geomean_is_per_kind_and_thread_count():
    rows = [run.Row("a", "model", 1, ratio=0.5), run.Row("b", "model", 1, ratio=2.0),
            run.Row("c", "model", 1, error="no"), run.Row("d", "kernel", 2, ratio=0.25)]
    assert run.geomeans(rows) == {"model": {"1": pytest.approx(1.0)},
                                  "kernel": {"2": pytest.approx(0.25)}}


@pytest.mark.parametrize("name, flops", [
    ("matmul_128x3072x768_runtimeB", 2 * 128 * 3072 * 768),
    ("conv3x3_64to64_56", 2 * 64 * 64 * 9 * 56 * 56),
    ("conv7x7s2_3to64_224", 2 * 64 * 3 * 49 * 112 * 112),
    ("dwconv3x3_32ch_112", 2 * 32 * 9 * 112 * 112),
    ("linear_gelu_128x768to3072", 2 * 128 * 768 * 3072),
    ("softmax_12x197x197", None),
])
def test_kernel_flops(name, flops):
    assert count_flops(kernels.KERNELS[name]()) == flops


def test_model_flops_match_the_published_counts():
    # torchvision: ResNet-18 1.82 GMACs, ResNet-50 4.1 GMACs, MobileNetV2 0.30 GMACs (at 224²)
    assert count_flops(models.build("resnet18_224")) / 2e9 == pytest.approx(1.82, rel=0.01)
    assert count_flops(models.build("resnet50_224")) / 2e9 == pytest.approx(4.1, rel=0.02)
    assert count_flops(models.build("mobilenetv2_224")) / 2e9 == pytest.approx(0.30, rel=0.02)


def test_lstm_and_conv_transpose_flops():
    seq, hidden, features = 16, 512, 256
    per_step = 2 * 4 * hidden * (features + hidden) + 2 * 4 * hidden * (hidden + hidden)
    head = 2 * hidden * 10
    assert count_flops(models.lstm(seq=seq)) == seq * per_step + head
    up = models.unet(image=16, depth=1, base=4)
    transpose = 2 * (8 * 8 * 8) * (4 * 2 * 2)  # input elements x (cout * kh * kw)
    convs = 2 * 16 * 16 * (4 * 3 * 9 + 4 * 4 * 9 + 4 * 8 * 9 + 4 * 4 * 9 + 2 * 4)
    convs += 2 * 8 * 8 * (8 * 4 * 9 + 8 * 8 * 9)
    assert count_flops(up) == transpose + convs


@pytest.mark.parametrize("name", ["resnet18_224", "bert_base_2layers_seq128"])
def test_quantized_models_count_the_float_models_flops(name):
    """Quantization keeps the multiply-adds (QDQ Convs, MatMulInteger counted like MatMul)."""
    quantized = next(q for q in models.MODELS if q.startswith(name) and q.endswith("int8"))
    assert count_flops(models.build(quantized, quick=True)) == \
        count_flops(models.build(name, quick=True))


@pytest.mark.parametrize("name", sorted(models.MODELS))
def test_models_are_valid_onnx_that_onnxruntime_runs(name):
    from aic.runner import onnxruntime_session, random_input

    model = models.build(name, quick=True)
    onnx.checker.check_model(model, full_check=True)
    session = onnxruntime_session(model.SerializeToString(), threads=1)
    rng = np.random.default_rng(0)
    dtypes = {"tensor(float)": np.float32, "tensor(float16)": np.float16,
              "tensor(int64)": np.int64}
    feed = {i.name: random_input(i.shape, dtypes[i.type], rng) for i in session.get_inputs()}
    (out,) = session.run(None, feed)
    assert math.isfinite(float(np.abs(out).max()))


def test_a_failing_child_process_is_an_error_row():
    args = run.parse_args(["--quick", "--runs", "1"])
    row = run.run_isolated("no_such_case", "kernel", 1, args)
    assert (row.name, row.kind, row.threads, row.aic_ms) == ("no_such_case", "kernel", 1, None)
    assert row.error == ("internal error: the benchmark process exited with status 1: "
                         "no benchmark case 'no_such_case' (see --list)")
    assert "\n" not in row.error


@pytest.mark.parametrize("accepts, want, notes", [(True, [1, 2], 0), (False, [1], 1)])
def test_thread_counts_fall_back_to_one_without_threads_parameter(monkeypatch, accepts, want,
                                                                   notes):
    monkeypatch.setattr(run, "aic_accepts_threads", lambda: accepts)
    seen = []
    assert run.thread_counts("2,1", seen.append) == want
    assert len(seen) == notes


def test_cuda_section_says_no_gpu_where_none_answers(tmp_path, capsys):
    """benchmarks/cuda.py: without a GPU one line says so (and the JSON); its cases build."""
    from aic.runtime.cuda import driver_problem
    from benchmarks import cuda

    names = [name for name, _ in cuda.cases(quick=True)]
    assert names[0] == "matmul_1024" and "conv3x3_256to256_56" in names
    assert all(name in models.MODELS for name in cuda.MODELS)
    if driver_problem() is None:
        pytest.skip("a GPU answers here: the section measures instead (run it by hand)")
    out = tmp_path / "cuda.json"
    assert cuda.main(["--quick", "--json", str(out)]) == 0
    assert capsys.readouterr().out == f"CUDA: no GPU ({driver_problem()})\n"
    assert json.loads(out.read_text()) == {"gpu": None, "reason": driver_problem(), "rows": []}


def test_compare_interleaves_trees_and_onnxruntime(tmp_path):
    """benchmarks.compare: one library per tree (here this checkout twice), checked against
    onnxruntime, min <= median for every side."""
    out = tmp_path / "compare.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "python"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "benchmarks.compare", "--trees", ".,.",
                           "--only", "matmul_256_constB", "--rounds", "2", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "matmul_256_constB t1" in proc.stdout and "ort/it" in proc.stdout
    (row,) = json.loads(out.read_text())["rows"]
    name = ROOT.name
    assert set(row["min_ms"]) == {f"0:{name}", f"1:{name}", "ort"}
    assert all(0 < row["min_ms"][k] <= row["median_ms"][k] for k in row["min_ms"])
