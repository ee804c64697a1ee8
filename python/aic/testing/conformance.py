"""ONNX node-test conformance: run ONNX's own node cases through ``aic.compile``.

The cases come from the installed onnx package (``collect_testcases``). A case is *claimed*
when every op of its graph has an importer handler at the case's opset — the importer's
registry is the claim, so claim and test cannot drift apart. Each claimed case is compiled
and run on its data sets in a worker process (a crash or a hang costs one case, not the
run) and compared at the case's tolerance. Expected failures are listed in
``conformance_xfail.XFAIL`` with their reasons.

    python -m aic.testing.conformance [-j N] [--ops Add,Conv] [--json OUT] [--verbose]

prints totals (passed / failed / xfailed / unsupported / crashed / hung) and a per-op table.
"""

from __future__ import annotations

import argparse
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


@dataclass
class Outcome:
    name: str
    op: str
    status: str  # passed | failed | xfailed | xpassed | unsupported | crashed | hung
    detail: str = ""


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
    """The op a case tests: its single op, or for expanded cases the op named by the case."""
    ops = set(_ops_of(case.model))
    if len(ops) == 1:
        return ops.pop()
    name = re.sub(r"_expanded(_ver\d+)?$", "", case.name.lower()).replace("_", "")
    named = [o for o in ops if o.lower() in name]
    return max(named, key=len) if named else sorted(ops)[0]


def claimed(case) -> bool:
    from aic.frontend.onnx.registry import lookup

    version = _opset(case.model)
    return all(lookup(op, version) is not None for op in _ops_of(case.model))


# ---------------------------------------------------------------------------------------------
# Worker side: compile and run one case


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


def compile_case(model, values: dict):
    """Compile a case, freezing shape-like inputs (axes, pads, shapes, repeats...) when the
    importer needs them at compile time. ONNX's node tests pass such values as runtime
    inputs; aic, like most compilers, specialises on them. Data inputs stay runtime inputs.
    """
    import aic

    names, frozen = _graph_inputs(model), {}
    while True:
        try:
            return aic.compile(model, constants=frozen or None), frozen
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


def run_case(model_bytes: bytes, data_sets, rtol: float, atol: float) -> tuple[str, str]:
    import numpy as np
    import onnx

    import aic
    from aic.errors import UnsupportedError

    model = onnx.load_from_string(model_bytes)
    names = _graph_inputs(model)
    data_sets = [([_array(v) for v in ins], [_array(v) for v in outs]) for ins, outs in data_sets]
    first = dict(zip(names, data_sets[0][0]))
    try:
        compiled, frozen = compile_case(model, first)
    except UnsupportedError as e:
        return "unsupported", str(e).splitlines()[0][:300]
    except aic.AicError as e:
        return "failed", f"compile: {str(e).splitlines()[0][:300]}"
    for inputs, expected in data_sets:
        feed = {n: v for n, v in zip(names, inputs) if n not in frozen}
        try:
            outputs = compiled(**feed)
        except aic.AicError as e:
            return "failed", f"run: {str(e)[:300]}"
        for got, want in zip(outputs, expected):
            want = np.asarray(want)
            if got.shape != want.shape:
                return "failed", f"shape {got.shape} != expected {want.shape}"
            if got.dtype == np.bool_ or want.dtype == np.bool_:
                ok = np.array_equal(got.astype(bool), want.astype(bool))
                if not ok:
                    return "failed", "boolean outputs differ"
                continue
            try:
                np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64),
                                           rtol=rtol, atol=atol, equal_nan=True)
            except AssertionError as e:
                lines = [x for x in str(e).splitlines() if "Max" in x or "Mismatch" in x]
                return "failed", "; ".join(lines)[:300]
    return "passed", ""


def _worker_main() -> int:
    out = sys.stdout.buffer
    while True:
        header = sys.stdin.buffer.read(8)
        if len(header) < 8:
            return 0
        (size,) = struct.unpack("<Q", header)
        name, model_bytes, data_sets, rtol, atol = pickle.loads(sys.stdin.buffer.read(size))
        try:
            status, detail = run_case(model_bytes, data_sets, rtol, atol)
        except Exception as e:  # noqa: BLE001 - a bug in aic: report it, keep the worker
            status, detail = "failed", f"internal error: {type(e).__name__}: {e}"[:300]
        out.write((json.dumps({"name": name, "status": status, "detail": detail}) + "\n").encode())
        out.flush()


# ---------------------------------------------------------------------------------------------
# Parent side: a pool of restartable workers


class _Worker:
    def __init__(self):
        self.start()

    def start(self) -> None:
        env = dict(os.environ, OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "aic.testing.conformance", "--worker"],
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


def run_cases(cases, jobs: int, on_result=None) -> list[Outcome]:
    from aic.testing.conformance_xfail import XFAIL

    todo = list(cases)
    results: list[Outcome] = []
    workers = [_Worker() for _ in range(max(1, min(jobs, len(todo))))]
    by_fd = {w.proc.stdout.fileno(): w for w in workers}

    def finish(w, status, detail):
        case = w.case
        if status == "failed" and case.name in XFAIL:
            status, detail = "xfailed", XFAIL[case.name]
        elif status == "passed" and case.name in XFAIL:
            status = "xpassed"
        outcome = Outcome(case.name, primary_op(case), status, detail)
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
                finish(w, msg["status"], msg["detail"])
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


def report(outcomes: list[Outcome], unclaimed: int) -> str:
    totals = Counter(o.status for o in outcomes)
    per_op: dict[str, Counter] = defaultdict(Counter)
    for o in outcomes:
        per_op[o.op][o.status] += 1
    lines = [f"{'op':<28} passed failed xfailed other"]
    for op in sorted(per_op):
        c = per_op[op]
        other = sum(v for k, v in c.items() if k not in ("passed", "failed", "xfailed"))
        lines.append(f"{op:<28} {c['passed']:>6} {c['failed']:>6} {c['xfailed']:>7} {other:>5}")
    lines.append("")
    lines.append(f"claimed cases: {len(outcomes)}; not claimed (op not supported): {unclaimed}")
    lines.append("totals: " + ", ".join(f"{k} {totals.get(k, 0)}" for k in
                 ("passed", "failed", "xfailed", "xpassed", "unsupported", "crashed", "hung")))
    return "\n".join(lines)


def select_cases(ops: set[str] | None = None):
    cases = all_cases()
    chosen = [c for c in cases if claimed(c) and (not ops or primary_op(c) in ops)]
    return chosen, len(cases) - len([c for c in cases if claimed(c)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aic.testing.conformance",
                                     description="Run ONNX node test cases through aic.")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ops", help="comma-separated op types to run (default: all claimed)")
    parser.add_argument("--json", metavar="OUT", help="write per-case outcomes as JSON")
    parser.add_argument("--verbose", action="store_true", help="print every non-pass")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main()
    cases, unclaimed = select_cases(set(args.ops.split(",")) if args.ops else None)

    def show(o: Outcome):
        if args.verbose and o.status not in ("passed", "xfailed"):
            print(f"{o.status.upper()}: {o.name} ({o.op}): {o.detail}", flush=True)

    outcomes = run_cases(cases, args.jobs, show)
    print(report(outcomes, unclaimed))
    if args.json:
        with open(args.json, "w") as f:
            json.dump([o.__dict__ for o in outcomes], f, indent=1)
    bad = [o for o in outcomes if o.status in ("failed", "crashed", "hung", "xpassed")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
