"""The per-op table of the docs: every op of ONNX's default domain, whether aic imports it,
how, how many of its node cases pass, and why not where not (``docs/onnx-op-table.md``).

Three sources, so the table cannot drift from the code:

* the importer's handler registry (``aic.frontend.onnx.registry``): which ops aic claims,
  from which opset, and the module (op family) of the handler;
* ``onnx.defs``: every op of the default domain with its versions;
* a data file, ``docs/onnx-op-table.json``, written by ``collect`` from a conformance run
  (``python -m aic.testing.conformance --json``): per op, its node cases (all, claimed,
  passed as given, passed with shape inputs frozen, expected failures) and the ops its
  first claimed case imports to (``how``).

``WHY_NOT`` gives the reason of every op aic does not import; ``render`` fails on an op
without one, so a new ONNX op cannot go unexplained.

    python -m aic.testing.op_table collect --conformance RUN.json [--conformance MORE.json]
    python -m aic.testing.op_table render [--check]

``collect`` merges the runs (a later run's cases replace an earlier one's) and writes the data
file; ``render`` writes the table (``--check``: exit 1 if the file differs from a fresh render,
what ``test/python/test_op_table.py`` asserts). May import: onnx, numpy, ``aic.frontend``,
``aic.testing.conformance``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))
DATA = os.path.join(_ROOT, "docs", "onnx-op-table.json")
TABLE = os.path.join(_ROOT, "docs", "onnx-op-table.md")

_SEQUENCE = "sequence/optional values: aic's values are tensors"
_STRING = "string tensors: aic has no string element type"
_RANDOM = ("random sampling: aic has no random-number ops (the node cases' expected data come "
           "from numpy's generator)")
_RECURRENT = ("a recurrence over time with carried state (opset 27): not yet as one op; its "
              "expanded form (ONNX's function body) passes")

WHY_NOT: dict[str, str] = {
    "Bernoulli": _RANDOM, "Multinomial": _RANDOM, "RandomNormal": _RANDOM,
    "RandomNormalLike": _RANDOM, "RandomUniform": _RANDOM, "RandomUniformLike": _RANDOM,
    "CausalConvWithState": _RECURRENT, "LinearAttention": _RECURRENT,
    "ConcatFromSequence": _SEQUENCE, "Optional": _SEQUENCE, "OptionalGetElement": _SEQUENCE,
    "OptionalHasElement": _SEQUENCE, "SequenceAt": _SEQUENCE, "SequenceConstruct": _SEQUENCE,
    "SequenceEmpty": _SEQUENCE, "SequenceErase": _SEQUENCE, "SequenceInsert": _SEQUENCE,
    "SequenceLength": _SEQUENCE, "SequenceMap": _SEQUENCE, "SplitToSequence": _SEQUENCE,
    "GlobalLpPool": "not yet (LpPool over the whole image); no node cases",
    "ImageDecoder": "decodes JPEG/PNG/... bytes: a codec, not tensor compute",
    "MaxRoiPool": "not yet; no node cases",
    "MelWeightMatrix": "not yet: a constant matrix whose shape the inputs' values decide",
    "RegexFullMatch": _STRING, "StringConcat": _STRING, "StringNormalizer": _STRING,
    "StringSplit": _STRING, "TfIdfVectorizer": _STRING,
}


# -- sources ------------------------------------------------------------------------------------


def onnx_ops() -> dict[str, list[int]]:
    """Every op of the default domain -> its versions (ascending)."""
    import onnx.defs

    versions: dict[str, set[int]] = defaultdict(set)
    for schema in onnx.defs.get_all_schemas_with_history():
        if schema.domain in ("", "ai.onnx"):
            versions[schema.name].add(schema.since_version)
    return {op: sorted(v) for op, v in sorted(versions.items())}


def handlers() -> dict[str, tuple[int, str]]:
    """Every op aic imports -> (first opset handled, handler module)."""
    from aic.frontend.onnx import registry

    return {op: (registry.lookup(op, since).since, _module(registry.lookup(op, 10 ** 6).fn))
            for op, since in registry.supported_ops().items()}


def _module(fn) -> str:
    return fn.__module__.rsplit(".", 1)[-1] + ".py"


# -- collect: conformance runs -> the data file -------------------------------------------------


def _merged(paths: list[str]) -> dict[str, dict]:
    by_case: dict[str, dict] = {}
    for path in paths:
        with open(path) as f:
            by_case.update({o["name"]: o for o in json.load(f)})
    return by_case


def _imported_ops(case) -> list[str] | None:
    """The op names (outside ``func``) that importing ``case`` produces, shape-deciding
    inputs frozen to the case's values; None if it does not import."""
    import aic
    from aic.frontend.onnx import import_onnx
    from aic.testing.conformance import _array, _freeze_more, _graph_inputs

    names = _graph_inputs(case.model)
    values = dict(zip(names, (_array(v) for v in case.data_sets[0][0])))
    frozen: dict = {}
    while True:
        try:
            module = import_onnx(case.model, constants=frozen or None)
            break
        except (aic.UnsupportedError, aic.ModelFormatError) as e:
            more = _freeze_more(str(e), names, values, frozen)
            if not more:
                return None
            frozen.update(more)
    found: set[str] = set()

    def visit(op):
        found.add(op.operation.name)
        for region in op.operation.regions:
            for block in region.blocks:
                for inner in block.operations:
                    visit(inner)
    for op in module.body.operations:
        visit(op)
    return sorted(n for n in found if not n.startswith("func."))


