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
* **Loop** with a trip count known at import and a condition that stays true (absent or
  true on entry, and the body's condition output known true at import): ``scf.for`` over
  the trip count carrying the loop-carried values and the scan outputs being filled; the
  body's ``iteration_num`` is the loop index as ``tensor<i64>``. A body that needs the
  iteration number at compile time (a slice start, a shape that changes per iteration) is
  unrolled instead when the trip count is at most ``MAX_UNROLL``: one copy of the body per
  iteration with the number a constant, the scan outputs concatenated.
* Not supported: Loops that may stop early or whose trip count is a run-time value (their
  scan outputs would have run-time lengths), Scan-8 (batched, with sequence_lens),
  sequence- or optional-typed values.
"""

from __future__ import annotations

import numpy as np
import onnx

from aic.errors import ModelFormatError, UnsupportedError, ValueNeededError
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import reshape, transpose
from aic.frontend.onnx.loops import index, step_slice, step_store
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import shape_of
from aic.mlir_api import arith, ir, scf, tensor


MAX_UNROLL = 16  # a Loop whose body needs its iteration number at compile time: unrolled up to this


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
    output types with the scan axis inserted."""
    try:
        return [n.out_type(i) for i in range(len(states), len(states) + k)]
    except (ModelFormatError, ValueNeededError):  # ONNX could not type it: import the body
        pass
    names = [i.name for i in body.input]
    steps = _scratch_types(n, body, lambda: dict(zip(names, states + [step_slice(x, index(0))
                                                                       for x in xs])))
    steps = steps[len(states):]
    axes = _axes(n, "scan_output_axes", k, [len(t.shape) + 1 for t in steps])
    return [_with_dim(t, a, shape_of(xs[0])[0]) for t, a in zip(steps, axes)]


def _with_dim(t: ir.RankedTensorType, axis: int, size: int) -> ir.RankedTensorType:
    shape = list(t.shape)
    return ir.RankedTensorType.get(shape[:axis] + [size] + shape[axis:], t.element_type)


def _scratch_types(n, body, bind) -> list[ir.RankedTensorType]:
    """The types of ``body``'s outputs (where ONNX's inference cannot tell): the body imported
    once into a scratch region that is then erased; ``bind()`` makes its inputs there."""
    with n.loc:
        scratch = scf.ExecuteRegionOp([])
        try:
            with ir.InsertionPoint(scratch.region.blocks.append()):
                outs = n.imp.import_subgraph(body, bind(), f"{n} body")
                return [ir.RankedTensorType(v.type) for v in outs]
        finally:
            scratch.operation.erase()


def _front_type_empty(out_type: ir.RankedTensorType, axis: int) -> ir.Value:
    """An empty tensor of ``out_type`` with dim ``axis`` moved to the front."""
    shape = list(out_type.shape)
    return tensor.empty([shape[axis]] + shape[:axis] + shape[axis + 1:], out_type.element_type)


# -- Loop -------------------------------------------------------------------------------------


def _iteration(iv: ir.Value) -> ir.Value:
    """The loop index as the body's ``iteration_num``: a ``tensor<i64>``."""
    i64 = ir.IntegerType.get_signless(64)
    return tensor.from_elements(ir.RankedTensorType.get([], i64), [arith.index_cast(i64, iv)])


def _known_true(v) -> bool:
    return isinstance(v, np.ndarray) and v.size == 1 and bool(v.reshape(-1)[0])


@handler("Loop", 1, attrs={"body"})
def loop(n):
    body = _graph(n, "body")
    if not n.has(0):
        raise n.unsupported("a Loop without a trip count (a while loop) is not supported")
    trips = int(n.need_const(0, "the trip count M").reshape(-1)[0])
    if n.has(1) and not _known_true(n.need_const(1, "the loop condition")):
        raise n.unsupported("a Loop whose condition is false on entry is not supported")
    states = [n.value(i) for i in range(2, n.n_inputs)]
    names = [i.name for i in body.input]

    def bind(iteration, carried):
        return dict(zip(names, [iteration, np.array(True)] + list(carried)))
    try:
        return _for_loop(n, body, trips, states, bind)
    except ValueNeededError:  # a graph input's value: unrolling does not help
        raise
    except UnsupportedError:
        if trips > MAX_UNROLL:
            raise
    return _unrolled(n, body, trips, states, bind)


def _for_loop(n, body, trips: int, states: list, bind) -> list:
    """The Loop as one ``scf.for`` (nothing is left behind when the body does not import)."""
    k = len(body.output) - 1 - len(states)
    try:
        out_types = [n.out_type(i) for i in range(len(states), len(states) + k)]
    except (ModelFormatError, ValueNeededError):  # ONNX could not type it: import the body
        steps = _scratch_types(n, body, lambda: bind(_iteration(index(0)), states))
        out_types = [_with_dim(t, 0, trips) for t in steps[1 + len(states):]]
    inits = [tensor.empty(list(t.shape), t.element_type, loc=n.loc) for t in out_types]
    with n.loc:
        for_op = scf.ForOp(index(0), index(trips), index(1), states + inits)
        try:
            _for_body(n, body, for_op, len(states), bind)
        except UnsupportedError:
            for op in [for_op] + [v.owner for v in inits]:
                op.erase()
            raise
    return list(for_op.results)


def _for_body(n, body, for_op, m: int, bind) -> None:
    with ir.InsertionPoint(for_op.body):
        iv, carried = for_op.induction_variable, list(for_op.inner_iter_args)
        outs = n.imp.import_subgraph(body, bind(_iteration(iv), carried[:m]), f"{n} body",
                                     inline=True)
        if not _known_true(outs[0]):
            raise n.unsupported("a Loop whose body computes its condition (a loop that may stop "
                                "early) is not supported")
        outs = [n.constant(v) if isinstance(v, np.ndarray) else v for v in outs[1:]]
        _check_types(n, "the body", outs[:m], [s.type for s in carried[:m]])
        filled = [step_store(v, into, iv) for v, into in zip(outs[m:], carried[m:])]
        scf.YieldOp(outs[:m] + filled)


def _unrolled(n, body, trips: int, states: list, bind) -> list:
    """The Loop unrolled: the body imported once per iteration with ``iteration_num`` a
    constant (for bodies that need it at compile time: a slice start, a shape); the scan
    outputs are the iterations' values stacked on a new first axis."""
    carried, scans = list(states), None
    for i in range(trips):
        outs = n.imp.import_subgraph(body, bind(np.array(i, np.int64), carried),
                                     f"{n} body (iteration {i})", inline=True)
        if not _known_true(outs[0]):
            raise n.unsupported("a Loop whose body computes its condition (a loop that may stop "
                                "early) is not supported")
        outs = [n.constant(v) if isinstance(v, np.ndarray) else v for v in outs[1:]]
        carried = outs[:len(states)]
        steps = [reshape(n, v, [1, *shape_of(v)]) for v in outs[len(states):]]
        scans = steps if scans is None else [c.concat(n, a, b, 0) for a, b in zip(scans, steps)]
    if scans is None:
        raise n.unsupported("a Loop of zero iterations that needs unrolling is not supported")
    return carried + scans
