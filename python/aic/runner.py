"""What ``aic-run`` does, as a library: get inputs, run, time, compare with onnxruntime.

``make_inputs`` fills missing inputs with deterministic random data (seed 0) of the right
shape and dtype; ``benchmark`` times N runs after warm-up and reports median and minimum;
``compare_onnxruntime`` runs the same inputs through onnxruntime and reports the maximum
absolute and relative differences per output.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from aic.compiler.driver import parse_shape  # noqa: F401  (re-exported for the tools)
from aic.errors import AicError, InputError

UNREADABLE = Exception
"""What numpy's readers raise for a missing, truncated or corrupt .npy/.npz file: OSError,
ValueError, EOFError, zipfile.BadZipFile, zlib.error, tokenize.TokenError (a mangled header),
... -- any failure while reading the file means the file cannot be read."""


def random_input(shape, dtype, rng: np.random.Generator) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer) or dtype.name in _SUB_BYTE_INTS:
        return rng.integers(0, 2 if dtype.name in ("int2", "uint2") else 4,
                            size=shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


_SUB_BYTE_INTS = ("int4", "uint4", "int2", "uint2")


def make_inputs(model, given: dict[str, np.ndarray], seed: int = 0,
                shapes: dict[str, list[int]] | None = None) -> dict[str, np.ndarray]:
    """The model's inputs: ``given`` ones, the others random (seed ``seed``). A random input
    with dynamic dims takes its shape from ``shapes`` (``--input-shape``), else each dynamic
    dim from a given input's dim of the same name (issue 10)."""
    unknown = sorted(set(given) - set(model.input_names))
    if unknown:
        raise InputError(f"unknown input(s) {unknown}; the model's inputs are {model.input_names}")
    shapes = {k: tuple(v) for k, v in (shapes or {}).items()}
    unknown = sorted(set(shapes) - set(model.input_names))
    if unknown:
        raise InputError(f"--input-shape for unknown input(s) {unknown}; the model's inputs are "
                         f"{model.input_names}")
    named = _named_sizes(model.inputs, {**shapes, **{k: v.shape for k, v in given.items()}})
    rng = np.random.default_rng(seed)
    out = {}
    for info in model.inputs:
        out[info.name] = given[info.name] if info.name in given else random_input(
            shapes.get(info.name) or _random_shape(info, named), info.dtype, rng)
    return out


def _named_sizes(inputs, known: dict[str, tuple]) -> dict[str, int]:
    """Dim name -> size, from the inputs whose shapes are ``known``."""
    sizes = {}
    for info in inputs:
        shape = known.get(info.name)
        if shape is None or len(shape) != len(info.shape):
            continue
        for d, size in enumerate(shape):
            if info.shape[d] < 0 and info.dim_name(d):
                sizes.setdefault(info.dim_name(d), size)
    return sizes


def _random_shape(info, named: dict[str, int]) -> tuple[int, ...]:
    shape = []
    for d, size in enumerate(info.shape):
        if size < 0:
            size = named.get(info.dim_name(d), -1)
            if size < 0:
                raise InputError(f"input '{info.name}' has dynamic dims ({info.describe()}): "
                                 f"give its shape (--input-shape {info.name}=D0x...) or its "
                                 "data (--input/--inputs)")
        shape.append(size)
    return tuple(shape)


def load_npz(path: str) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except UNREADABLE as e:
        raise AicError(f"cannot read inputs from '{path}': {e}") from None


