"""ONNX node-test conformance: run ONNX's own node cases through ``aic.compile``.

The cases come from the installed onnx package (``collect_testcases``). A case is *claimed*
when every op of its graph has an importer handler at the case's opset and every element
type of its inputs, outputs, Cast targets and constants is one the importer maps -- the
importer's registry and dtype table are the claim, so claim and test cannot drift apart.
Each claimed case is compiled and run on its data sets in a worker process (a crash or a
hang costs one case, not the run) and compared at the case's tolerance. Expected failures are
listed in ``conformance_xfail.XFAIL`` with their reasons.

Two columns: **as given** (the headline) feeds every graph input at run time, exactly as the
case gives it -- ``aic.compile`` itself decides how to handle inputs that decide shapes (it
specialises on their values, ``aic.runtime.specialize``); **inputs frozen** compiles again,
where the first column does not pass, with such inputs frozen into constants (what a user
can do by hand with ``constants=``). A claimed case that ends ``unsupported`` counts as a
failure: the importer claimed it.

    python -m aic.testing.conformance [-j N] [--ops Add,Conv] [-k REGEX] [--per-op N] [--json OUT]
                                      [--target cpu|cuda] [--verbose]

prints a per-op table and the totals of both columns (passed / failed / unsupported /
xfailed / xpassed / crashed / hung, of all ONNX node cases); exit 1 if a claimed case did
not pass as given and is not an expected failure.

``--target cuda`` runs every case through the CUDA mapping, emulated on the CPU
(``aic.compile(model, target="cuda", emulate=True, gpu_precision="f32")``: the same kernels,
blocks, threads and tensor-core tile order, at f32 so the cases' tolerances apply): it checks
that every op the CPU path supports also compiles and computes right on the CUDA path.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pickle
import re
import select
import struct
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass

CASE_TIMEOUT_S = 120

TARGETS = {"cpu": {}, "cuda": {"target": "cuda", "emulate": True, "gpu_precision": "f32"}}
"""``--target`` -> the ``aic.compile`` options every case is compiled with."""


@dataclass
class Outcome:
    name: str
    op: str
    status: str  # as given: passed | failed | xfailed | xpassed | unsupported | crashed | hung
    detail: str = ""
    frozen: str = ""  # the same with shape-deciding inputs frozen into constants
    frozen_detail: str = ""


def all_cases():
    import onnx.backend.test.case.node as node_cases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(node_cases.collect_testcases(None))


def _ops_of(model) -> list[str]:
    ops = []

    def visit(graph):
        for n in graph.node:
            ops.append(n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}.{n.op_type}")
            for a in n.attribute:
                if a.g is not None and a.g.node:
                    visit(a.g)
    visit(model.graph)
    return ops


def _opset(model) -> int:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 1)


def primary_op(case) -> str:
    """The op a case tests: its single op, or for expanded cases the op named by the case --
    the longest ONNX op name the case name starts with (``test_affine_grid_2d_expanded``:
    AffineGrid, though its function body holds no AffineGrid node), else one of its ops
    named in the case name."""
    ops = set(_ops_of(case.model))
    if len(ops) == 1:
        return ops.pop()
    name = re.sub(r"_expanded(_ver\d+)?$", "", case.name.lower()).replace("_", "")
    prefixed = [o for o in _onnx_op_names() | ops  # LessOrEqual's cases: test_less_equal_*
                if name.startswith("test" + o.lower().replace("orequal", "equal"))]
    if prefixed:
        return max(prefixed, key=lambda o: (len(o), o))
    named = [o for o in ops if o.lower() in name]
    return max(named, key=len) if named else sorted(ops)[0]


@functools.cache
def _onnx_op_names() -> frozenset[str]:
    import onnx.defs

    return frozenset(s.name for s in onnx.defs.get_all_schemas_with_history()
                     if s.domain in ("", "ai.onnx"))


def _types_of(model) -> list[int | None]:
    """ONNX element types of the graph's inputs and outputs and of Cast targets and Constant
    values (None: a value that is not a tensor -- a sequence, map or optional)."""
    g = model.graph
    types = [v.type.tensor_type.elem_type if v.type.HasField("tensor_type") else None
             for v in [*g.input, *g.output]]
    for node in g.node:
        for a in node.attribute:
            if a.name == "to" and node.op_type == "Cast":
                types.append(a.i)
            elif a.type == a.TENSOR:
                types.append(a.t.data_type)
    return types


def _supported_type(elem_type: int | None) -> bool:
    import numpy as np
    import onnx.helper

    from aic.frontend.onnx.tensors import supported_dtypes

    try:
        return np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type)) in supported_dtypes()
    except (KeyError, TypeError):
        return False


def claimed(case) -> bool:
    """Every op has a handler at the case's opset and every element type an MLIR type."""
    from aic.frontend.onnx.registry import lookup

    version = _opset(case.model)
    return (all(lookup(op, version) is not None for op in _ops_of(case.model))
            and all(_supported_type(t) for t in _types_of(case.model)))


