"""``aic-run``: compile (or load) a model, run it, time it, compare it.

    aic-run MODEL(.onnx|.mlir|.so) [--inputs IN.npz] [--input NAME=FILE.npy]... [--output OUT.npz]
            [--benchmark N] [--compare-onnxruntime] [--input-shape NAME=1x3x224x224]...
            [--profile [N]] [--plugin FILE.py]... [--passes before|after:LEVEL=PASSES]... [--from LEVEL] [--threads N]
            [--target cpu|cuda] [--gpu-arch sm_80|sm_86|sm_89|sm_90] [--gpu-precision tf32|f32] [--emulate]
            [--input-value NAME=FILE.npy|NAME=[v0,...]]...
            [--timing] [--no-cache] [--quiet | --progress]

Missing inputs get deterministic random data (seed 0) of the right shape and dtype; an input
with dynamic dims (a library or MLIR module compiled without fixed sizes) takes its shape
from ``--input-shape`` or, dim by dim, from a given input's dim of the same name.
``--output`` is written under exactly the name given (no ``.npz`` is added), to a new file
renamed into place; it may not name the model, an input file, a directory or a FIFO/device.
``--target cuda --emulate`` runs the CUDA-mapped program on the CPU (docs/cuda.md).
"""

from __future__ import annotations

import argparse
import sys
import time

from aic.errors import AicError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aic-run", description="Compile (or load) and run a model "
                                "on the CPU; print outputs, latency and the difference from "
                                "onnxruntime.")
    p.add_argument("model", help="an ONNX model, MLIR text at any level (.mlir), or a library "
                                 "written by aic-compile")
    p.add_argument("--inputs", metavar="IN.npz", help="inputs keyed by graph input name")
    p.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy",
                   help="one input from a .npy file (repeatable)")
    p.add_argument("--input-shape", action="append", default=[], metavar="NAME=D0xD1...",
                   help="shape for an input with symbolic dims (repeatable): an ONNX model is "
                        "compiled for it; a library or MLIR module with dynamic dims runs "
                        "with a random input of that shape")
    p.add_argument("--output", metavar="OUT.npz", help="write outputs keyed by output name "
                   "(an .npz archive, under exactly this name)")
    p.add_argument("--benchmark", type=int, default=0, metavar="N",
                   help="time N runs after warm-up; print median and min latency")
    p.add_argument("--compare-onnxruntime", action="store_true",
                   help="run onnxruntime on the same inputs and print the max error")
    p.add_argument("--profile", type=int, nargs="?", const=10, default=0, metavar="N",
                   help="time every kernel over N calls (default 10) and print a table: "
                        "kernel (its ONNX nodes), calls, ms, %%, GFLOP/s and %% of peak")
    p.add_argument("--threads", type=int, metavar="N",
                   help="threads to compile the model for (default: $AIC_NUM_THREADS, else all "
                        "cores; a library runs on the threads it was compiled for); "
                        "onnxruntime uses as many")
    from aic.compiler.stages import stage_table
    from aic.tools.compile import (add_compile_flags, add_extension_flags, add_target_flags,
                                   add_value_flag)
    add_value_flag(p)

    add_target_flags(p)
    add_extension_flags(p, stage_table("cpu-generic").mlir_levels)
    add_compile_flags(p)
    return p


def main(argv: list[str] | None = None) -> int:
    from aic.driver.cli import tool_main

    return tool_main("run", argv, lambda a: _run(_parser().parse_args(a)))


def _run(args) -> int:
    import aic
    from aic import runner
    from aic.compiler import files
    from aic.compiler.driver import parse_pass_hooks
    from aic.tools.compile import observed

    is_library = args.model.endswith((".so", ".dylib"))
    if args.compare_onnxruntime and (is_library or args.model.endswith(".mlir")):
        raise AicError("--compare-onnxruntime needs the ONNX model, not a library or MLIR")
    if args.profile and is_library:
        raise AicError("--profile needs the model (ONNX or MLIR) to compile it with timers, "
                       "not a library")
    if args.input_value and (is_library or not args.model.endswith(".onnx")):
        raise AicError("--input-value fixes inputs of an ONNX model when it is compiled, not "
                       "of a library or MLIR")
    if args.threads is not None and is_library:
        raise AicError("--threads applies when compiling: a library runs on the threads it "
                       "was compiled for (aic-compile --threads N)")
    if args.output is not None:
        files.check_output(args.output, [args.model, args.inputs,
                                         *(s.partition("=")[2] for s in args.input)])
    start, values = time.perf_counter(), {}
    shapes = dict(runner.parse_shape(s) for s in args.input_shape) or None
    if is_library:
        model = aic.load(args.model)
    else:
        values = runner.input_values(args.model, args.input_value, shapes)
        with observed(args):
            model = aic.compile(args.model, args.target, input_shapes=shapes,
                                constants=values or None, specialize=False,
                                passes=parse_pass_hooks(args.passes), plugins=args.plugin,
                                from_level=args.from_level, threads=args.threads,
                                profile=bool(args.profile), cache=args.cache,
                                gpu_arch=args.gpu_arch, emulate=args.emulate,
                                gpu_precision=args.gpu_precision)
    compile_ms = (time.perf_counter() - start) * 1e3
    given = runner.load_npz(args.inputs) if args.inputs else {}
    given.update(dict(runner.load_npy(s) for s in args.input))
    inputs = runner.make_inputs(model, given, shapes=shapes)
    outputs = dict(zip(model.output_names, model(**inputs)))
    cached = ", from the compile cache" if not is_library and model.library_path else ""
    where = (f"{model.target}, emulated on the CPU" if args.emulate else
             _threads(model.threads))
    print(f"{'loaded' if is_library else 'compiled'} {args.model} in {compile_ms:.1f} ms "
          f"({where}{cached})")
    for name, value in outputs.items():
        print(f"  output {name}: {runner.summarize(value)}")
    if args.output is not None:
        files.atomic(args.output, lambda tmp: runner.save_npz(tmp, outputs))
    if args.benchmark:
        t = runner.benchmark(lambda: model(**inputs), args.benchmark)
        print(f"latency over {t.runs} runs: median {t.median_ms:.3f} ms, min {t.min_ms:.3f} ms")
    if args.profile:
        sys.stdout.write(runner.profile(model, inputs, args.profile, args.model))
    if args.compare_onnxruntime:
        rows, session = runner.compare_onnxruntime(args.model, {**inputs, **values}, outputs,
                                                   threads=model.threads or None)
        for name, abs_err, rel_err in rows:
            print(f"  vs onnxruntime {name}: max abs error {abs_err:.3g}, "
                  f"max rel error {rel_err:.3g}")
        if args.benchmark:
            given = {**inputs, **values}
            feed = {i.name: given[i.name] for i in session.get_inputs() if i.name in given}
            o = runner.benchmark(lambda: session.run(None, feed), args.benchmark)
            print(f"onnxruntime latency over {o.runs} runs: median {o.median_ms:.3f} ms, "
                  f"min {o.min_ms:.3f} ms (onnxruntime/aic: {o.median_ms / t.median_ms:.2f})")
    return 0


def _threads(n: int) -> str:
    return f"{n} thread{'s' if n != 1 else ''}" if n else "OpenMP default threads"


if __name__ == "__main__":
    sys.exit(main())