def _how(cases: list) -> list[str]:
    """What the op imports to: from its first claimed case that is not an expanded form."""
    for case in sorted(cases, key=lambda c: ("expanded" in c.name, c.name)):
        ops = _imported_ops(case)
        if ops is not None:
            return ops
    return []


def collect(runs: list[str]) -> dict:
    """The data file's content from conformance runs (``--json`` files)."""
    from aic.testing.conformance import all_cases, claimed, primary_op

    outcomes = _merged(runs)
    per_op: dict[str, Counter] = defaultdict(Counter)
    claimed_of: dict[str, list] = defaultdict(list)
    xfailed: dict[str, list[str]] = defaultdict(list)
    for case in all_cases():
        op = primary_op(case)
        per_op[op]["cases"] += 1
        if not claimed(case):
            continue
        claimed_of[op].append(case)
        per_op[op]["claimed"] += 1
        o = outcomes.get(case.name)
        if o is None:
            raise SystemExit(f"case {case.name} is claimed but in none of the runs given")
        per_op[op]["given"] += o["status"] == "passed"
        per_op[op]["frozen"] += o["frozen"] == "passed"
        per_op[op]["xfailed"] += o["status"] == "xfailed"
        if o["status"] == "xfailed":
            xfailed[op].append(case.name)
        per_op[op]["other"] += o["status"] not in ("passed", "xfailed")
    import onnx

    return {"onnx": onnx.__version__,
            "cases": {op: dict(sorted(c.items())) for op, c in sorted(per_op.items())},
            "how": {op: _how(claimed_of[op]) for op in handlers() if claimed_of[op]},
            "xfailed": {op: sorted(names) for op, names in sorted(xfailed.items())}}


# -- render: the sources -> the table ----------------------------------------------------------


_HEADER = """# Every ONNX op: supported, how, and why not

Generated by `python -m aic.testing.op_table render` from the importer's handler registry,
`onnx.defs` (ONNX {onnx}) and `docs/onnx-op-table.json` (a conformance run:
`python -m aic.testing.conformance -j 2 --json RUN.json`, then
`python -m aic.testing.op_table collect --conformance RUN.json`); do not edit by hand --
`test/python/test_op_table.py` fails when this file differs from a fresh render.

Columns: **aic** -- the first opset aic's handler serves (every later version of the op too;
an attribute a handler does not know is rejected, never ignored), or `no`; **how** -- the
handler's module under `python/aic/frontend/onnx/` and the ops its first claimed node case
imports to (`graph.*`: the graph dialect, `dialects/graph/README.md`; several ops: a
decomposition; `graph.constant` alone: computed at import); **cases** -- ONNX's node cases of the
op (expanded forms included, filed under the op they test): passed as given / passed with
shape-deciding inputs frozen / all, and the expected failures (`xf`, reasons in
`python/aic/testing/conformance_xfail.py`). How each family is lowered, in prose:
[onnx-ops.md](onnx-ops.md).

{summary}

| op | ONNX versions | aic | how | cases (given / frozen / all) | why not, or what does not pass |
| --- | --- | --- | --- | --- | --- |
"""