# ---------------------------------------------------------------------------------------------
# Worker side: compile and run one case, as given and with shape-deciding inputs frozen


_COMPILE_TIME = re.compile(r"\(input \d+, '([^']+)'\) must be known at compile time")


def _graph_inputs(model) -> list[str]:
    inits = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in inits]


def _freeze_more(message: str, names: list[str], values: dict, frozen: dict) -> dict:
    """Inputs to freeze after a compile error asking for compile-time values (see below)."""
    m = _COMPILE_TIME.search(message)
    if m and m.group(1) in values and m.group(1) not in frozen:
        return {m.group(1): values[m.group(1)]}
    if "compile time" in message or "shape" in message:
        return {n: values[n] for n in names[1:]
                if n not in frozen and values[n].dtype.kind in "iu"}
    return {}


def compile_frozen(model, values: dict, options: dict | None = None):
    """The second column: compile a case with shape-like inputs (axes, pads, shapes,
    repeats...) frozen into constants whenever the compile asks for compile-time values --
    what a user does by hand with ``constants=``. Data inputs stay runtime inputs."""
    import aic

    names, frozen = _graph_inputs(model), {}
    while True:
        try:
            return aic.compile(model, constants=frozen or None, **(options or {})), frozen
        except (aic.UnsupportedError, aic.ModelFormatError) as e:
            more = _freeze_more(str(e), names, values, frozen)
            if not more:
                raise
            frozen.update(more)


def _array(value):
    """A case's input or expected output as numpy (some cases store ``TensorProto``s)."""
    import onnx.numpy_helper

    if isinstance(value, onnx.TensorProto):
        return onnx.numpy_helper.to_array(value)
    return value


def _compare(outputs, expected, rtol: float, atol: float) -> str | None:
    """Why ``outputs`` differ from ``expected`` (None: they match)."""
    import numpy as np

    if len(outputs) != len(expected):
        return f"{len(outputs)} outputs, expected {len(expected)}"
    for got, want in zip(outputs, expected):
        want = np.asarray(want)
        if got.shape != want.shape:
            return f"shape {got.shape} != expected {want.shape}"
        if got.dtype == np.bool_ or want.dtype == np.bool_:
            if not np.array_equal(got.astype(bool), want.astype(bool)):
                return "boolean outputs differ"
            continue
        try:
            np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64),
                                       rtol=rtol, atol=atol, equal_nan=True)
        except AssertionError as e:
            lines = [x for x in str(e).splitlines() if "Max" in x or "Mismatch" in x]
            return "; ".join(lines)[:300]
    return None


def _attempt(compile_fn, names, data_sets, rtol, atol) -> tuple[str, str]:
    """Compile with ``compile_fn() -> (model, frozen)`` and run every data set.

    A claimed case that ends unsupported is a failure (``unsupported``, counted as failed)."""
    import aic

    try:
        compiled, frozen = compile_fn()
    except aic.UnsupportedError as e:
        return "unsupported", str(e).splitlines()[0][:300]
    except aic.AicError as e:
        return "failed", f"compile: {str(e).splitlines()[0][:300]}"
    for inputs, expected in data_sets:
        feed = {n: v for n, v in zip(names, inputs) if n not in frozen}
        try:
            outputs = compiled(**feed)
        except aic.UnsupportedError as e:
            return "unsupported", f"run: {str(e).splitlines()[0][:300]}"
        except aic.AicError as e:
            return "failed", f"run: {str(e)[:300]}"
        why = _compare(outputs, expected, rtol, atol)
        if why:
            return "failed", why
    return "passed", ""


