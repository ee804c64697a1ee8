"""Compare aic with onnxruntime on the same inputs, in the same run, at the same thread count.

    python -m benchmarks.run [--threads 1,2] [--only GLOB,...] [--runs N] [--quick] [--json OUT]

Cases are the kernels of ``benchmarks.kernels`` and the realistic models of
``benchmarks.models``, and its dynamic rows (``DYNAMIC_MODELS``: a model with dynamic axes
compiled once without input shapes, timed at the row's shapes next to the same model
specialised to them: ``spec_ms``, ``dyn_over_spec``). Per case and thread count: aic compiles
the model (``compile_s``; its peak resident memory, ``compile_mb``: ``benchmarks.memory``),
then aic is warmed up and timed, then onnxruntime (its session is created only then: its
spinning workers would take a core from aic's threads) on the same inputs, and the
medians are reported with ``ratio = ort_ms / aic_ms`` (above 1: aic is faster), GFLOP/s and %
of the peak of the cores used (FLOPs counted by ``aic.frontend.onnx.flops``), and ``rel_err`` (max
|aic - ort| / max |ort| over the outputs). A case aic cannot compile becomes an error row.
docs/benchmarks.md explains every column.
"""

from __future__ import annotations

import argparse
import fnmatch
import inspect
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import aic
from aic.runner import onnxruntime_session, random_input
from benchmarks import kernels, models
from benchmarks.memory import PeakMemory
from benchmarks.peak import measured_gflops_per_core
from aic.frontend.onnx.flops import count_flops

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = "{:<30} {:>3} {:>10} {:>10} {:>7} {:>8} {:>6} {:>8} {:>7}"


@dataclass(frozen=True)
class Settings:
    runs: int  # timed calls per side at most
    min_runs: int  # timed calls per side at least
    warmup: int  # untimed calls per side first
    budget_s: float  # timed seconds per case (both sides) to aim for, within the run limits
    quick: bool


@dataclass
class Row:
    name: str
    kind: str  # "kernel" or "model"
    threads: int
    aic_ms: float | None = None
    ort_ms: float | None = None
    ratio: float | None = None
    gflops: float | None = None
    pct_peak: float | None = None
    compile_s: float | None = None
    compile_mb: float | None = None  # peak resident memory of the compile (benchmarks.memory)
    flops: int | None = None
    runs: int | None = None
    aic_min_ms: float | None = None
    ort_min_ms: float | None = None
    rel_err: float | None = None
    spec_ms: float | None = None  # "dynamic" rows: the artifact specialised to the call shapes
    dyn_over_spec: float | None = None  # "dynamic" rows: aic_ms / spec_ms (goal: <= 1.3)
    error: str | None = None


def aic_accepts_threads() -> bool:
    """Whether ``aic.compile`` takes ``threads=`` (``aic.compile`` itself forwards
    ``**options`` to ``aic.api.compile``, whose signature tells)."""
    from aic import api

    return "threads" in inspect.signature(api.compile).parameters


def cases(quick: bool) -> list[tuple[str, str, object]]:
    """(name, kind, maker) for every kernel and model; ``quick`` builds models smaller."""
    out = [(name, "kernel", make) for name, make in kernels.KERNELS.items()]
    out += [(name, "model", lambda n=name: models.build(n, quick)) for name in models.MODELS]
    out += [(name, "dynamic", lambda n=name: models.build(n, quick))
            for name in models.DYNAMIC_MODELS]
    return out


def select(all_cases, only: str | None):
    if not only:
        return all_cases
    patterns = only.split(",")
    chosen = [c for c in all_cases if any(fnmatch.fnmatchcase(c[0], p) for p in patterns)]
    if not chosen:
        raise SystemExit(f"--only {only}: no case matches; cases: "
                         + ", ".join(c[0] for c in all_cases))
    return chosen


