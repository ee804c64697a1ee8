"""The CUDA section: aic on the GPU vs onnxruntime's CUDA provider, and matmul figures.

    python -m benchmarks.cuda [--only GLOB,...] [--quick] [--runs N] [--json OUT]

Where no GPU answers (``aic.runtime.cuda.driver_problem()``) it prints ``CUDA: no GPU
(<why>)`` and exits 0 (the JSON, when asked for, says the same). On a GPU, per case: aic
compiles the model for ``--target cuda`` (``gpu_arch`` from the device's compute capability),
is warmed up (the first call uploads the weights and makes the device buffers) and timed; then
onnxruntime with ``CUDAExecutionProvider`` (when the installed onnxruntime has it: the
``onnxruntime-gpu`` wheel; its MatMul is cuBLAS, so the matmul rows compare aic's tensor-core
kernels with cuBLAS) on the same inputs. Both sides take numpy arrays in and out, so both
times include the host <-> device copies of inputs and outputs. Columns: medians in ms,
``ratio = ort_ms / aic_ms`` (above 1: aic is faster), aic's TFLOP/s (FLOPs of
``aic.frontend.onnx.flops``), ``rel_err`` = max |aic - ort| / max |ort| (TF32: about 1e-3).
"""

from __future__ import annotations

import argparse
import ctypes
import fnmatch
import json
import sys

import aic
import numpy as np
from aic.frontend.onnx.flops import count_flops
from aic.runner import random_input
from aic.runtime.cuda import driver_problem

from benchmarks import kernels, models
from benchmarks.cuda_prebuilt import median_ms

MATMULS = (1024, 2048, 4096)
MODELS = ("resnet50_224", "bert_base_2layers_seq128", "gpt2_2layers_seq128",
          "vit_b16_2layers_197tok")
COLUMNS = "{:<24} {:>10} {:>10} {:>7} {:>8} {:>9}"


def cases(quick: bool) -> list[tuple[str, object]]:
    """(name, model maker): square f32 matmuls (weights constant), a 3x3 conv, models."""
    sizes = MATMULS[:1] if quick else MATMULS
    out = [(f"matmul_{n}", lambda n=n: kernels.matmul(n, n, n, True)) for n in sizes]
    out.append(("conv3x3_256to256_56", lambda: kernels.conv(256, 256, 56, 3)))
    out += [(name, lambda name=name: models.build(name, quick)) for name in MODELS]
    return out


def gpu_arch() -> str:
    """``sm_XY`` of device 0 (sm_80 when the driver does not say; at most sm_90)."""
    lib = ctypes.CDLL("libcuda.so.1")
    major, minor = ctypes.c_int(8), ctypes.c_int(0)
    lib.cuDeviceGetAttribute(ctypes.byref(major), 75, 0)  # COMPUTE_CAPABILITY_MAJOR
    lib.cuDeviceGetAttribute(ctypes.byref(minor), 76, 0)  # COMPUTE_CAPABILITY_MINOR
    arch = f"sm_{major.value}{minor.value}"
    return arch if arch in ("sm_80", "sm_86", "sm_89", "sm_90") else "sm_80"


def ort_cuda_session(model):
    import onnxruntime as ort

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        return None
    return ort.InferenceSession(model.SerializeToString(),
                                providers=["CUDAExecutionProvider"])


def measure(name: str, model, arch: str, runs: int) -> dict:
    row = {"name": name}
    try:
        compiled = aic.compile(model, target="cuda", gpu_arch=arch)
        rng = np.random.default_rng(0)
        feed = {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}
        ours = compiled(**feed)
        row["aic_ms"] = median_ms(lambda: compiled(**feed), runs)
        row["tflops"] = count_flops(model) / row["aic_ms"] / 1e9
        session = ort_cuda_session(model)
        if session is not None:
            want = session.run(None, feed)
            row["ort_ms"] = median_ms(lambda: session.run(None, feed), runs)
            row["ratio"] = row["ort_ms"] / row["aic_ms"]
            row["rel_err"] = max(float(np.max(np.abs(a - w)) / max(np.max(np.abs(w)), 1e-30))
                                 for a, w in zip(ours, want))
    except Exception as e:  # noqa: BLE001 - one failing case must not end the run
        row["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return row


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_row(row: dict) -> None:
    if "error" in row:
        print(f"{row['name']:<24} error: {row['error']}")
        return
    print(COLUMNS.format(row["name"], _fmt(row.get("aic_ms"), ".3f"),
                         _fmt(row.get("ort_ms"), ".3f"), _fmt(row.get("ratio"), ".2f"),
                         _fmt(row.get("tflops"), ".2f"), _fmt(row.get("rel_err"), ".1e")))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cuda", description=__doc__.split(
        "\n\n")[0])
    p.add_argument("--only", metavar="GLOB,...", help="cases whose names match")
    p.add_argument("--quick", action="store_true", help="1024^3 matmul and small models")
    p.add_argument("--runs", type=int, default=20, help="timed calls per side (default 20)")
    p.add_argument("--json", metavar="OUT", help="write the rows here")
    args = p.parse_args(argv)
    problem = driver_problem()
    if problem is not None:
        print(f"CUDA: no GPU ({problem})")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"gpu": None, "reason": problem, "rows": []}, f, indent=1)
        return 0
    arch = gpu_arch()
    chosen = [(n, make) for n, make in cases(args.quick)
              if not args.only or any(fnmatch.fnmatch(n, g) for g in args.only.split(","))]
    print(f"CUDA: {arch}, {len(chosen)} cases")
    print(COLUMNS.format("case", "aic_ms", "ort_ms", "ratio", "TFLOP/s", "rel_err"))
    rows = []
    for name, make in chosen:
        rows.append(measure(name, make(), arch, args.runs))
        print_row(rows[-1])
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gpu": arch, "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
