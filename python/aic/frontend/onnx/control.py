"""ONNX control flow as ``scf`` regions at the graph level: If -> ``scf.if``, Scan -> ``scf.for``.

The bodies (ONNX subgraphs) import into the regions with ``GraphImporter.import_subgraph``:
their nodes become graph ops inside the region, reading the enclosing scopes' values directly.

* **If**: a condition known at import time imports only the branch taken (no region). Else
  ``scf.if`` on the condition's one element, each branch yielding its outputs; both branches
  must give the types ONNX infers for the node (static shapes), else UnsupportedError.
* **Scan** (opset 9+): one ``scf.for`` over the scan axis carrying the N state variables and
  the K scan outputs being filled. Scan inputs and outputs on another axis are transposed to
  axis 0 and back; ``scan_input_directions``/``scan_output_directions`` 1 read/write step
  ``seq-1-t``. A body whose state outputs change type is refused.
* Not supported: Loop (its trip count and condition are run-time values and its scan outputs
  grow with them), Scan-8 (batched, with sequence_lens), sequence- or optional-typed values.
"""

from __future__ import annotations

import onnx

from aic.errors import ModelFormatError
from aic.frontend.onnx.common import reshape, transpose
from aic.frontend.onnx.loops import index, step_slice, step_store
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, shape_of
from aic.mlir_api import arith, ir, scf, tensor


def _graph(n, key: str) -> onnx.GraphProto:
    g = n.attr(key)
    if not isinstance(g, onnx.GraphProto):
        raise n.unsupported(f"attribute '{key}' must be a graph")
    return g


def _check_types(n, what: str, got: list[ir.Value], want: list[ir.Type]) -> None:
    if len(got) != len(want):
        raise n.unsupported(f"{what} gives {len(got)} values, expected {len(want)}")
    for k, (v, t) in enumerate(zip(got, want)):
        if v.type != t:
            raise n.unsupported(f"{what} output {k} has type {v.type}, expected {t} "
                                "(values whose shape changes are not supported)")


# -- If ---------------------------------------------------------------------------------------


@handler("If", 1, attrs={"then_branch", "else_branch"})
def if_(n):
    known = n.const(0)
    if known is not None:
        key = "then_branch" if bool(known.reshape(-1)[0]) else "else_branch"
        return n.imp.import_subgraph(_graph(n, key), {}, f"{n} {key}", inline=True)
    types = [n.out_type(i) for i in range(n.n_outputs)]
    cond = reshape(n, n.value(0), [])
    flag = tensor.extract(cond, [])
    op = scf.IfOp(flag, types, has_else=True, loc=n.loc)
    for key, block in (("then_branch", op.then_block), ("else_branch", op.else_block)):
        with ir.InsertionPoint(block):
            values = n.imp.import_subgraph(_graph(n, key), {}, f"{n} {key}")
            _check_types(n, key, values, types)
            scf.YieldOp(values, loc=n.loc)
    return list(op.results)


# -- Scan -------------------------------------------------------------------------------------


def _axes(n, key: str, count: int, ranks: list[int]) -> list[int]:
    axes = list(n.attr(key, [0] * count))
    if len(axes) != count:
        raise n.unsupported(f"{key} has {len(axes)} entries, expected {count}")
    return [int(a) + r if int(a) < 0 else int(a) for a, r in zip(axes, ranks)]


def _to_front(n, x, axis: int):
    perm = [axis] + [d for d in range(len(shape_of(x))) if d != axis]
    return transpose(n, x, perm)


def _from_front(n, x, axis: int):
    rank = len(shape_of(x))
    perm = list(range(1, axis + 1)) + [0] + list(range(axis + 1, rank))
    return transpose(n, x, perm)


@handler("Scan", 9, attrs={"body", "num_scan_inputs", "scan_input_axes",
                           "scan_input_directions", "scan_output_axes",
                           "scan_output_directions"})
def scan(n):
    body = _graph(n, "body")
    m = int(n.attr("num_scan_inputs"))
    values = [n.value(i) for i in range(n.n_inputs)]
    states, xs = values[:len(values) - m], values[len(values) - m:]
    in_axes = _axes(n, "scan_input_axes", m, [len(shape_of(x)) for x in xs])
    in_dirs = list(n.attr("scan_input_directions", [0] * m))
    xs = [_to_front(n, x, a) for x, a in zip(xs, in_axes)]
    seq = shape_of(xs[0])[0]
    if any(shape_of(x)[0] != seq for x in xs):
        raise n.unsupported("scan inputs differ in length")
    k = len(body.output) - len(states)
    out_types = _scan_output_types(n, body, states, xs, k)
    out_axes = _axes(n, "scan_output_axes", k, [len(t.shape) for t in out_types])
    out_dirs = list(n.attr("scan_output_directions", [0] * k))
    inits = [_front_type_empty(t, a) for t, a in zip(out_types, out_axes)]
    with n.loc:
        loop = scf.ForOp(index(0), index(seq), index(1), states + inits)
        with ir.InsertionPoint(loop.body):
            t = loop.induction_variable
            back = arith.subi(index(seq - 1), t)
            carried = list(loop.inner_iter_args)
            bound = dict(zip([i.name for i in body.input],
                             carried[:len(states)] + [step_slice(x, back if d else t)
                                                      for x, d in zip(xs, in_dirs)]))
            outs = n.imp.import_subgraph(body, bound, f"{n} body")
            _check_types(n, "the body", outs[:len(states)], [s.type for s in states])
            filled = [step_store(v, into, back if d else t)
                      for v, into, d in zip(outs[len(states):], carried[len(states):], out_dirs)]
            scf.YieldOp(outs[:len(states)] + filled)
    results = list(loop.results)
    scanned = [_from_front(n, v, a) for v, a in zip(results[len(states):], out_axes)]
    return results[:len(states)] + scanned


def _scan_output_types(n, body, states, xs, k: int) -> list[ir.RankedTensorType]:
    """The scan outputs' types: ONNX's, or where its inference cannot tell, the body's per-step
    output types (found by importing the body once into a scratch region) with the scan axis
    inserted."""
    try:
        return [n.out_type(i) for i in range(len(states), len(states) + k)]
    except ModelFormatError:
        pass
    seq = shape_of(xs[0])[0]
    with n.loc:
        scratch = scf.ExecuteRegionOp([])
        with ir.InsertionPoint(scratch.region.blocks.append()):
            bound = dict(zip([i.name for i in body.input],
                             states + [step_slice(x, index(0)) for x in xs]))
            outs = n.imp.import_subgraph(body, bound, f"{n} body")
            steps = outs[len(states):]
        axes = _axes(n, "scan_output_axes", k, [len(shape_of(v)) + 1 for v in steps])
        types = [ir.RankedTensorType.get(shape_of(v)[:a] + [seq] + shape_of(v)[a:], elem_of(v))
                 for v, a in zip(steps, axes)]
        scratch.operation.erase()
    return types


def _front_type_empty(out_type: ir.RankedTensorType, axis: int) -> ir.Value:
    """An empty tensor of ``out_type`` with dim ``axis`` moved to the front."""
    shape = list(out_type.shape)
    return tensor.empty([shape[axis]] + shape[:axis] + shape[axis + 1:], out_type.element_type)
