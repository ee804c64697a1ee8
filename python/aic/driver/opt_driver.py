"""The library behind ``aic-opt``: parse, verify, run a pipeline, print — per input chunk.

``run_opt(OptOptions) -> int`` returns the exit code; all text goes to the given streams.
The pipeline is checked once before any input is read (unknown passes and bad options fail
fast). Each chunk is then parsed in a fresh context, checked by aic's semantic verifier, run
through the pipeline and printed (constants above 4 KiB elided unless ``keep_weights``:
``aic.compiler.weights``); chunk outputs are joined with ``// -----``.
Errors are printed as ``file:line:col: error: message``; a Python exception escaping an aic pass
or op verifier becomes one ``internal error`` line. ``-o OUT`` is written only when every chunk
succeeded, so a failing run never overwrites a previous output.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from aic import diagnostics, timing
from aic.driver import expected_diagnostics
from aic.context import make_context
from aic.compiler.weights import print_options
from aic.errors import AicError
from aic.mlir_api import ir
from aic.pipeline import build_pass_manager, pipeline_anchor, run_pipeline_on
from aic.driver.source import OUTPUT_SEPARATOR, Chunk, fix_columns, parse_source, split_chunks
from aic.verify import verify_semantics


@dataclass
class OptOptions:
    input: str = "-"
    output: str | None = None
    pipeline: str = ""
    split_input_file: bool = False
    verify_diagnostics: bool = False
    print_ir_after_all: bool = False
    print_ir_tree_dir: str | None = None
    allow_unregistered_dialect: bool = False
    print_generic: bool = False
    print_debuginfo: bool = False
    verify_input: bool = True
    timing: bool = False  # --mlir-timing: a per-pass wall-time report on stderr
    keep_weights: bool = False  # print large constants (default: elided, compiler.weights)


def run_opt(opts: OptOptions, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
            stderr: TextIO = sys.stderr) -> int:
    if not opts.timing:
        return _run_opt(opts, stdin, stdout, stderr)
    with timing.recording(passes=True) as rec:
        code = _run_opt(opts, stdin, stdout, stderr)
    stderr.write(rec.report())
    return code


def _run_opt(opts: OptOptions, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        if opts.pipeline:  # fail fast on unknown passes and bad options
            build_pass_manager(opts.pipeline, make_context())
        text = _read_input(opts.input, stdin)
    except AicError as e:
        print(f"aic-opt: error: {e}", file=stderr)
        return 1
    filename = "<stdin>" if opts.input == "-" else opts.input
    outputs, failed = [], False
    for chunk in split_chunks(text, opts.split_input_file):
        try:
            out, diags = _process_chunk(chunk, filename, opts)
        except AicError as e:
            print(f"aic-opt: error: {e}", file=stderr)
            return 1
        fix_columns(diags, chunk, filename)
        failed |= _report(diags, chunk, filename, opts, stderr)
        if out is not None:
            outputs.append(out)
    result = OUTPUT_SEPARATOR.join(outputs)
    if not opts.output or opts.output == "-":
        stdout.write(result)
    elif not failed:
        try:
            with open(opts.output, "w", encoding="utf-8") as f:
                f.write(result)
        except OSError as e:
            print(f"aic-opt: error: cannot write '{opts.output}': {e.strerror}", file=stderr)
            return 1
    return 1 if failed else 0


def _read_input(path: str, stdin: TextIO) -> str:
    try:
        if path == "-":
            return stdin.read()
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise AicError(f"cannot read '{path}': {reason}") from None


def _report(diags, chunk: Chunk, filename: str, opts: OptOptions, stderr: TextIO) -> bool:
    """Print the chunk's diagnostics (or the mismatches with its annotations); True if failed."""
    if opts.verify_diagnostics:
        expected = expected_diagnostics.expectations(chunk.text, chunk.first_line)
        problems = expected_diagnostics.check(diags, expected, filename)
        for p in problems:
            print(p, file=stderr)
        return bool(problems)
    for d in diags:
        print(d.render(), file=stderr)
        for n in d.notes:
            print(n.render(), file=stderr)
    return any(d.severity == "error" for d in diags)


def _process_chunk(chunk: Chunk, filename: str, opts: OptOptions):
    """Returns (printed IR or None, diagnostics)."""
    with timing.span("context", merge=True):
        ctx = make_context(allow_unregistered=opts.allow_unregistered_dialect)
    with ctx, ir.Location.unknown(), diagnostics.collect(ctx) as diags:
        try:
            with timing.span("parse", merge=True):
                op = parse_source(chunk, filename)
        except ir.MLIRError as e:
            return None, diags + diagnostics.from_mlir_error(e)
        with timing.span("verify (aic)", merge=True):
            if opts.verify_input and not _verify(op):
                return None, list(diags)
        with timing.span("pipeline", merge=True):
            if opts.pipeline and not _run_pipeline(op, ctx, opts, diags, filename):
                return None, list(diags)
        with timing.span("print", merge=True):
            text = op.get_asm(print_generic_op_form=opts.print_generic,
                              enable_debug_info=opts.print_debuginfo,
                              **print_options(opts.keep_weights))
        return text if text.endswith("\n") else text + "\n", list(diags)


def _verify(op: ir.Operation) -> bool:
    """aic's semantic verifier on the input; a crashing op ``verify()`` is an internal error."""
    try:
        return verify_semantics(op)
    except Exception as e:  # a bug in an op's verify(): one line, no traceback
        op.location.emit_error(f"internal error in the aic verifier: {type(e).__name__}: {e}")
        return False


def _run_pipeline(op: ir.Operation, ctx: ir.Context, opts: OptOptions, diags: list,
                  filename: str) -> bool:
    """Run the pipeline on ``op``; diagnostics go to ``diags``. True on success."""
    anchor = pipeline_anchor(opts.pipeline)
    if anchor != op.name:
        raise AicError(f"the pass pipeline is anchored on '{anchor}' but the input's top-level "
                       f"op is '{op.name}' (nest it: '{op.name}({anchor}(...))')")
    def configure(pm) -> None:
        if opts.print_ir_after_all or opts.print_ir_tree_dir:
            ctx.enable_multithreading(False)  # MLIR requires it for module-scope printing
            pm.enable_ir_printing(print_after_all=True, print_module_scope=True,
                                  print_generic_op_form=opts.print_generic,
                                  enable_debug_info=opts.print_debuginfo,
                                  tree_printing_dir_path=opts.print_ir_tree_dir)

    try:
        run_pipeline_on(opts.pipeline, op, ctx, configure)
    except ir.MLIRError as e:
        diags.extend(d for d in diagnostics.from_mlir_error(e)
                     if not any(d.message == x.message for x in diags))
        if not any(d.severity == "error" for d in diags):  # a pass failed without saying why
            diags.append(diagnostics.Diagnostic("error", f"pass pipeline failed: {e}", filename))
        return False
    return True
