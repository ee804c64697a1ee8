"""The library behind ``aic-opt``: parse, verify, run a pipeline, print — per input chunk.

``run_opt(OptOptions) -> int`` returns the exit code; all text goes to the given streams.
Errors are printed as ``file:line:col: error: message``; nothing raises out of here except
programming errors.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TextIO

from aic import diagnostics, expected_diagnostics
from aic.context import make_context
from aic.errors import AicError
from aic.mlir_api import ir
from aic.pipeline import build_pass_manager
from aic.source import Chunk, parse_source, split_chunks
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


def run_opt(opts: OptOptions, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
            stderr: TextIO = sys.stderr) -> int:
    filename = "<stdin>" if opts.input == "-" else opts.input
    try:
        text = stdin.read() if opts.input == "-" else open(opts.input, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as e:
        print(f"aic-opt: error: cannot read '{opts.input}': {getattr(e, 'strerror', e)}",
              file=stderr)
        return 1
    outputs, failed = [], False
    for chunk in split_chunks(text, opts.split_input_file):
        try:
            out, diags = _process_chunk(chunk, filename, opts)
        except AicError as e:
            print(f"aic-opt: error: {e}", file=stderr)
            return 1
        if opts.verify_diagnostics:
            problems = expected_diagnostics.check(
                diags, expected_diagnostics.expectations(chunk.text, chunk.first_line), filename)
            for p in problems:
                print(p, file=stderr)
            failed |= bool(problems)
        else:
            for d in diags:
                print(d.render(), file=stderr)
                for n in d.notes:
                    print(n.render(), file=stderr)
            failed |= any(d.severity == "error" for d in diags)
        if out is not None:
            outputs.append(out)
    result = "// -----\n".join(outputs)
    if opts.output and opts.output != "-":
        if not (failed and not opts.verify_diagnostics):
            with open(opts.output, "w", encoding="utf-8") as f:
                f.write(result)
    else:
        stdout.write(result)
    return 1 if failed else 0


def _process_chunk(chunk: Chunk, filename: str, opts: OptOptions):
    """Returns (printed IR or None, diagnostics)."""
    ctx = make_context(allow_unregistered=opts.allow_unregistered_dialect)
    with ctx, ir.Location.unknown(), diagnostics.collect(ctx) as diags:
        try:
            op = parse_source(chunk, filename)
        except ir.MLIRError as e:
            return None, diags + diagnostics.from_mlir_error(e)
        if opts.verify_input and not verify_semantics(op):
            return None, list(diags)
        if opts.pipeline:
            pm = build_pass_manager(opts.pipeline, ctx)
            if opts.print_ir_after_all or opts.print_ir_tree_dir:
                pm.enable_ir_printing(print_after_all=True, print_module_scope=True,
                                      tree_printing_dir_path=opts.print_ir_tree_dir)
            try:
                pm.run(op)
            except ir.MLIRError as e:
                extra = [d for d in diagnostics.from_mlir_error(e)
                         if not any(d.message == x.message for x in diags)]
                return None, diags + extra
        text = op.get_asm(print_generic_op_form=opts.print_generic,
                          enable_debug_info=opts.print_debuginfo)
        return text if text.endswith("\n") else text + "\n", list(diags)