def _compile(model, threads: int, **extra):
    from aic import api

    options = {"threads": threads, **extra} if aic_accepts_threads() else dict(extra)
    if "cache" in inspect.signature(api.compile).parameters:
        options["cache"] = False  # the compile time of a real compile, not of a cache hit
    start = time.perf_counter()
    with PeakMemory() as peak:
        compiled = aic.compile(model, **options)
    return compiled, time.perf_counter() - start, peak.mb


def _rel_err(ours, reference) -> float:
    worst = 0.0
    for a, r in zip(ours, reference):
        r = np.asarray(r, np.float64)
        scale = float(np.max(np.abs(r))) if r.size else 0.0
        diff = float(np.max(np.abs(np.asarray(a, np.float64) - r))) if r.size else 0.0
        worst = max(worst, diff / scale if scale > 0 else diff)
    return worst


def _time_block(call, settings: Settings) -> list[float]:
    """Warm ``call`` up, then time it; the number of timed calls follows half the budget,
    within [min_runs, runs]. Milliseconds per call."""
    for _ in range(settings.warmup):
        call()
    start = time.perf_counter()
    call()
    per_call = time.perf_counter() - start
    runs = max(settings.min_runs, min(settings.runs, int(settings.budget_s / 2 / per_call)))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return times


def measure(row: Row, model, settings: Settings) -> None:
    """Fill ``row``'s timings; raises what aic or onnxruntime raise. A "dynamic" row times
    the model compiled without input shapes, called at its row's shapes, and the same model
    specialised to those shapes."""
    compiled, row.compile_s, row.compile_mb = _compile(model, row.threads)
    rng = np.random.default_rng(0)
    if row.kind == "dynamic":
        shapes = models.call_shapes(row.name, settings.quick)
        specialised = _compile(model, row.threads, input_shapes=shapes)[0]
        feed = {t.name: random_input(tuple(shapes[t.name]), t.dtype, rng)
                for t in specialised.inputs}
        specialised(**feed)
        row.spec_ms = statistics.median(_time_block(lambda: specialised(**feed), settings))
        del specialised
    else:
        feed = {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}
    # aic is timed before onnxruntime's session exists: its intra-op workers keep spinning
    # between calls and, on 2 cores, took the second core from aic's threads (measured: a
    # 2-thread conv at 7.5 ms with an idle session in the process, 4.7 ms without spinning)
    ours = compiled(**feed)
    aic_t = _time_block(lambda: compiled(**feed), settings)
    session = onnxruntime_session(model.SerializeToString(), threads=row.threads)
    row.rel_err = _rel_err(ours, session.run(None, feed))
    ort_t = _time_block(lambda: session.run(None, feed), settings)
    row.runs = min(len(aic_t), len(ort_t))
    row.aic_ms, row.ort_ms = statistics.median(aic_t), statistics.median(ort_t)
    row.aic_min_ms, row.ort_min_ms = min(aic_t), min(ort_t)
    row.ratio = row.ort_ms / row.aic_ms
    if row.spec_ms:
        row.dyn_over_spec = row.aic_ms / row.spec_ms


def run_case(name: str, kind: str, model, flops, threads: int, settings: Settings,
             peak_per_core: float) -> Row:
    row = Row(name, kind, threads, flops=flops)
    try:
        measure(row, model, settings)
    except aic.AicError as e:
        row.error = _one_line(str(e))
    except Exception as e:  # noqa: BLE001 - a crash in one case must not end the run
        row.error = _one_line(f"internal error: {type(e).__name__}: {e}")
    if row.error is None and flops:
        row.gflops = flops / row.aic_ms / 1e6
        row.pct_peak = 100 * row.gflops / (peak_per_core * threads)
    return row


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else text


