"""ONNX LSTM and GRU, unrolled over the static sequence length into graph ops.

Per direction: the input projection of all time steps is one matmul (``X @ W^T + Wb``, plus
``Rb`` for LSTM), then every step is a ``[batch, H] @ R^T`` matmul, slices of the gate block
(LSTM gate order i, o, f, c; GRU z, r, h), ``graph.unary`` activations and elementwise
mul/add. Reverse runs the steps from the last one; bidirectional stacks both directions.
Outputs: ``Y`` (every step's H), ``Y_h`` (last H) and, for LSTM, ``Y_c`` (last cell state).

Supported: optional B, initial_h / initial_c, P (LSTM peepholes), ``layout`` 0 and 1,
``linear_before_reset`` (GRU), activations Sigmoid/Tanh/Relu (without alpha/beta).
Refused (UnsupportedError): ``clip``, ``input_forget``, other activations, and
``sequence_lens`` unless it is known and every entry is the full sequence length.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import AddOp, ConcatOp, MatMulOp, MulOp, SliceOp, SubOp
from aic.frontend.onnx.common import binary, reshape, transpose, unary
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, shape_of

_FN = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "relu"}
_RNN_ATTRS = {"activation_alpha", "activation_beta", "activations", "clip", "direction",
              "hidden_size", "layout"}


# -- small graph helpers --------------------------------------------------------------------


def _slice(n, x, axis: int, start: int, size: int):
    shape = shape_of(x)
    starts = [0] * len(shape)
    starts[axis] = start
    shape[axis] = size
    return n.op(SliceOp, n.ttype(shape, elem_of(x)), x=x, starts=starts,
                steps=[1] * len(shape))


def _take(n, x, index: int):
    """``x[index]`` (drops the leading dim)."""
    return reshape(n, _slice(n, x, 0, index, 1), shape_of(x)[1:])


def _concat(n, parts, axis: int):
    out = parts[0]
    for rhs in parts[1:]:
        out = n.build(ConcatOp, [], lhs=out, rhs=rhs, axis=axis).result
    return out


def _matmul(n, a, b):
    shape = shape_of(a)[:-1] + shape_of(b)[-1:]
    return n.op(MatMulOp, n.ttype(shape, elem_of(a)), a=a, b=b)


def _add(n, a, b):
    return binary(n, AddOp, a, b)


def _mul(n, a, b):
    return binary(n, MulOp, a, b)


# -- attributes and inputs --------------------------------------------------------------------


def _config(n, defaults: list[str]):
    """(directions, activations per direction, hidden size), refusing what is unsupported."""
    if n.attr("clip") is not None:
        raise n.unsupported("clip is not supported")
    if n.has_attr("activation_alpha") or n.has_attr("activation_beta"):
        raise n.unsupported("activation_alpha/activation_beta are not supported")
    direction = n.attr("direction", "forward")
    dirs = {"forward": [False], "reverse": [True], "bidirectional": [False, True]}.get(direction)
    if dirs is None:
        raise n.unsupported(f"direction '{direction}'")
    given = list(n.attr("activations", defaults * len(dirs)))
    acts = [a.lower() for a in given]
    if len(acts) != len(defaults) * len(dirs) or any(a not in _FN for a in acts):
        raise n.unsupported(f"activations {given} (supported: Sigmoid, Tanh, Relu)")
    per_dir = [[_FN[a] for a in acts[i * len(defaults):(i + 1) * len(defaults)]]
               for i in range(len(dirs))]
    return dirs, per_dir, int(n.attr("hidden_size", n.shape(2)[-1]))


def _inputs(n, layout: int, seq: int):
    """X as [seq, batch, I]; checks sequence_lens (input 4)."""
    x = n.value(0)
    if layout:
        x = transpose(n, x, [1, 0, 2])
    if n.has(4):
        lens = n.need_const(4, "sequence_lens").reshape(-1)
        if np.any(lens != seq):
            raise n.unsupported(f"sequence_lens {lens.tolist()} shorter than the sequence "
                                f"length {seq} are not supported")
    return x


def _initial(n, i: int, layout: int, d: int, batch: int, hidden: int, elem):
    """initial_h / initial_c of direction ``d`` as [batch, H] (zeros when absent)."""
    if not n.has(i):
        return n.constant(np.zeros((batch, hidden), _np(elem)))
    v = n.value(i)
    if layout:
        v = transpose(n, v, [1, 0, 2])
    return _take(n, v, d)


def _np(elem):
    from aic.frontend.onnx.tensors import np_dtype
    return np_dtype(elem)


def _weights(n, d: int, gates: int, hidden: int):
    """W^T [I, gH], R^T [H, gH], Wb [gH] | None, Rb [gH] | None of direction ``d``."""
    w_t = transpose(n, _take(n, n.value(1), d), [1, 0])
    r_t = transpose(n, _take(n, n.value(2), d), [1, 0])
    if not n.has(3):
        return w_t, r_t, None, None
    b = _take(n, n.value(3), d)
    size = gates * hidden
    return w_t, r_t, _slice(n, b, 0, 0, size), _slice(n, b, 0, size, size)


def _outputs(n, steps, last_h, last_c, layout: int):
    """Y [seq, dirs, batch, H] (layout 1: [batch, seq, dirs, H]), Y_h, Y_c."""
    per_dir = []
    for hs in steps:
        per_dir.append(_concat(n, [reshape(n, h, [1, 1] + shape_of(h)) for h in hs], 0))
    y = _concat(n, per_dir, 1)
    stack = lambda vs: _concat(n, [reshape(n, v, [1] + shape_of(v)) for v in vs], 0)  # noqa
    y_h = stack(last_h)
    y_c = stack(last_c) if last_c else None
    if layout:
        y = transpose(n, y, [2, 0, 1, 3])
        y_h = transpose(n, y_h, [1, 0, 2])
        y_c = transpose(n, y_c, [1, 0, 2]) if y_c is not None else None
    return [y, y_h] + ([y_c] if last_c else [])


# -- the recurrences ------------------------------------------------------------------------


def _run(n, defaults, gates: int, step):
    """Shared driver: ``step(d, xw_t, state, weights, acts) -> state`` per time step."""
    layout = int(n.attr("layout", 0))
    seq = n.shape(0)[1 if layout else 0]
    dirs, acts, hidden = _config(n, defaults)
    x = _inputs(n, layout, seq)
    batch, elem = shape_of(x)[1], elem_of(x)
    steps, last = [], []
    for d, backwards in enumerate(dirs):
        w_t, r_t, wb, rb = _weights(n, d, gates, hidden)
        xw = _matmul(n, x, w_t)
        state = [_initial(n, 5, layout, d, batch, hidden, elem),
                 _initial(n, 6, layout, d, batch, hidden, elem)]
        hs = [None] * seq
        for t in (reversed(range(seq)) if backwards else range(seq)):
            state = step(d, _take(n, xw, t), state, (r_t, wb, rb), acts[d], hidden)
            hs[t] = state[0]
        steps.append(hs)
        last.append(state)
    return steps, last, layout


@handler("LSTM", 7, attrs=_RNN_ATTRS | {"input_forget"})
def lstm(n):
    if int(n.attr("input_forget", 0)):
        raise n.unsupported("input_forget is not supported")
    peep = [n.value(7) if n.n_inputs > 7 and n.has(7) else None]

    def step(d, xw_t, state, weights, acts, hidden):
        h, c = state
        r_t, wb, rb = weights
        g = _add(n, xw_t, _matmul(n, h, r_t))
        if wb is not None:
            g = _add(n, g, _add(n, wb, rb))
        i, o, f, cc = (_slice(n, g, 1, k * hidden, hidden) for k in range(4))
        p = [_slice(n, _take(n, peep[0], d), 0, k * hidden, hidden) for k in range(3)] \
            if peep[0] is not None else None
        if p:
            i, f = _add(n, i, _mul(n, p[0], c)), _add(n, f, _mul(n, p[2], c))
        i, f = unary(n, i, acts[0]), unary(n, f, acts[0])
        c = _add(n, _mul(n, f, c), _mul(n, i, unary(n, cc, acts[1])))
        if p:
            o = _add(n, o, _mul(n, p[1], c))
        h = _mul(n, unary(n, o, acts[0]), unary(n, c, acts[2]))
        return [h, c]
    steps, last, layout = _run(n, ["sigmoid", "tanh", "tanh"], 4, step)
    return _outputs(n, steps, [s[0] for s in last], [s[1] for s in last], layout)


@handler("GRU", 7, attrs=_RNN_ATTRS | {"linear_before_reset"})
def gru(n):
    before_reset = bool(n.attr("linear_before_reset", 0))

    def step(d, xw_t, state, weights, acts, hidden):
        h = state[0]
        r_t, wb, rb = weights
        x_parts = [_slice(n, xw_t, 1, k * hidden, hidden) for k in range(3)]
        r_parts = [_slice(n, r_t, 1, k * hidden, hidden) for k in range(3)]
        wbs = [_slice(n, wb, 0, k * hidden, hidden) for k in range(3)] if wb is not None else None
        rbs = [_slice(n, rb, 0, k * hidden, hidden) for k in range(3)] if rb is not None else None

        def pre(k, hin):  # x W_k^T + hin R_k^T (+ Wb_k + Rb_k)
            v = _add(n, x_parts[k], _matmul(n, hin, r_parts[k]))
            return _add(n, v, _add(n, wbs[k], rbs[k])) if wbs else v
        z, r = unary(n, pre(0, h), acts[0]), unary(n, pre(1, h), acts[0])
        if before_reset:
            hr = _matmul(n, h, r_parts[2])
            hr = _add(n, hr, rbs[2]) if rbs else hr
            v = _add(n, x_parts[2], _mul(n, r, hr))
            v = _add(n, v, wbs[2]) if wbs else v
        else:
            v = pre(2, _mul(n, r, h))
        cand = unary(n, v, acts[1])
        one = n.scalar(1.0, elem_of(h))
        return [_add(n, _mul(n, binary(n, SubOp, one, z, out_type=z.type), cand), _mul(n, z, h))]
    steps, last, layout = _run(n, ["sigmoid", "tanh"], 3, step)
    return _outputs(n, steps, [s[0] for s in last], [], layout)
