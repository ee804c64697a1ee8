"""Compare aic with onnxruntime on the same inputs, in the same run.

    python -m benchmarks.run [--runs N] [--json OUT] [--only NAME,...] [--threads T]

Kernels (single-op ONNX models: matmul, conv, depthwise conv, pooling, elementwise,
softmax) and the generator models
of ``aic.testing.models``. For each: median latency of aic and onnxruntime over N runs after
warm-up, the ratio (ort_ms / aic_ms: above 1 means aic is faster), and GFLOP/s for the
kernels with a known FLOP count, next to the peak of the cores used (``aic.targets.cpu``).
aic compiles for ``--threads`` threads (default: ``AIC_NUM_THREADS``, else every core) and
onnxruntime runs on as many.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

import aic
from aic.runner import benchmark, onnxruntime_session, random_input
from aic.testing import models


def _single(op: str, inputs: list[tuple[str, list[int]]], out_shape, **attrs):
    node = helper.make_node(op, [n for n, _ in inputs], ["y"], **attrs)
    graph = helper.make_graph(
        [node], op.lower(),
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # onnxruntime reads IR versions up to 13
    return model


def kernels():
    """(name, model, flops)"""
    out = []
    for m, k, n in [(256, 256, 256), (512, 512, 512), (64, 1024, 1024), (2048, 2048, 2048)]:
        out.append((f"matmul_{m}x{k}x{n}", _single("MatMul", [("a", [m, k]), ("b", [k, n])],
                                                   [m, n]), 2 * m * k * n))
    c, hw, f = 64, 56, 64
    out.append((f"conv3x3_{c}x{hw}x{hw}_{f}",
                _single("Conv", [("x", [1, c, hw, hw]), ("w", [f, c, 3, 3])], [1, f, hw, hw],
                        pads=[1, 1, 1, 1]), 2 * f * c * 9 * hw * hw))
    for c, hw, stride in [(64, 56, 1), (32, 112, 1), (64, 56, 2)]:
        o = hw // stride
        out.append((f"dwconv3x3s{stride}_{c}x{hw}x{hw}",
                    _single("Conv", [("x", [1, c, hw, hw]), ("w", [c, 1, 3, 3])], [1, c, o, o],
                            pads=[1, 1, 1, 1], group=c, strides=[stride, stride]),
                    2 * c * 9 * o * o))
    out.append(("maxpool3x3s2_64x112x112",
                _single("MaxPool", [("x", [1, 64, 112, 112])], [1, 64, 56, 56],
                        kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]), None))
    out.append(("avgpool3x3s1_64x56x56",
                _single("AveragePool", [("x", [1, 64, 56, 56])], [1, 64, 56, 56],
                        kernel_shape=[3, 3], pads=[1, 1, 1, 1]), None))
    out.append(("globalavgpool_512x7x7",
                _single("GlobalAveragePool", [("x", [1, 512, 7, 7])], [1, 512, 1, 1]), None))
    out.append(("add_1M", _single("Add", [("a", [1024, 1024]), ("b", [1024, 1024])],
                                  [1024, 1024]), 1024 * 1024))
    out.append(("softmax_512x1024", _single("Softmax", [("x", [512, 1024])], [512, 1024],
                                            axis=-1), None))
    for op in ("Exp", "Tanh", "Erf"):  # transcendental throughput (aic-math-approximate)
        out.append((f"{op.lower()}_1M", _single(op, [("x", [1024, 1024])], [1024, 1024]), None))
    out.append(("softmax_12x197x197", _single("Softmax", [("x", [12, 197, 197])], [12, 197, 197],
                                              axis=-1), None))
    return out


def model_cases():
    return [(name, make(), None) for name, make in models.ALL.items()
            if not name.startswith("symbolic")]


def measure(name: str, model: onnx.ModelProto, flops, runs: int, threads: int) -> dict:
    compiled = aic.compile(model, threads=threads)
    rng = np.random.default_rng(0)
    feed = {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}
    session = onnxruntime_session(model.SerializeToString(), threads=threads)
    aic_t = benchmark(lambda: compiled(**feed), runs)
    ort_t = benchmark(lambda: session.run(None, feed), runs)
    row = {"name": name, "aic_ms": aic_t.median_ms, "ort_ms": ort_t.median_ms,
           "ratio": ort_t.median_ms / aic_t.median_ms,
           "gflops": flops / aic_t.median_ms / 1e6 if flops else None}
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--json", metavar="OUT")
    p.add_argument("--only", help="comma-separated case names")
    p.add_argument("--threads", type=int, default=None,
                   help="threads for aic and onnxruntime (default: $AIC_NUM_THREADS, else all)")
    args = p.parse_args(argv)
    from aic.compiler.openmp import thread_count
    from aic.targets import with_cores
    from aic.targets.cpu import host

    threads = thread_count(args.threads) or host().cores
    target = with_cores(host(), threads)
    print(f"machine: {target.isa}, {host().cores} cores; {threads} threads (aic and onnxruntime), "
          f"peak ~{target.peak_gflops:.0f} GFLOP/s (f32 FMA estimate)")
    cases = kernels() + model_cases()
    if args.only:
        wanted = set(args.only.split(","))
        cases = [c for c in cases if c[0] in wanted]
    rows = []
    print(f"{'name':<28} {'aic ms':>10} {'ort ms':>10} {'ort/aic':>8} {'GFLOP/s':>8} {'% peak':>7}")
    for name, model, flops in cases:
        try:
            row = measure(name, model, flops, args.runs, threads)
        except aic.AicError as e:
            print(f"{name:<28} error: {e}")
            continue
        rows.append(row)
        g = row["gflops"]
        gtxt = f"{g:8.1f} {100 * g / target.peak_gflops:6.1f}%" if g else f"{'-':>8} {'-':>7}"
        print(f"{name:<28} {row['aic_ms']:10.3f} {row['ort_ms']:10.3f} {row['ratio']:8.2f} {gtxt}",
              flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": target.__dict__, "rows": rows}, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
