"""``aic-bisect``: find the first level and ONNX node where aic's numbers leave onnxruntime's.

    aic-bisect MODEL.onnx [--inputs IN.npz] [--input NAME=FILE.npy]... [--input-shape NAME=D0xD1...]...
               [--plugin FILE.py]... [--passes before|after:LEVEL=PASSES]... [--levels L1,L2]
               [--rtol R] [--atol A] [--outputs-only] [-v]

Evaluates the model at every MLIR level (graph with numpy semantics, the later levels through
the JIT), compares every ONNX node's output with onnxruntime's and prints one line per level
and the verdict (``first divergence: level L, node 'N' (Op) ...``); ``-v`` adds a line per
node output and level. Exit code 0: nothing diverges; 1: something diverges, a level could
not run, or an error (an error prints ``aic-bisect: error: ...`` instead of a verdict). See
docs/aic-bisect.md.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    from aic.compiler.stages import stage_table
    from aic.tools.compile import add_extension_flags

    levels = stage_table("cpu-generic").mlir_levels
    p = argparse.ArgumentParser(prog="aic-bisect", description="Evaluate an ONNX model at every "
                                f"level ({', '.join(levels)}) and name the first level and node "
                                "whose outputs diverge from onnxruntime's. Exit code 0: no "
                                "divergence; 1: a divergence, a level that could not run, "
                                "or an error.")
    p.add_argument("model", help="an ONNX model")
    p.add_argument("--inputs", metavar="IN.npz", help="inputs keyed by graph input name "
                   "(missing inputs get deterministic random data)")
    p.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy",
                   help="one input from a .npy file (repeatable)")
    p.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0xD1...",
                   help="shape for random data of an input with symbolic dims (repeatable)")
    p.add_argument("--target", default="cpu", help="compile target (default: cpu)")
    p.add_argument("--levels", metavar="L1,L2,...", help="evaluate only these levels "
                   f"(default: all of {', '.join(levels)})")
    p.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance (default 1e-4)")
    p.add_argument("--atol", type=float, default=1e-5, help="absolute tolerance (default 1e-5)")
    p.add_argument("--outputs-only", action="store_true",
                   help="compare only the model's outputs: the compile is the ordinary one "
                        "(exposing every node output can change what is fused)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every node output's error at every level")
    add_extension_flags(p, levels, resume=False)
    return p


def main(argv: list[str] | None = None) -> int:
    from aic.driver.cli import tool_main

    return tool_main("bisect", argv, lambda a: _bisect(_parser().parse_args(a)))


def _bisect(args) -> int:
    from aic import runner
    from aic.compiler.driver import parse_pass_hooks
    from aic.testing.bisect import bisect

    given = runner.load_npz(args.inputs) if args.inputs else {}
    given.update(runner.load_npy(spec) for spec in args.input)
    report = bisect(args.model, given, passes=parse_pass_hooks(args.passes),
                    plugins=args.plugin, target=args.target,
                    levels=args.levels.split(",") if args.levels else None,
                    input_shapes=dict(runner.parse_shape(s) for s in args.input_shape),
                    rtol=args.rtol, atol=args.atol, outputs_only=args.outputs_only)
    print(report.format(verbose=args.verbose))
    return 1 if report.diverged or report.failed_levels else 0


if __name__ == "__main__":
    sys.exit(main())
