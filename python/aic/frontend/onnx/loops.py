"""Loops at the graph level: the time loop of the recurrent ops (LSTM, GRU, RNN: one
``scf.for`` per direction) and the step slicing that Scan shares.

The graph level holds a recurrence as an upstream ``scf.for`` over the time steps whose body
is graph ops -- one copy of the cell, so IR size and compile time do not depend on the
sequence length. Per direction:

* before the loop, the input projection of all steps is one matmul, ``X·W^T`` on
  ``[seq, batch, I]`` (plus the biases that add to it), and every loop-invariant operand
  (R^T, peepholes, bias pieces) is computed once;
* the loop carries the states (``h``, and ``c`` for LSTM) and the output ``Y`` being filled
  (``[seq, batch, H]``, from ``tensor.empty``) as ``iter_args``;
* the body reads step ``t`` of the projection (``tensor.extract_slice``, rank-reduced to
  ``[batch, gH]``; reverse runs read ``seq-1-t``), applies the cell (graph ops: the
  recurrent ``h·R^T`` matmul and the gate elementwise ops), writes the new ``h`` into ``Y``
  (``tensor.insert_slice``) and yields the new carried values.

Later stages lower the graph ops in the body like any others (the kernels form inside the
loop); one-shot bufferization turns the carried tensors into buffers updated in place.

May import the graph dialect, the importer's helpers and the MLIR shim.
"""

from __future__ import annotations

from collections.abc import Callable

from aic.frontend.onnx.tensors import elem_of, shape_of, tensor_type
from aic.mlir_api import arith, ir, scf, tensor

DYNAMIC = ir.ShapedType.get_dynamic_stride_or_offset()


def index(value: int) -> ir.Value:
    return arith.constant(ir.IndexType.get(), value)


def step_slice(x: ir.Value, t: ir.Value) -> ir.Value:
    """``x[t]`` of ``x: [seq, ...]`` with a dynamic ``t``, as a tensor of ``x``'s trailing dims."""
    shape = shape_of(x)
    return tensor.extract_slice(tensor_type(shape[1:], elem_of(x)), x, [t], [], [],
                                [DYNAMIC] + [0] * (len(shape) - 1), [1] + shape[1:],
                                [1] * len(shape))


def step_store(value: ir.Value, into: ir.Value, t: ir.Value) -> ir.Value:
    """``into`` with ``into[t] = value`` (``value`` has ``into``'s trailing dims)."""
    shape = shape_of(into)
    return tensor.insert_slice(value, into, [t], [], [], [DYNAMIC] + [0] * (len(shape) - 1),
                               [1] + shape[1:], [1] * len(shape))


def time_loop(xw: ir.Value, states: list[ir.Value], hidden: int, backwards: bool,
              cell: Callable[[ir.Value, list[ir.Value]], list[ir.Value]], loc) -> list[ir.Value]:
    """Run ``cell(xw_t, states) -> new states`` over the steps of ``xw: [seq, batch, gH]``.

    Returns ``[Y, *last states]``, ``Y: [seq, batch, hidden]`` holding every step's first
    state (``h``) at its time index."""
    seq, batch = shape_of(xw)[:2]
    with loc:
        y0 = tensor.empty([seq, batch, hidden], elem_of(xw))
        loop = scf.ForOp(index(0), index(seq), index(1), list(states) + [y0])
        with ir.InsertionPoint(loop.body):
            t = loop.induction_variable
            if backwards:
                t = arith.subi(index(seq - 1), t)
            carried = list(loop.inner_iter_args)
            new = cell(step_slice(xw, t), carried[:-1])
            y = step_store(new[0], carried[-1], t)
            scf.YieldOp(list(new) + [y])
    results = list(loop.results)
    return [results[-1]] + results[:-1]