def geomeans(rows: list[Row]) -> dict[str, dict[str, float]]:
    """Geometric mean of the ratio per kind and thread count, over the rows that ran."""
    out: dict[str, dict[str, float]] = {}
    for kind in ("kernel", "model"):
        for threads in sorted({r.threads for r in rows}):
            ratios = [r.ratio for r in rows if r.kind == kind and r.threads == threads and r.ratio]
            if ratios:
                out.setdefault(kind, {})[str(threads)] = math.exp(
                    statistics.fmean(math.log(x) for x in ratios))
    return out


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_row(row: Row) -> None:
    if row.error is not None:
        print(f"{row.name:<30} {row.threads:>3} error: {row.error}", flush=True)
        return
    print(COLUMNS.format(row.name, row.threads, _fmt(row.aic_ms, ".3f"), _fmt(row.ort_ms, ".3f"),
                         _fmt(row.ratio, ".2f"), _fmt(row.gflops, ".1f"),
                         _fmt(row.pct_peak, ".1f"), _fmt(row.compile_s, ".1f"),
                         _fmt(row.compile_mb, ".0f"))
          + (f"  specialised {row.spec_ms:.3f} ms, dynamic/specialised {row.dyn_over_spec:.2f}"
             if row.spec_ms else ""), flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks.run",
                                description=__doc__.splitlines()[0])
    p.add_argument("--threads", default="1,2",
                   help="comma-separated thread counts, each run by aic and onnxruntime "
                        "(default 1,2)")
    p.add_argument("--only", metavar="GLOB,...",
                   help="case names or glob patterns, e.g. 'matmul_*,resnet18_224'")
    p.add_argument("--runs", type=int, help="timed calls per side at most (default 20; "
                                            "--quick: 3)")
    p.add_argument("--budget", type=float, default=4.0,
                   help="timed seconds per case, aic and onnxruntime together, to aim for "
                        "(default 4)")
    p.add_argument("--quick", action="store_true",
                   help="smaller models (see benchmarks.models.MODELS), 1 warm-up, 3 runs")
    p.add_argument("--json", metavar="OUT", help="write the machine, rows and geomeans here")
    p.add_argument("--list", action="store_true", help="print the case names and exit")
    p.add_argument("--in-process", action="store_true",
                   help="run every case in this process (default: one child process per case "
                        "and thread count, so that a crash in one case cannot end the run)")
    p.add_argument("--case", help=argparse.SUPPRESS)  # a child's one case: prints its row
    p.add_argument("--peak", type=float, help=argparse.SUPPRESS)  # the parent's, per core
    return p.parse_args(argv)


def settings_from(args) -> Settings:
    if args.quick:
        return Settings(args.runs or 3, 1, 1, min(args.budget, 1.0), True)
    return Settings(args.runs or 20, min(5, args.runs or 5), 2, args.budget, False)


def thread_counts(text: str, note) -> list[int]:
    counts = sorted({int(t) for t in text.split(",") if t.strip()})
    if any(t < 1 for t in counts):
        raise SystemExit(f"--threads {text}: thread counts must be >= 1")
    if not aic_accepts_threads() and counts != [1]:
        note("aic.compile has no threads= parameter yet: aic runs single-threaded, so only "
             "1-thread rows are measured")
        counts = [1]
    return counts


def peak_per_core(target) -> tuple[float, str]:
    """The %peak yardstick: the FMA peak measured on this core (``benchmarks.peak``), else
    (no C compiler) the target's nominal estimate; and which one it is."""
    try:
        return measured_gflops_per_core(target.vector_bits), "measured FMA loop"
    except aic.AicError:
        return target.peak_gflops / target.cores, "nominal estimate: no C compiler to measure"


def machine(target) -> dict:
    info = dict(vars(target))
    info["peak_gflops_per_core"], info["peak_source"] = peak_per_core(target)
    info["nominal_peak_gflops_per_core"] = target.peak_gflops / target.cores
    info["loadavg_start"] = os.getloadavg()
    info["aic_threads_parameter"] = aic_accepts_threads()
    return info


