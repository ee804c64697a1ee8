"""``aic-opt``: the mlir-opt-compatible driver for aic and upstream passes.

    aic-opt [FILE|-] [-o OUT] [--pass-pipeline=PIPE | -p a,b{k=v}] [--<pass>[=opts]]...
            [--split-input-file] [--verify-diagnostics] [--print-ir-after-all]
            [--print-ir-tree-dir DIR] [--allow-unregistered-dialect] [--mlir-print-op-generic]
            [--mlir-print-debuginfo] [--keep-weights] [--mlir-timing] [--list-passes] [--plugin FILE.py]... [--emit-irdl]

Passes given as ``--<pass-name>`` flags run in command-line order after ``--pass-pipeline``.
"""

from __future__ import annotations

import argparse
import difflib
import sys

from aic.errors import AicError

_DESCRIPTION = (
    "Parse MLIR (aic and upstream dialects), verify it, run a pass pipeline that mixes aic "
    "passes and upstream MLIR passes, and print the result.")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aic-opt", description=_DESCRIPTION, allow_abbrev=False,
                                epilog="Any other --<name>[=options] flag names a pass (aic or "
                                       "upstream) to append to the pipeline, in order.")
    p.add_argument("input", nargs="?", default="-", help="input .mlir file, or - for stdin")
    p.add_argument("-o", dest="output", metavar="OUT", help="output file (default: stdout)")
    p.add_argument("--pass-pipeline", metavar="PIPE", default="",
                   help="textual pipeline, e.g. 'builtin.module(aic-graph-simplify,cse)'")
    p.add_argument("-p", dest="short_pipeline", metavar="PASSES", default="",
                   help="shorthand: comma-separated passes anchored on builtin.module")
    p.add_argument("--split-input-file", action="store_true",
                   help="split the input at '// -----' lines and process each chunk alone")
    p.add_argument("--verify-diagnostics", action="store_true",
                   help="check diagnostics against expected-error/warning/remark annotations")
    p.add_argument("--print-ir-after-all", "--mlir-print-ir-after-all", action="store_true",
                   help="print the IR after every pass (to stderr)")
    p.add_argument("--print-ir-tree-dir", "--mlir-print-ir-tree-dir", metavar="DIR",
                   help="write the IR after every pass into a directory tree")
    p.add_argument("--allow-unregistered-dialect", action="store_true",
                   help="accept ops of unknown dialects")
    p.add_argument("--mlir-print-op-generic", action="store_true",
                   help="print every op in generic form")
    p.add_argument("--mlir-print-debuginfo", action="store_true", help="print locations")
    p.add_argument("--keep-weights", action="store_true",
                   help="print large constants in full (default: elided above 4 KiB, like "
                        "--mlir-elide-elementsattrs-if-larger; the output then parses but "
                        "cannot be compiled)")
    p.add_argument("--no-verify-aic", dest="verify_aic", action="store_false",
                   help="skip aic's semantic verifier on the input")
    p.add_argument("--mlir-timing", action="store_true",
                   help="print a wall-time report (parse, verify, every pass, print) to stderr")
    p.add_argument("--list-passes", action="store_true",
                   help="list aic passes (with options) and upstream passes, then exit")
    p.add_argument("--plugin", action="append", default=[], metavar="FILE.py",
                   help="load dialects and passes from a Python file (repeatable)")
    p.add_argument("--emit-irdl", action="store_true",
                   help="print the IRDL of the dialects of the --plugin files (without "
                        "--plugin: of every aic dialect) and exit")
    return p


def _split_pass_flags(argv: list[str], parser: argparse.ArgumentParser):
    """Separate ``--<pass>[=opts]`` flags (kept in order) from the driver's own flags."""
    known = {s for a in parser._actions for s in a.option_strings}
    rest, passes = [], []
    for arg in argv:
        name, _, value = arg.partition("=")
        if arg.startswith("--") and name not in known and len(name) > 2:
            passes.append(name[2:] + (f"{{{value.strip(chr(34))}}}" if value else ""))
        else:
            rest.append(arg)
    return rest, passes


def main(argv: list[str] | None = None) -> int:
    from aic.driver.cli import tool_main

    return tool_main("opt", argv, _main)


def _main(argv: list[str]) -> int:
    parser = _parser()
    rest, pass_flags = _split_pass_flags(argv, parser)
    return _run(parser.parse_args(rest), pass_flags, parser)


def _check_flag_names(pass_flags: list[str], parser: argparse.ArgumentParser) -> None:
    """A ``--flag`` that is no pass but close to a driver option is a typo of that option."""
    from aic.pass_base import PASSES
    from aic.pipeline import upstream_pass_names

    options = [s for a in parser._actions for s in a.option_strings if s.startswith("--")]
    for flag in pass_flags:
        name = flag.partition("{")[0]
        if name in PASSES:
            continue
        close = difflib.get_close_matches(f"--{name}", options, n=2, cutoff=0.8)
        if close and name not in upstream_pass_names():
            raise AicError(f"unknown option '--{name}'; did you mean {' or '.join(close)}?")


def _run(args, pass_flags: list[str], parser: argparse.ArgumentParser) -> int:
    from aic.driver import listing
    from aic.driver.opt_driver import OptOptions, run_opt
    from aic.pipeline import compose_pipeline
    from aic.pass_base import builtin_passes
    from aic.plugins import load_plugin

    for plugin in args.plugin:
        load_plugin(plugin)
    if args.list_passes:
        sys.stdout.write(listing.list_passes())
        return 0
    if args.emit_irdl:
        from aic.plugins import plugin_dialects

        sys.stdout.write(listing.irdl(plugin_dialects(args.plugin) or None))
        return 0
    builtin_passes()
    _check_flag_names(pass_flags, parser)
    opts = OptOptions(
        input=args.input, output=args.output,
        pipeline=compose_pipeline(args.pass_pipeline, args.short_pipeline, pass_flags),
        split_input_file=args.split_input_file, verify_diagnostics=args.verify_diagnostics,
        print_ir_after_all=args.print_ir_after_all, print_ir_tree_dir=args.print_ir_tree_dir,
        allow_unregistered_dialect=args.allow_unregistered_dialect,
        print_generic=args.mlir_print_op_generic, print_debuginfo=args.mlir_print_debuginfo,
        verify_input=args.verify_aic, timing=args.mlir_timing, keep_weights=args.keep_weights)
    return run_opt(opts)


if __name__ == "__main__":
    sys.exit(main())