def _cases_cell(c: dict) -> str:
    if not c.get("cases"):
        return "no node cases"
    cell = f"{c.get('given', 0)} / {c.get('frozen', 0)} / {c['cases']}"
    return cell + (f", {c['xfailed']} xf" if c.get("xfailed") else "")


def _xfail_notes(names: list[str]) -> list[str]:
    """The expected failures grouped by the first clause of their reasons."""
    from aic.testing.conformance_xfail import XFAIL

    reasons = Counter(XFAIL.get(name, "no longer listed").split(": ")[0] for name in names)
    return [f"{k} xf: {reason}" for reason, k in sorted(reasons.items())]


def _notes(op: str, c: dict, supported: bool, xfailed: list[str]) -> str:
    notes = []
    if not supported:
        notes.append(WHY_NOT[op])
    unclaimed = c.get("cases", 0) - c.get("claimed", 0)
    if supported and unclaimed:
        notes.append(f"{unclaimed} not claimed (an element type, opset or other op aic does "
                     "not import)")
    if c.get("other"):
        notes.append(f"{c['other']} claimed but not passing as given")
    return "; ".join(notes + _xfail_notes(xfailed))


def _row(op: str, versions: list[int], handler, c: dict, how: list[str],
         xfailed: list[str]) -> str:
    if handler is None:
        aic_cell, how_cell = "no", ""
    else:
        since, module = handler
        how = [o for o in how if o != "graph.constant"] or how  # constants: noise beside ops
        ops = ", ".join(f"`{o}`" for o in how) if how else \
            "no op (an identity, or folded at import)" if c.get("claimed") else "(no node case)"
        aic_cell, how_cell = f"{since}+", f"`{module}`: {ops}"
    return (f"| {op} | {', '.join(map(str, versions))} | {aic_cell} | {how_cell} | "
            f"{_cases_cell(c)} | {_notes(op, c, handler is not None, xfailed)} |")


def _summary(ops: dict, supported: dict, cases: dict) -> str:
    total = sum(c.get("cases", 0) for c in cases.values())
    given = sum(c.get("given", 0) for c in cases.values())
    frozen = sum(c.get("frozen", 0) for c in cases.values())
    xfailed = sum(c.get("xfailed", 0) for c in cases.values())
    other = [op for op in cases if op not in ops and cases[op].get("cases")]
    return (f"ONNX's default domain has {len(ops)} ops; aic imports {len(supported)}. "
            f"Node cases: {total}, passing as given {given}, with shape inputs frozen {frozen}, "
            f"expected failures {xfailed}. Cases whose op is outside the default domain "
            f"(not in the table): {', '.join(sorted(other)) or 'none'}.")


def render(data: dict) -> str:
    ops, supported = onnx_ops(), handlers()
    missing = sorted(op for op in ops if op not in supported and op not in WHY_NOT)
    if missing:
        raise SystemExit(f"no reason in WHY_NOT for ops aic does not import: {missing}")
    cases, how = data["cases"], data["how"]
    rows = [_row(op, versions, supported.get(op), cases.get(op, {}), how.get(op, []),
                 data.get("xfailed", {}).get(op, [])) for op, versions in ops.items()]
    head = _HEADER.format(onnx=data["onnx"], summary=_summary(ops, supported, cases))
    return head + "\n".join(rows) + "\n"


def stale(data: dict) -> list[str]:
    """Ops whose handler is newer than the data: claimed now, with node cases, but none
    claimed when the data were collected (run ``collect`` again)."""
    cases = data["cases"]
    return sorted(op for op in handlers()
                  if cases.get(op, {}).get("cases") and not cases[op].get("claimed"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aic.testing.op_table", description=__doc__
                                     .split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect", help="conformance runs -> the data file")
    c.add_argument("--conformance", action="append", required=True, metavar="RUN.json")
    c.add_argument("--data", default=DATA)
    r = sub.add_parser("render", help="the data file, registry and onnx.defs -> the table")
    r.add_argument("--data", default=DATA)
    r.add_argument("-o", "--output", default=TABLE)
    r.add_argument("--check", action="store_true", help="exit 1 if OUTPUT is not up to date")
    args = parser.parse_args(argv)
    if args.command == "collect":
        with open(args.data, "w") as f:
            json.dump(collect(args.conformance), f, indent=1, sort_keys=True)
            f.write("\n")
        return 0
    with open(args.data) as f:
        text = render(json.load(f))
    if args.check:
        with open(args.output) as f:
            return 0 if f.read() == text else 1
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
