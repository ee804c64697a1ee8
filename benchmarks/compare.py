"""Before/after on a loaded machine: several aic checkouts and onnxruntime, interleaved.

    python -m benchmarks.compare --trees BEFORE,AFTER [--only GLOB,...] [--threads 1,2]
                                 [--rounds N] [--json OUT]

Each tree (a checkout's root; ``.`` is this one) compiles every chosen kernel of
``benchmarks.kernels`` to a shared library in a child process (``aic-compile --emit lib``,
that tree's ``python/`` first on the path, no cache). The libraries and an onnxruntime
session (same thread count; its workers do not spin, so they leave the cores to the others
between calls) then run in this process in rounds: per round each side is called twice, one
after the other, so a burst of load from other processes falls on every side alike.
Reported per side: the minimum (the least disturbed call) and the median of the wall-clock
times, and ``ort/side`` for both. Outputs are checked against onnxruntime first (max |diff| /
max |ort| under 1e-4). ``benchmarks.run`` is the acceptance table; this is the A/B check of a
change when the machine is shared.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from aic.runner import random_input
from aic.runtime.library import load_library

from benchmarks import kernels


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.split(
        "\n\n")[0])
    p.add_argument("--trees", required=True, metavar="DIR,...",
                   help="aic checkouts to compare (their roots; '.' is this one)")
    p.add_argument("--only", default="matmul_1024_constB", metavar="GLOB,...",
                   help="kernel rows (benchmarks.kernels names or fnmatch patterns)")
    p.add_argument("--threads", default="1", help="thread counts, e.g. 1,2")
    p.add_argument("--rounds", type=int, default=10, help="rounds of two calls per side")
    p.add_argument("--json", metavar="OUT", help="write the rows here")
    return p.parse_args(argv)


def chosen(only: str) -> list[str]:
    names = [n for n in kernels.KERNELS
             if any(fnmatch.fnmatchcase(n, g) for g in only.split(","))]
    if not names:
        raise SystemExit(f"--only {only}: no kernel matches; kernels: {', '.join(kernels.KERNELS)}")
    return names


def build(tree: Path, model_path: Path, threads: int, out: Path) -> Path:
    """``model_path`` compiled by ``tree``'s aic to the library ``out``."""
    env = dict(os.environ, PYTHONPATH=str(tree / "python"))
    subprocess.run([sys.executable, "-m", "aic.tools.compile", str(model_path), "--emit", "lib",
                    "-o", str(out), "--threads", str(threads), "--no-cache", "--force",
                    "--quiet"], env=env, check=True, cwd=out.parent)
    return out


def _session(model: onnx.ModelProto, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = threads
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])


def _check(label: str, ours, reference) -> None:
    ours, reference = np.asarray(ours, np.float64), np.asarray(reference, np.float64)
    err = float(np.abs(ours - reference).max() / max(float(np.abs(reference).max()), 1e-30))
    if err > 1e-4:
        raise SystemExit(f"{label}: output differs from onnxruntime (relative error {err:.1e})")


def measure(name: str, trees: list[Path], threads: int, rounds: int, work: Path) -> dict:
    model = kernels.KERNELS[name]()
    model_path = work / f"{name}.onnx"
    onnx.save(model, model_path)
    sides = {}
    for i, tree in enumerate(trees):
        lib = build(tree, model_path, threads, work / f"{name}.{i}.t{threads}.so")
        sides[f"{i}:{tree.name}"] = load_library(str(lib))
    session = _session(model, threads)
    rng = np.random.default_rng(0)
    feed = {i.name: random_input(tuple(i.shape), np.float32, rng) for i in session.get_inputs()}
    reference = session.run(None, feed)[0]
    calls = {}
    for label, lib in sides.items():
        _check(label, lib(**feed)[0], reference)
        calls[label] = lambda lib=lib: lib(**feed)
    calls["ort"] = lambda: session.run(None, feed)
    times = {label: [] for label in calls}
    for _ in range(rounds):
        for label, call in calls.items():
            for _ in range(2):
                start = time.perf_counter()
                call()
                times[label].append((time.perf_counter() - start) * 1e3)
    return {"name": name, "threads": threads, "loadavg": os.getloadavg()[0],
            "min_ms": {k: min(v) for k, v in times.items()},
            "median_ms": {k: statistics.median(v) for k, v in times.items()}}


def line(row: dict) -> str:
    ort_min, ort_med = row["min_ms"]["ort"], row["median_ms"]["ort"]
    parts = [f"{label} min {row['min_ms'][label]:.3f} med {row['median_ms'][label]:.3f} ms"
             + ("" if label == "ort" else
                f" (ort/it {ort_min / row['min_ms'][label]:.2f} / "
                f"{ort_med / row['median_ms'][label]:.2f})")
             for label in row["min_ms"]]
    return f"{row['name']} t{row['threads']} load {row['loadavg']:.1f}: " + " | ".join(parts)


def main(argv=None) -> int:
    args = parse_args(argv)
    trees = [Path(t).resolve() for t in args.trees.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="aic-compare-") as work:
        for name in chosen(args.only):
            for threads in [int(t) for t in args.threads.split(",")]:
                rows.append(measure(name, trees, threads, args.rounds, Path(work)))
                print(line(rows[-1]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"trees": [str(t) for t in trees], "rows": rows},
                                              indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
