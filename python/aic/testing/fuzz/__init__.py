"""A fuzz suite for aic: mutated ONNX models and bad inputs, with fixed seeds (issue 12).

Campaigns:

* ``onnx`` -- seed models (``seeds``) mutated (``mutate``: bit flips, truncation, attribute,
  shape, element type, initializer and wiring mutations) through ``aic.compile``; a model that
  compiles is run and compared with onnxruntime.
* ``cli`` -- the same kind of mutated models through the real, crash-guarded ``aic-compile``:
  exit 0 with a library, or one ``aic-compile: error:`` line and exit 1.
* ``inputs`` -- unusual and bad inputs (``inputs``) to every seed model through the JIT and
  through a saved-and-loaded library: right answers or ``aic.InputError``.
* ``mlir`` -- the seed models' graph-level MLIR, mutated (``mutate.mlir_text``), through the
  real ``aic-opt`` and every stage down to LLVM, half of them with ``--no-verify-aic``: exit
  0, or errors without an ``internal error``; an abort inside MLIR's own parser (turned into
  one line by the crash guard) is ``upstream-abort``, listed apart.

Every case runs in a worker process (``pool``): a crash or a hang is recorded, not fatal.
``python -m aic.testing.fuzz [--quick] [--seed N] [--onnx N] [--cli N] [--mlir N] [--json OUT]``
prints the totals and every case that is not fine (escaped, wrong, crash, hang; ``ref-crash``
-- a crash inside onnxruntime, the reference -- and ``upstream-abort`` are listed apart); exit
1 if there is one.
``test/fuzz/`` runs the quick subset in the test suite.
"""

from __future__ import annotations

import random
from collections import Counter

from aic.testing.fuzz.cases import FINE
from aic.testing.fuzz.inputs import BAD, LAYOUTS
from aic.testing.fuzz.mutate import MUTATIONS, mlir_text
from aic.testing.fuzz.pool import Case, Pool, Result
from aic.testing.fuzz.seeds import SEEDS

FULL = {"onnx": 420, "cli": 30, "mlir": 60}
QUICK = {"onnx": 28, "cli": 2, "mlir": 2}
APART = {"ref-crash", "upstream-abort"}


def mutated_models(campaign: str, count: int, seed: int) -> list[Case]:
    """``count`` mutated seed models, reproducible; every (seed, mutation) pair comes up once
    in each run of 42 (6 seeds and 7 mutations: coprime)."""
    seeds, mutations = sorted(SEEDS), sorted(MUTATIONS)
    cases = []
    for i in range(count):
        seed_name, mutation = seeds[i % len(seeds)], mutations[i % len(mutations)]
        rng = random.Random(f"{campaign}/{seed}/{i}")
        data, description = MUTATIONS[mutation](SEEDS[seed_name](), rng)
        cases.append(Case(campaign, f"{seed_name}/{mutation}/{i}", (data,), description))
    return cases


def mlir_cases(count: int, seed: int) -> list[Case]:
    """``count`` mutations of the seed models' graph-level MLIR; odd cases skip the verifier."""
    import aic

    texts = {}
    for name in sorted(SEEDS):
        module = aic.import_onnx(SEEDS[name]())
        with module.context:
            texts[name] = module.operation.get_asm()
    cases = []
    for i in range(count):
        name = sorted(SEEDS)[i % len(SEEDS)]
        text, description = mlir_text(texts[name], random.Random(f"mlir/{seed}/{i}"))
        verify = i % 2 == 0
        cases.append(Case("mlir", f"{name}/{'verify' if verify else 'no-verify'}/{i}",
                          (text, verify), description))
    return cases


def input_cases(seed: int, quick: bool) -> list[Case]:
    """Every input mutation for every seed model and both ways of running (a diagonal of it
    when ``quick``)."""
    cases = []
    kinds = [*LAYOUTS, *BAD]
    for s, seed_name in enumerate(sorted(SEEDS)):
        for via in ("jit", "so"):
            for k, mutation in enumerate(kinds):
                if quick and (k + s + (via == "so")) % len(SEEDS):
                    continue
                cases.append(Case("inputs", f"{seed_name}/{via}/{mutation}",
                                  (seed_name, via, mutation, seed * 1000 + k), mutation))
    return cases


CAMPAIGNS = ("onnx", "cli", "inputs", "mlir")


def campaign(seed: int = 0, quick: bool = False, counts: dict | None = None,
             only=CAMPAIGNS) -> list[Case]:
    """The cases of the campaigns ``only`` (``counts`` overrides the default sizes)."""
    counts = {**(QUICK if quick else FULL), **(counts or {})}
    make = {"onnx": lambda: mutated_models("onnx", counts["onnx"], seed),
            "cli": lambda: mutated_models("cli", counts["cli"], seed),
            "inputs": lambda: input_cases(seed, quick),
            "mlir": lambda: mlir_cases(counts["mlir"], seed)}
    return [case for name in CAMPAIGNS if name in only for case in make[name]()]


def run(cases: list[Case], on_result=None, timeout_s: float | None = None) -> list[Result]:
    pool = Pool(**({"timeout_s": timeout_s} if timeout_s else {}))
    results = []
    try:
        for case in cases:
            result = pool.run(case)
            results.append(result)
            if on_result:
                on_result(result)
    finally:
        pool.close()
    return results


def bad(results: list[Result]) -> list[Result]:
    """The findings: anything not fine, except the ``APART`` statuses (the reference crashed;
    MLIR's own parser aborted)."""
    return [r for r in results if r.status not in FINE and r.status not in APART]


def summary(results: list[Result]) -> str:
    lines = []
    for name in sorted({r.case.campaign for r in results}):
        counts = Counter(r.status for r in results if r.case.campaign == name)
        total = sum(counts.values())
        lines.append(f"{name:<7} {total:>4} cases: " + ", ".join(
            f"{status} {counts[status]}" for status in sorted(counts)))
    counts = Counter(r.status for r in results)
    lines.append(f"total   {len(results):>4} cases: " + ", ".join(
        f"{status} {counts[status]}" for status in sorted(counts)))
    for r in results:
        if r.status not in FINE:
            lines.append(f"  {r.status}: {r.case.campaign} {r.case.name} "
                         f"({r.case.description}): {r.detail}")
    return "\n".join(lines)
