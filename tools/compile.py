"""``aic-compile``: compile an ONNX model to any level or artifact.

    aic-compile MODEL.onnx [--target cpu|cuda] [--gpu-arch sm_80|sm_86|sm_89|sm_90] [--gpu-precision tf32|f32] [--emulate]
                [--emit graph|linalg|tiled|hw|vector|llvm|llvmir|asm|obj|lib|gpu|nvvm|ptx|cubin]
                [-o OUT] [--force] [--dump-dir DIR] [--input-shape NAME=1x3x224x224]...
                [--input-value NAME=FILE.npy|NAME=[v0,...]]... [--threads N] [-j N]
                [--mlir-print-debuginfo] [--keep-weights]
                [--plugin FILE.py]... [--passes before|after:LEVEL=PASSES]... [--from LEVEL]
                [--timing] [--no-cache] [--quiet | --progress]

MLIR levels print as text that ``aic-opt`` parses (constants above 4 KiB elided unless
``--keep-weights``: keep them to compile the text again); ``lib`` (the default) writes a shared
library with a C entry point, a header and ``libomp.so`` (its OpenMP runtime) beside it. MODEL may also be MLIR text saved at any
level; the compile continues from there. ``--plugin``/``--passes`` put a researcher's passes
into the compile. Outputs are written to a new file and renamed into place; ``-o`` may not name
the model, a directory or a FIFO/device, and an existing header beside a library that holds other
text is kept unless ``--force`` is given. Every file written is printed. A compile the cache has
seen (same model bytes, options and compiler) is written from the cache (``--no-cache`` compiles
anyway); ``--timing`` prints where the time went; compiles longer than a second show progress on
a terminal; a large model's code is compiled in parts on ``--jobs`` cores
(docs/compile-time.md). ``--target cuda`` maps the kernels to CUDA blocks and threads:
``--emit gpu|nvvm|ptx|cubin|lib`` (cubin: ptxas; without it the PTX is written and the error
says how to get one; lib: the C entry with the cubin embedded, AIC_ERROR_CUDA without a
driver); with ``--emulate`` the CUDA-mapped program is lowered for the CPU instead
(``--emit llvm|llvmir|asm|obj|lib``): docs/cuda.md. An input whose value decides
shapes (a Reshape's shape, Slice starts...) must be fixed with ``--input-value``: a library has
static shapes; without it the compile fails with an error naming the input.
"""

from __future__ import annotations

import argparse
import contextlib
import sys


def _parser() -> argparse.ArgumentParser:
    from aic.compiler.stages import stage_table

    cpu = stage_table("cpu-generic").levels
    cuda = stage_table("cuda").levels
    levels = cpu + [lv for lv in cuda if lv not in cpu]
    p = argparse.ArgumentParser(prog="aic-compile", description="Compile an ONNX model through "
                                f"aic's levels (CPU: {', '.join(cpu)}; CUDA: {', '.join(cuda)}) "
                                "to IR, a library, PTX or a cubin.")
    p.add_argument("model", help="an ONNX model, or MLIR text at any level (.mlir)")
    add_target_flags(p)
    p.add_argument("--emit", choices=levels, default="lib", help="what to write (default: lib)")
    p.add_argument("-o", dest="output", metavar="OUT",
                   help="output path (default: from MODEL; - for standard output)")
    p.add_argument("--force", action="store_true",
                   help="replace a file written beside the output (the library's .h) even if "
                        "it holds other content")
    p.add_argument("--dump-dir", metavar="DIR", help="write every level's IR into DIR")
    p.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0xD1...",
                   help="fix an input's symbolic dims to this shape (repeatable); without it "
                   "they stay dynamic and the artifact runs any size (docs/dynamic-shapes.md)")
    add_value_flag(p)
    p.add_argument("--threads", type=int, metavar="N",
                   help="threads the model runs on (default: $AIC_NUM_THREADS, else all cores)")
    p.add_argument("-j", "--jobs", type=_positive, metavar="N",
                   help="LLVM processes at once for a large model's code (default: "
                        "$AIC_COMPILE_JOBS, else all cores); the output is the same bytes")
    add_extension_flags(p, levels)
    add_compile_flags(p)
    p.add_argument("--mlir-print-debuginfo", action="store_true",
                   help="print locations (ONNX node names) in emitted MLIR")
    p.add_argument("--keep-weights", action="store_true",
                   help="print constants above 4 KiB in full in emitted MLIR and --dump-dir "
                        "files (default: elided, which aic-opt parses but a compile refuses)")
    return p


