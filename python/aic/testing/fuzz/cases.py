"""What one fuzz case does (run inside a worker process, see ``pool``) and how it is judged.

Statuses: ``ok`` (compiled/ran and agreed with onnxruntime), ``unchecked`` (ran, but
onnxruntime refuses the model: nothing to compare), ``big`` (compiled, too large to run
here), ``error`` (a clean ``AicError``, or a one-line CLI error) -- all fine; and the bugs:
``escaped`` (another exception, or a CLI ``internal error``), ``wrong`` (an answer that
differs from onnxruntime or from the unmutated input's answer), ``crash`` and ``hang``
(decided by the pool). ``stage(name)`` tells the pool what is running, so that a crash of
onnxruntime (the reference) is not blamed on aic.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import numpy as np

BIG = 1 << 24  # elements: inputs/outputs larger than this are compiled but not run
FINE = {"ok", "unchecked", "big", "error"}


def first_line(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"[:300]


def close(got: np.ndarray, want: np.ndarray) -> bool:
    """Same shape and dtype, values within float32 round-off of each other (NaN == NaN)."""
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape or got.dtype != want.dtype:
        return False
    if got.dtype == np.bool_ or np.issubdtype(got.dtype, np.integer):
        return bool(np.array_equal(got, want))
    finite = np.abs(want[np.isfinite(want)])
    scale = float(finite.max()) if finite.size else 0.0
    return bool(np.allclose(got, want, rtol=1e-3, atol=1e-4 * (1.0 + scale), equal_nan=True))


def reference(path: str, inputs: dict, stage) -> list | None:
    """onnxruntime's outputs, or None when onnxruntime refuses the model or the inputs."""
    stage("onnxruntime")
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.intra_op_num_threads = 1
    try:
        session = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        return session.run(None, inputs)
    except Exception:  # noqa: BLE001 - any refusal by the reference: nothing to compare
        return None


def run_onnx(model_bytes: bytes, stage) -> tuple[str, str]:
    """A (mutated) model through ``aic.compile``, run, compared with onnxruntime."""
    import aic
    from aic import runner

    with tempfile.TemporaryDirectory(prefix="aic-fuzz-") as tmp:
        path = os.path.join(tmp, "case.onnx")
        with open(path, "wb") as f:
            f.write(model_bytes)
        stage("compile")
        try:
            model = aic.compile(path, threads=1)
        except aic.AicError as e:
            return "error", first_line(e)
        sizes = [int(np.prod(t.shape)) for t in [*model.inputs, *model.outputs]]
        if any(s > BIG for s in sizes):
            return "big", f"{max(sizes)} elements"
        inputs = runner.make_inputs(model, {})
        stage("run")
        try:
            outputs = model(**inputs)
        except aic.AicError as e:
            return "escaped", f"the compiled model refused generated inputs: {first_line(e)}"
        want = reference(path, inputs, stage)
    if want is None:
        return "unchecked", ""
    for name, got, ref in zip(model.output_names, outputs, want):
        if not close(got, ref):
            return "wrong", f"output '{name}' differs from onnxruntime"
    return "ok", ""


def run_cli(model_bytes: bytes, stage) -> tuple[str, str]:
    """A (mutated) model through the real ``aic-compile`` (crash-guarded, as users run it)."""
    with tempfile.TemporaryDirectory(prefix="aic-fuzz-") as tmp:
        path, out = os.path.join(tmp, "case.onnx"), os.path.join(tmp, "case.so")
        with open(path, "wb") as f:
            f.write(model_bytes)
        env = {k: v for k, v in os.environ.items() if k != "AIC_UNGUARDED"}
        stage("aic-compile")
        proc = subprocess.run([sys.executable, "-m", "aic.tools.compile", path, "-o", out,
                               "--threads", "1"], capture_output=True, text=True, env=env,
                              timeout=300, check=False)
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 0:
            return ("ok", "") if os.path.isfile(out) else ("escaped", "exit 0, no library")
        if "internal compiler error" in proc.stderr:
            return "crash", lines[-1][:300]
        if "internal error" in proc.stderr or "Traceback" in proc.stderr:
            return "escaped", (lines[-1] if lines else "")[:300]
        if proc.returncode == 1 and len(lines) == 1 and lines[0].startswith("aic-compile: error:"):
            return "error", lines[0][:300]
        return "escaped", f"exit {proc.returncode}: {' | '.join(lines)[:300]}"


STAGES = ",".join(f"aic-stage-{level}" for level in
                  ("graph", "linalg", "tiled", "hw", "vector", "llvm"))


def run_opt(text: str, verify: bool, stage) -> tuple[str, str]:
    """Mutated graph-level MLIR through the real ``aic-opt`` (crash-guarded) and every stage
    down to LLVM; with ``verify`` False, ``--no-verify-aic``: aic's passes must still fail
    cleanly. An abort that parsing alone reproduces (MLIR's parser or its own verifier) is
    ``upstream-abort``, listed apart."""
    with tempfile.TemporaryDirectory(prefix="aic-fuzz-") as tmp:
        path = os.path.join(tmp, "case.mlir")
        with open(path, "w") as f:
            f.write(text)
        stage("aic-opt")
        proc = _opt(path, ["-p", STAGES, *([] if verify else ["--no-verify-aic"])])
        lines = proc.stderr.strip().splitlines()
        last = (lines[-1] if lines else "")[:300]
        if proc.returncode == 0:
            return "ok", ""
        if "internal compiler error" in proc.stderr:  # in MLIR's parser, or in a pass?
            parse_only = _opt(path, ["--no-verify-aic"])
            upstream = "internal compiler error" in parse_only.stderr
            return ("upstream-abort" if upstream else "crash"), last
    if "internal error" in proc.stderr or "Traceback" in proc.stderr:
        return "escaped", last
    return ("error", last) if proc.returncode == 1 else ("escaped", f"exit {proc.returncode}")


def _opt(path: str, flags: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "AIC_UNGUARDED"}
    return subprocess.run([sys.executable, "-m", "aic.tools.opt", path, *flags,
                           "-o", os.devnull], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