def save_npz(path: str, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as an ``.npz`` archive at exactly ``path`` (numpy would add ``.npz``
    to a name given as a string)."""
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load_npy(spec: str) -> tuple[str, np.ndarray]:
    name, eq, path = spec.partition("=")
    if not eq:
        raise AicError(f"bad --input '{spec}': expected NAME=FILE.npy")
    try:
        return name, np.load(path, allow_pickle=False)
    except UNREADABLE as e:
        raise AicError(f"cannot read '{path}': {e}") from None


def input_values(model: str, specs: list[str], input_shapes: dict | None = None
                 ) -> dict[str, np.ndarray]:
    """``--input-value NAME=FILE.npy`` or ``NAME=[1,2,3]`` / ``NAME=3`` (a literal, given the
    graph input's dtype and, when the count matches, its shape) -> ``{name: array}``: values
    that fix inputs deciding shapes (they become constants)."""
    from aic.frontend.onnx.loader import runtime_inputs

    if specs and not model.endswith(".onnx"):
        raise AicError("--input-value applies to an ONNX model")
    declared = {name: (shape, dtype) for name, shape, dtype in
                runtime_inputs(model, input_shapes)} if specs else {}
    values = {}
    for spec in specs:
        name, eq, text = spec.partition("=")
        if not eq or not name or not text:
            raise AicError(f"bad --input-value '{spec}': expected NAME=FILE.npy or NAME=[v0,...]")
        if name not in declared:
            raise AicError(f"--input-value names unknown input '{name}'; the graph inputs are "
                           f"{sorted(declared)}")
        values[name] = _value(name, text, *declared[name])
    return values


def _value(name: str, text: str, shape, dtype) -> np.ndarray:
    import ast

    if text.endswith(".npy"):
        array = load_npy(f"{name}={text}")[1]
    else:
        try:
            array = np.asarray(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            raise AicError(f"bad --input-value {name}={text}: not a .npy file or a literal "
                           "list of numbers") from None
        if array.dtype.kind not in "biuf":
            raise AicError(f"bad --input-value {name}={text}: not numbers")
        array = array.astype(dtype)
        if array.size == int(np.prod(shape)):
            array = array.reshape(shape)
    if tuple(array.shape) != tuple(shape) or array.dtype != dtype:
        raise AicError(f"--input-value {name}: {array.dtype}{list(array.shape)}, the model "
                       f"declares {np.dtype(dtype)}{list(shape)}")
    return array


@dataclass
class Timing:
    runs: int
    median_ms: float
    min_ms: float


def benchmark(fn, runs: int, warmup: int = 3) -> Timing:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return Timing(len(times), statistics.median(times), min(times))


def onnxruntime_session(path: str, threads: int | None = None):
    try:
        import onnxruntime as ort
    except ImportError:
        raise AicError("onnxruntime is not installed (pip install 'aic[test]')") from None
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    if threads:
        opts.intra_op_num_threads = threads
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def compare_onnxruntime(path: str, inputs: dict[str, np.ndarray], outputs: dict[str, np.ndarray],
                        threads: int | None = None):
    """Per output: (name, max abs error, max rel error) against onnxruntime (on ``threads``)."""
    session = onnxruntime_session(path, threads=threads)
    names = [o.name for o in session.get_outputs()]
    feed = {i.name: inputs[i.name] for i in session.get_inputs() if i.name in inputs}
    narrow = [name for name, a in feed.items() if a.dtype.kind == "V"]  # ml_dtypes' types
    if narrow:
        raise AicError(f"onnxruntime's Python API takes no {feed[narrow[0]].dtype} arrays "
                       f"(input '{narrow[0]}'): compare without --compare-onnxruntime")
    reference = dict(zip(names, session.run(names, feed)))
    rows = []
    for name, value in outputs.items():
        ref = np.asarray(reference[name])
        if value.dtype == np.bool_ or ref.dtype == np.bool_:
            diff = float(np.count_nonzero(value != ref))
            rows.append((name, diff, diff))
            continue
        err = np.abs(value.astype(np.float64) - ref.astype(np.float64))
        abs_err = float(err.max()) if err.size else 0.0
        rel = err / np.maximum(np.abs(ref.astype(np.float64)), 1e-12)
        rows.append((name, abs_err, float(rel.max()) if rel.size else 0.0))
    return rows, session


def summarize(array: np.ndarray, count: int = 6) -> str:
    flat = array.reshape(-1)
    head = ", ".join(f"{v:.6g}" if np.issubdtype(flat.dtype, np.floating) else str(v)
                     for v in flat[:count])
    more = ", ..." if flat.size > count else ""
    return f"shape={tuple(array.shape)} dtype={array.dtype} [{head}{more}]"


def profile(model, inputs: dict[str, np.ndarray], calls: int, source: str | None = None) -> str:
    """Run ``model`` (compiled with ``profile=True``) ``calls`` times; the per-kernel table.
    FLOPs come from the ONNX model at ``source`` (when it is one), the peak from the host's
    description at the model's thread count."""
    from aic import targets
    from aic.runtime.profile import format_report

    if model.profiler is None:
        raise AicError("the model was not compiled with profile=True")
    flops = None
    if source is not None and source.endswith(".onnx"):
        import onnx

        from aic.frontend.onnx.flops import node_flops

        flops = node_flops(onnx.load(source))
    host = targets.host()
    cores = model.threads or host.cores
    peak = host.peak_gflops * cores / host.cores
    model.profiler.reset()
    for _ in range(calls):
        model(**inputs)
    return format_report(model.profiler.report(calls, flops, peak), calls)
