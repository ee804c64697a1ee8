"""``python -m aic.testing.fuzz``: run the fuzz campaigns (see the package docstring)."""

from __future__ import annotations

import argparse
import json
import sys
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m aic.testing.fuzz",
                                description="Fuzz aic with mutated ONNX models and bad inputs.")
    p.add_argument("--quick", action="store_true", help="the small subset the test suite runs")
    p.add_argument("--seed", type=int, default=0, help="campaign seed (default 0)")
    p.add_argument("--onnx", type=int, metavar="N", help="mutated models through aic.compile")
    p.add_argument("--cli", type=int, metavar="N", help="mutated models through aic-compile")
    p.add_argument("--mlir", type=int, metavar="N", help="mutated MLIR through aic-opt")
    p.add_argument("--only", metavar="C1,C2", help="campaigns to run (default: all of "
                   "onnx,cli,inputs,mlir)")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds before a case hangs")
    p.add_argument("--json", metavar="OUT", help="write every case's result as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="print every case")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    from aic.testing import fuzz
    from aic.testing.fuzz.pool import worker_main

    if args.worker:
        return worker_main()
    counts = {k: v for k, v in (("onnx", args.onnx), ("cli", args.cli), ("mlir", args.mlir))
              if v is not None}
    only = args.only.split(",") if args.only else fuzz.CAMPAIGNS
    unknown = sorted(set(only) - set(fuzz.CAMPAIGNS))
    if unknown:
        p.error(f"unknown campaign(s) {unknown}; campaigns: {', '.join(fuzz.CAMPAIGNS)}")
    cases = fuzz.campaign(args.seed, args.quick, counts, only)

    def show(r):
        if args.verbose:
            print(f"{r.status:<9} {r.seconds:6.2f}s {r.case.campaign} {r.case.name} "
                  f"({r.case.description}) {r.detail}", flush=True)

    start = time.monotonic()
    results = fuzz.run(cases, show, args.timeout)
    print(fuzz.summary(results))
    print(f"{len(results)} cases in {time.monotonic() - start:.0f} s (seed {args.seed})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"campaign": r.case.campaign, "name": r.case.name,
                        "description": r.case.description, "status": r.status,
                        "detail": r.detail, "seconds": round(r.seconds, 3)} for r in results],
                      f, indent=1)
    return 1 if fuzz.bad(results) else 0


if __name__ == "__main__":
    sys.exit(main())