def run_case(model_bytes: bytes, data_sets, rtol: float, atol: float,
             options: dict | None = None) -> dict:
    """Both columns of one case: ``given`` (every graph input an input at run time, as the
    case gives them) and ``frozen`` (shape-deciding inputs frozen; run only where ``given``
    does not pass)."""
    import aic
    import onnx

    model = onnx.load_from_string(model_bytes)
    names = _graph_inputs(model)
    data_sets = [([_array(v) for v in ins], [_array(v) for v in outs]) for ins, outs in data_sets]
    options = options or {}
    given = _attempt(lambda: (aic.compile(model, **options), {}), names, data_sets, rtol, atol)
    if given[0] == "passed":
        frozen = given
    else:
        first = dict(zip(names, data_sets[0][0]))
        frozen = _attempt(lambda: compile_frozen(model, first, options), names, data_sets,
                          rtol, atol)
    return {"status": given[0], "detail": given[1],
            "frozen": frozen[0], "frozen_detail": frozen[1]}


def _worker_main(options: dict) -> int:
    out = sys.stdout.buffer
    while True:
        header = sys.stdin.buffer.read(8)
        if len(header) < 8:
            return 0
        (size,) = struct.unpack("<Q", header)
        name, model_bytes, data_sets, rtol, atol = pickle.loads(sys.stdin.buffer.read(size))
        try:
            result = run_case(model_bytes, data_sets, rtol, atol, options)
        except Exception as e:  # noqa: BLE001 - a bug in aic: report it, keep the worker
            detail = f"internal error: {type(e).__name__}: {e}"[:300]
            result = {"status": "failed", "detail": detail, "frozen": "failed",
                      "frozen_detail": detail}
        out.write((json.dumps({"name": name, **result}) + "\n").encode())
        out.flush()


# ---------------------------------------------------------------------------------------------
# Parent side: a pool of restartable workers


class _Worker:
    def __init__(self, target: str):
        self.target = target
        self.start()

    def start(self) -> None:
        env = dict(os.environ, OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "aic.testing.conformance", "--worker",
                                      "--target", self.target],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.case = None
        self.started = 0.0

    def send(self, case) -> None:
        payload = pickle.dumps((case.name, case.model.SerializeToString(), case.data_sets,
                                case.rtol, case.atol))
        self.proc.stdin.write(struct.pack("<Q", len(payload)) + payload)
        self.proc.stdin.flush()
        self.case, self.started = case, time.monotonic()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def restart(self) -> None:
        self.kill()
        self.start()


def run_cases(cases, jobs: int, on_result=None, target: str = "cpu") -> list[Outcome]:
    from aic.testing.conformance_xfail import XFAIL, XFAIL_CUDA_OPS

    todo = list(cases)
    results: list[Outcome] = []
    workers = [_Worker(target) for _ in range(max(1, min(jobs, len(todo))))]
    by_fd = {w.proc.stdout.fileno(): w for w in workers}

    def judged(case, status, detail):
        expected = XFAIL.get(case.name)
        if target == "cuda" and expected is None:
            expected = XFAIL_CUDA_OPS.get(primary_op(case))
        if status in ("failed", "unsupported") and expected is not None:
            return "xfailed", expected
        if status == "passed" and expected is not None:
            return "xpassed", detail
        return status, detail

    def finish(w, status, detail, frozen=None, frozen_detail=""):
        case = w.case
        status, detail = judged(case, status, detail)
        frozen, frozen_detail = ((status, detail) if frozen is None else
                                 judged(case, frozen, frozen_detail))
        outcome = Outcome(case.name, primary_op(case), status, detail, frozen, frozen_detail)
        results.append(outcome)
        if on_result:
            on_result(outcome)
        w.case = None

    def replace(fd, w, status, detail):
        """The worker died or hung: record the case, start a fresh worker in its place."""
        finish(w, status, detail)
        del by_fd[fd]
        w.restart()
        by_fd[w.proc.stdout.fileno()] = w

    for w in workers:
        if todo:
            w.send(todo.pop(0))
    while any(w.case for w in workers):
        ready, _, _ = select.select([fd for fd, w in by_fd.items() if w.case], [], [], 1.0)
        for fd in ready:
            w = by_fd[fd]
            line = w.proc.stdout.readline()
            if line:
                msg = json.loads(line)
                finish(w, msg["status"], msg["detail"], msg["frozen"], msg["frozen_detail"])
            else:  # the worker died: a crash of the process
                replace(fd, w, "crashed", f"worker exited with {w.proc.wait()}")
            if todo:
                w.send(todo.pop(0))
        for fd, w in list(by_fd.items()):
            if w.case and time.monotonic() - w.started > CASE_TIMEOUT_S:
                replace(fd, w, "hung", f"no result after {CASE_TIMEOUT_S} s")
                if todo:
                    w.send(todo.pop(0))
    for w in workers:
        w.kill()
    return sorted(results, key=lambda o: o.name)