def run_isolated(name: str, kind: str, threads: int, args) -> Row:
    """The row of one case at one thread count, measured by a child process."""
    cmd = [sys.executable, "-m", "benchmarks.run", "--case", name, "--threads", str(threads),
           "--budget", str(args.budget)]
    cmd += ["--runs", str(args.runs)] if args.runs else []
    cmd += ["--peak", str(args.peak)] if args.peak else []
    cmd += ["--quick"] if args.quick else []
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        try:
            return Row(**json.loads(proc.stdout.splitlines()[-1]))
        except (IndexError, ValueError, TypeError):
            how = "wrote no row"
    else:
        how = (f"died from {signal.Signals(-proc.returncode).name}" if proc.returncode < 0
               else f"exited with status {proc.returncode}")
    lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()]
    # a signal: the first line of the crash report; an exit status: the exception's line
    cause = (lines[0] if proc.returncode < 0 else lines[-1]) if lines else "no message"
    return Row(name, kind, threads, error=_one_line(f"internal error: the benchmark process "
                                                    f"{how}: {cause}"))


def measure_cases(chosen, counts: list[int], args, settings: Settings, peak: float):
    """Yield the rows, one per case and thread count, as they are measured."""
    for name, kind, make in chosen:
        if not args.in_process:
            for threads in counts:
                yield run_isolated(name, kind, threads, args)
            continue
        model = make()
        flops = None if kind == "dynamic" else count_flops(model)
        for threads in counts:
            yield run_case(name, kind, model, flops, threads, settings, peak)


def child_main(args, settings: Settings, peak: float) -> int:
    """``--case NAME``: measure one case at one thread count, print its row as JSON."""
    found = [c for c in cases(settings.quick) if c[0] == args.case]
    if not found:
        raise SystemExit(f"no benchmark case '{args.case}' (see --list)")
    ((name, kind, make),) = found
    model = make()
    flops = None if kind == "dynamic" else count_flops(model)
    row = run_case(name, kind, model, flops, int(args.threads), settings, peak)
    print(json.dumps(asdict(row)))
    return 0


def main(argv=None) -> int:
    from aic.targets.cpu import host

    args = parse_args(argv)
    settings = settings_from(args)
    target = host()
    if args.case:
        return child_main(args, settings, args.peak or peak_per_core(target)[0])
    notes: list[str] = []
    counts = thread_counts(args.threads, notes.append)
    chosen = select(cases(settings.quick), args.only)
    if args.list:
        print("\n".join(name for name, _, _ in chosen))
        return 0
    info = machine(target)
    args.peak = info["peak_gflops_per_core"]
    print(f"machine: {target.isa}, {target.cores} cores at {target.freq_ghz} GHz, peak "
          f"{info['peak_gflops_per_core']:.0f} GFLOP/s per core ({info['peak_source']}; "
          f"nominal {info['nominal_peak_gflops_per_core']:.0f}), "
          f"load average {info['loadavg_start'][0]:.1f}")
    for text in notes:
        print(f"note: {text}")
    print(COLUMNS.format("name", "thr", "aic ms", "ort ms", "ort/aic", "GFLOP/s", "%peak",
                         "compile", "MB"))
    rows = []
    for row in measure_cases(chosen, counts, args, settings, info["peak_gflops_per_core"]):
        rows.append(row)
        print_row(row)
    summary = geomeans(rows)
    for kind, per_threads in summary.items():
        for threads, value in per_threads.items():
            group = [r for r in rows if r.kind == kind and r.threads == int(threads)]
            ran = sum(r.error is None for r in group)
            print(f"geomean ort/aic, {kind}s at {threads} thread(s): {value:.3f} "
                  f"(over {ran} of {len(group)} rows; error rows left out)")
    info["loadavg_end"] = os.getloadavg()
    if args.json:
        report = {"machine": info, "settings": asdict(settings), "notes": notes,
                  "rows": [asdict(r) for r in rows], "geomean": summary}
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
