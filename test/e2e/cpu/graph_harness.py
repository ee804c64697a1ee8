"""Helpers for the graph -> linalg numerical tests: one graph op in a function, lowered by
``aic-convert-graph-to-linalg``, run by the in-process JIT, compared with numpy."""

from __future__ import annotations

import numpy as np

from aic.context import make_context
from aic.mlir_api import ir, passmanager
from aic.passes.conversions.graph_to_linalg import ConvertGraphToLinalg
from aic.dsl.dtypes import mlir_type_name
from aic.runtime.jit import run_mlir


def ttype(shape, dtype) -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{mlir_type_name(dtype)}>"


def graph_func(op: str, args, results, attrs: str = "") -> str:
    """Text of ``func.func @f`` applying ``graph.<op>`` to arguments of ``args``' types.

    Boolean arguments and results cross the function boundary as ``i8`` (converted with
    ``graph.cast`` inside): the JIT's memref lowering does not take ``i1`` buffers.
    """
    lines, operands = [], []
    in_types = [ttype(a.shape, a.dtype) for a in args]
    out_types = [ttype(r.shape, r.dtype) for r in results]
    sig_in = [ttype(a.shape, np.int8 if a.dtype == bool else a.dtype) for a in args]
    sig_out = [ttype(r.shape, np.int8 if r.dtype == bool else r.dtype) for r in results]
    for i, (t, st) in enumerate(zip(in_types, sig_in)):
        if t != st:
            lines.append(f'%c{i} = "graph.cast"(%a{i}) : ({st}) -> {t}')
        operands.append(f"%c{i}" if t != st else f"%a{i}")
    names = [f"%r{i}" for i in range(len(results))]
    attr_text = f" {{{attrs}}}" if attrs else ""
    lines.append(f'{", ".join(names)} = "graph.{op}"({", ".join(operands)}){attr_text} : '
                 f'({", ".join(in_types)}) -> ({", ".join(out_types)})')
    rets = []
    for i, (t, st) in enumerate(zip(out_types, sig_out)):
        if t != st:
            lines.append(f'%o{i} = "graph.cast"(%r{i}) : ({t}) -> {st}')
        rets.append(f"%o{i}" if t != st else f"%r{i}")
    params = ", ".join(f"%a{i}: {t}" for i, t in enumerate(sig_in))
    body = "".join(f"  {line}\n" for line in lines)
    return (f"func.func @f({params}) -> ({', '.join(sig_out)}) {{\n{body}"
            f"  return {', '.join(rets)} : {', '.join(sig_out)}\n}}\n")


def lower(text: str, fuse: bool = False) -> ir.Module:
    """Parse ``text`` and lower it to linalg (the module lives in a fresh context).

    ``fuse`` runs upstream elementwise fusion afterwards, so that ``i1`` intermediates
    between the boolean casts and the op under test never reach memory (MLIR 22's
    memref-to-LLVM lowering aborts on ``i1`` stores).
    """
    ctx = make_context()
    with ctx:
        module = ir.Module.parse(text)
        ConvertGraphToLinalg().run(module.operation)
        assert module.operation.verify()
        if fuse:
            passmanager.PassManager.parse(
                "builtin.module(func.func(linalg-fuse-elementwise-ops,canonicalize))"
            ).run(module.operation)
    return module


def run_op(op: str, args, expected, attrs: str = ""):
    """Lower and run one graph op; return its outputs (expected gives result types)."""
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    has_bool = any(np.asarray(x).dtype == bool for x in list(args) + list(expected))
    module = lower(graph_func(op, args, expected, attrs), fuse=has_bool)
    inputs = [np.asarray(a).astype(np.int8) if np.asarray(a).dtype == bool else np.asarray(a)
              for a in args]
    outs = run_mlir(module, "f", inputs)
    return [o.astype(bool) if e.dtype == bool else o for o, e in zip(outs, expected)]


def check_op(op: str, args, expected, attrs: str = "", rtol=1e-5, atol=1e-6):
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    got = run_op(op, args, expected, attrs)
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype, (g.shape, g.dtype, e.shape, e.dtype)
        if e.dtype.kind in "fc":
            np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        else:
            np.testing.assert_array_equal(g, e)