STATUSES = ("passed", "failed", "unsupported", "xfailed", "xpassed", "crashed", "hung")
BAD = ("failed", "unsupported", "crashed", "hung", "xpassed")  # a claimed case must not end so


def report(outcomes: list[Outcome], unclaimed: int, total: int | None = None) -> str:
    """The per-op table and the totals of both columns: as given (the headline) and frozen.
    ``total``: all ONNX node cases (default: the cases run plus the unclaimed ones)."""
    per_op: dict[str, list[Counter]] = defaultdict(lambda: [Counter(), Counter()])
    for o in outcomes:
        per_op[o.op][0][o.status] += 1
        per_op[o.op][1][o.frozen] += 1
    lines = [f"{'op':<28} {'as given':>24}   {'inputs frozen':>24}",
             f"{'':<28} {'pass fail xfail other':>24}   {'pass fail xfail other':>24}"]
    for op in sorted(per_op):
        cells = []
        for c in per_op[op]:
            fail = c["failed"] + c["unsupported"]
            other = sum(c.values()) - c["passed"] - fail - c["xfailed"]
            cells.append(f"{c['passed']:>7} {fail:>4} {c['xfailed']:>5} {other:>5}")
        lines.append(f"{op:<28} {cells[0]:>24}   {cells[1]:>24}")
    total = total or len(outcomes) + unclaimed
    lines += ["", f"ONNX node cases: {total}; run (claimed by the importer): {len(outcomes)}; "
              f"not claimed (an op, opset or element type aic does not import): {unclaimed}"]
    for title, key in (("as given", "status"), ("inputs frozen", "frozen")):
        c = Counter(getattr(o, key) for o in outcomes)
        lines.append(f"{title}: passed {c['passed']} of {total} -- "
                     + ", ".join(f"{k} {c.get(k, 0)}" for k in STATUSES[1:]))
    return "\n".join(lines)


def select_cases(ops: set[str] | None = None, per_op: int | None = None,
                 pattern: str | None = None):
    """Claimed cases (of ``ops`` if given, whose names match the regex ``pattern`` if given;
    at most ``per_op`` per op, spread over its cases) and the number of cases not claimed."""
    cases = all_cases()
    claimed_cases = [c for c in cases if claimed(c)]
    chosen = [c for c in claimed_cases if (not ops or primary_op(c) in ops)
              and (not pattern or re.search(pattern, c.name))]
    if per_op:
        by_op: dict[str, list] = defaultdict(list)
        for c in chosen:
            by_op[primary_op(c)].append(c)
        chosen = [c for group in by_op.values()
                  for c in group[::max(1, -(-len(group) // per_op))]]
    return chosen, len(cases) - len(claimed_cases)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aic.testing.conformance",
                                     description="Run ONNX node test cases through aic.")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ops", help="comma-separated op types to run (default: all claimed)")
    parser.add_argument("--per-op", type=int, metavar="N",
                        help="at most N cases per op, spread over its cases (default: all)")
    parser.add_argument("-k", metavar="REGEX", dest="pattern",
                        help="only the cases whose names match REGEX (re.search)")
    parser.add_argument("--json", metavar="OUT", help="write per-case outcomes as JSON")
    parser.add_argument("--target", choices=sorted(TARGETS), default="cpu",
                        help="cuda: the CUDA mapping emulated on the CPU, at f32 (default: cpu)")
    parser.add_argument("--verbose", action="store_true", help="print every non-pass")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main(TARGETS[args.target])
    cases, unclaimed = select_cases(set(args.ops.split(",")) if args.ops else None,
                                    args.per_op, args.pattern)

    def show(o: Outcome):
        if args.verbose and o.status not in ("passed", "xfailed"):
            frozen = "" if o.frozen == o.status else f" [frozen: {o.frozen}]"
            print(f"{o.status.upper()}: {o.name} ({o.op}): {o.detail}{frozen}", flush=True)

    outcomes = run_cases(cases, args.jobs, show, args.target)
    print(report(outcomes, unclaimed, len(all_cases())))
    if args.json:
        with open(args.json, "w") as f:
            json.dump([o.__dict__ for o in outcomes], f, indent=1)
    bad = [o for o in outcomes if o.status in BAD]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