def add_target_flags(p: argparse.ArgumentParser) -> None:
    """--target, --gpu-arch, --gpu-precision, --emulate: shared with aic-run."""
    p.add_argument("--target", default="cpu",
                   help="cpu (default: this machine), a preset (cpu-avx512, cpu-avx2, "
                        "cpu-generic) or cuda (docs/cuda.md)")
    p.add_argument("--gpu-arch", choices=["sm_80", "sm_86", "sm_89", "sm_90"],
                   help="the CUDA architecture (default sm_80)")
    p.add_argument("--gpu-precision", choices=["tf32", "f32"],
                   help="cuda: f32 matmuls on TF32 tensor cores (default tf32: products to "
                        "about 3 decimal digits) or in full f32 without tensor cores")
    p.add_argument("--emulate", action="store_true",
                   help="cuda: run the CUDA-mapped program on the CPU (block and thread loops, "
                        "barrier phases in order) -- checks CUDA numerics without a GPU")


def add_value_flag(p: argparse.ArgumentParser) -> None:
    """--input-value: shared with aic-run."""
    p.add_argument("--input-value", action="append", default=[], metavar="NAME=VALUE",
                   help="fix an input whose value decides shapes (a Reshape's shape, Slice "
                        "starts, TopK's k...) to VALUE: a .npy file or a literal list such as "
                        "[2,-1]; it becomes a constant (repeatable)")


def add_extension_flags(p: argparse.ArgumentParser, levels: list[str], resume: bool = True) -> None:
    """--plugin, --passes and (``resume``) --from: shared with aic-run and aic-bisect."""
    p.add_argument("--plugin", action="append", default=[], metavar="FILE.py",
                   help="load a plugin (dialects, passes) first (repeatable)")
    p.add_argument("--passes", action="append", default=[], metavar="WHEN:LEVEL=PASSES",
                   help="run extra passes around a stage, e.g. 'after:graph=aic-my-pass,cse' "
                        "or 'before:llvm=canonicalize' (repeatable)")
    if not resume:
        return
    p.add_argument("--from", dest="from_level", metavar="LEVEL",
                   choices=[lv for lv in levels if lv not in ("llvmir", "asm", "obj", "lib")],
                   help="the level of an .mlir input (default: recognised from its ops)")


def add_compile_flags(p: argparse.ArgumentParser) -> None:
    """--timing, --no-cache, --quiet, --progress: shared with aic-run."""
    p.add_argument("--timing", action="store_true",
                   help="print a wall-time report to stderr: import, every stage and pass (aic "
                        "and upstream), the backend tools (mlir-translate, opt, llc, link), JIT")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="compile even if the compile cache ($AIC_CACHE_DIR, else "
                        "$XDG_CACHE_HOME/aic or ~/.cache/aic) holds the result")
    show = p.add_mutually_exclusive_group()
    show.add_argument("--quiet", action="store_true",
                      help="no progress line (aic-compile: nor the 'wrote OUT' line)")
    show.add_argument("--progress", action="store_true",
                      help="show progress even when stderr is not a terminal (one line per "
                           "step; default: a line on a terminal for compiles over 1 s)")


@contextlib.contextmanager
def observed(args):
    """Record the compile (for --timing and the progress line); print the report at the end."""
    from aic import progress, timing

    with timing.recording(passes=args.timing) as rec, \
            progress.watch(rec, progress.mode_from(args.quiet, args.progress)):
        yield rec
    if args.timing:
        sys.stderr.write(rec.report())


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got '{text}'")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    from aic.driver.cli import tool_main

    return tool_main("compile", argv, _compile)


def _compile(argv: list[str]) -> int:
    from aic.compiler.driver import parse_pass_hooks, parse_shape
    from aic.compiler.emit import emit_artifact
    from aic.plugins import load_plugin
    from aic.runner import input_values

    args = _parser().parse_args(argv)
    written: list[str] = []
    for plugin in args.plugin:
        load_plugin(plugin)
    shapes = dict(parse_shape(s) for s in args.input_shape) or None
    values = input_values(args.model, args.input_value, shapes) or None
    with observed(args):
        done = emit_artifact(args.model, args.emit, args.output, target=args.target,
                             dump_dir=args.dump_dir, input_shapes=args.input_shape,
                             debuginfo=args.mlir_print_debuginfo,
                             passes=parse_pass_hooks(args.passes), start=args.from_level,
                             threads=args.threads, cache=args.cache, plugins=args.plugin,
                             force=args.force, written=written, gpu_arch=args.gpu_arch,
                             gpu_precision=args.gpu_precision,
                             emulate=args.emulate, keep_weights=args.keep_weights,
                             constants=values, jobs=args.jobs)
    if done.path != "-" and not args.quiet:
        print(f"wrote {', '.join(written)}" + (" (from the compile cache)" if done.cached else ""),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
