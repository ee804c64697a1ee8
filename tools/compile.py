"""``aic-compile``: compile an ONNX model to any level or artifact.

    aic-compile MODEL.onnx [--target cpu] [--emit graph|linalg|tiled|hw|llvm|llvmir|asm|obj|lib]
                [-o OUT] [--dump-dir DIR] [--input-shape NAME=1x3x224x224]... [--threads N]
                [--mlir-print-debuginfo]

MLIR levels print as text that ``aic-opt`` parses; ``lib`` (the default) writes a shared
library with a C entry point, a header and ``libomp.so`` (its OpenMP runtime) beside it.
"""

from __future__ import annotations

import argparse
import sys


EMITS = ("graph", "linalg", "tiled", "hw", "llvm", "llvmir", "asm", "obj", "lib")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aic-compile", description="Compile an ONNX model through "
                                "aic's levels (graph, linalg, tiled, hw, llvm) to IR or a library.")
    p.add_argument("model", help="ONNX model file")
    p.add_argument("--target", default="cpu", help="cpu (default); cuda is planned")
    p.add_argument("--emit", choices=EMITS, default="lib", help="what to write (default: lib)")
    p.add_argument("-o", dest="output", metavar="OUT", help="output path (default: from MODEL)")
    p.add_argument("--dump-dir", metavar="DIR", help="write every level's IR into DIR")
    p.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0xD1...",
                   help="shape for an input with symbolic dims (repeatable)")
    p.add_argument("--threads", type=int, metavar="N",
                   help="threads the model runs on (default: $AIC_NUM_THREADS, else all cores)")
    p.add_argument("--mlir-print-debuginfo", action="store_true",
                   help="print locations (ONNX node names) in emitted MLIR")
    return p


def main(argv: list[str] | None = None) -> int:
    from aic.cli import tool_main

    return tool_main("compile", argv, _compile)


def _compile(argv: list[str]) -> int:
    from aic.compiler.emit import emit

    args = _parser().parse_args(argv)
    path = emit(args.model, args.emit, args.output, target=args.target,
                dump_dir=args.dump_dir, input_shapes=args.input_shape,
                debuginfo=args.mlir_print_debuginfo, threads=args.threads)
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
