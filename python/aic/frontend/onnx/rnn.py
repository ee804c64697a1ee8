"""ONNX LSTM, GRU and RNN as one loop over time steps per direction (``loops``).

Per direction the input projection of all steps, ``X·W^T`` plus the biases that add to it,
is one matmul before the loop; the loop body is the cell: the recurrent ``h·R^T`` matmul
and the gate elementwise ops (LSTM gate order i, o, f, c; GRU z, r, h). Reverse runs the
steps from the last one; bidirectional runs both loops and stacks their outputs.
Outputs: ``Y`` (every step's H), ``Y_h`` (last H) and, for LSTM, ``Y_c`` (last cell state).

Supported: optional B, initial_h / initial_c, P (LSTM peepholes), ``layout`` 0 and 1,
``clip``, ``input_forget`` (LSTM: f = 1 - i), ``linear_before_reset`` (GRU), activations
Sigmoid, Tanh, Relu, Softsign, Softplus, LeakyRelu, ThresholdedRelu, HardSigmoid, Elu,
Affine and ScaledTanh with ``activation_alpha``/``activation_beta`` (consumed in order by
the activations that take them). Refused (UnsupportedError): other activations and
``sequence_lens`` unless it is known and every entry is the full sequence length.
"""

from __future__ import annotations

import numpy as np

from aic.dialects.graph import AddOp, ClipOp, ConcatOp, MatMulOp, MulOp, SliceOp, SubOp
from aic.frontend.onnx.common import binary, reshape, transpose, unary
from aic.frontend.onnx.loops import time_loop
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of

_RNN_ATTRS = {"activation_alpha", "activation_beta", "activations", "clip", "direction",
              "hidden_size", "layout"}
# ONNX activation -> (graph.unary fn or a composite, default alpha, default beta); None: unused
_ACTIVATIONS = {
    "sigmoid": ("sigmoid", None, None), "tanh": ("tanh", None, None),
    "relu": ("relu", None, None), "softsign": ("softsign", None, None),
    "softplus": ("softplus", None, None), "leakyrelu": ("leaky_relu", 0.01, None),
    "thresholdedrelu": ("thresholded_relu", 1.0, None), "elu": ("elu", 1.0, None),
    "hardsigmoid": ("hard_sigmoid", 0.2, 0.5), "affine": ("affine", 1.0, 0.0),
    "scaledtanh": ("scaled_tanh", 1.0, 1.0),
}


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


def _gates(n, x, count: int, hidden: int, axis: int = -1):
    axis = axis % len(shape_of(x))
    return [_slice(n, x, axis, k * hidden, hidden) for k in range(count)]


def _stack(n, values, axis: int):
    """``values`` (equal shapes) stacked along a new ``axis``."""
    parts = [reshape(n, v, shape_of(v)[:axis] + [1] + shape_of(v)[axis:]) for v in values]
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


def _zero_tail(n, x, size: int):
    """``x`` followed by ``size`` zeros (1-D)."""
    zeros = n.constant(np.zeros(size, np_dtype(elem_of(x))))
    return n.build(ConcatOp, [], lhs=x, rhs=zeros, axis=0).result


def _one_minus(n, x):
    return binary(n, SubOp, n.scalar(1.0, elem_of(x)), x, out_type=x.type)


# -- attributes -------------------------------------------------------------------------------


class Activation:
    """One ONNX activation with its alpha/beta, applied as graph ops."""

    def __init__(self, fn: str, alpha: float, beta: float):
        self.fn, self.alpha, self.beta = fn, alpha, beta

    def __call__(self, n, x):
        if self.fn in ("affine", "scaled_tanh"):
            scale = lambda v, k: _mul(n, v, n.scalar(k, elem_of(x)))
            if self.fn == "affine":  # alpha*x + beta
                return _add(n, scale(x, self.alpha), n.scalar(self.beta, elem_of(x)))
            return scale(unary(n, scale(x, self.beta), "tanh"), self.alpha)  # alpha*tanh(beta*x)
        return unary(n, x, self.fn, alpha=self.alpha or 0.0, beta=self.beta or 0.0)


def _activations(n, defaults: list[str], dirs: int) -> list[list[Activation]]:
    """The activations of each direction, alpha/beta consumed in order."""
    given = list(n.attr("activations", defaults * dirs))
    if len(given) != len(defaults) * dirs:
        raise n.unsupported(f"activations {given}: expected {len(defaults) * dirs}")
    alphas = list(n.attr("activation_alpha", []))
    betas = list(n.attr("activation_beta", []))
    out = []
    for name in given:
        spec = _ACTIVATIONS.get(name.lower())
        if spec is None:
            raise n.unsupported(f"activation '{name}' (supported: {', '.join(_ACTIVATIONS)})")
        fn, alpha, beta = spec
        if alpha is not None and alphas:
            alpha = float(alphas.pop(0))
        if beta is not None and betas:
            beta = float(betas.pop(0))
        out.append(Activation(fn, alpha, beta))
    k = len(defaults)
    return [out[d * k:(d + 1) * k] for d in range(dirs)]


class Recurrence:
    """What every direction of one LSTM/GRU/RNN node shares (attributes, X, shapes)."""

    def __init__(self, n, defaults: list[str], gates: int):
        self.n, self.gates = n, gates
        self.layout = int(n.attr("layout", 0))
        self.seq = n.shape(0)[1 if self.layout else 0]
        direction = n.attr("direction", "forward")
        self.dirs = {"forward": [False], "reverse": [True],
                     "bidirectional": [False, True]}.get(direction)
        if self.dirs is None:
            raise n.unsupported(f"direction '{direction}'")
        self.acts = _activations(n, defaults, len(self.dirs))
        self.hidden = int(n.attr("hidden_size", n.shape(2)[-1]))
        self.x = transpose(n, n.value(0), [1, 0, 2]) if self.layout else n.value(0)
        self.batch, self.elem = shape_of(self.x)[1], elem_of(self.x)
        self._check_lens()
        clip = n.attr("clip")
        self.bounds = None if clip is None else (n.scalar(-float(clip), self.elem),
                                                 n.scalar(float(clip), self.elem))

    def _check_lens(self) -> None:
        n = self.n
        if n.has(4):
            lens = n.need_const(4, "sequence_lens").reshape(-1)
            if np.any(lens != self.seq):
                raise n.unsupported(f"sequence_lens {lens.tolist()} shorter than the sequence "
                                    f"length {self.seq} are not supported")

    def clip(self, x):
        if self.bounds is None:
            return x
        return self.n.op(ClipOp, x.type, x=x, min=self.bounds[0], max=self.bounds[1])

    def initial(self, i: int, d: int):
        """initial_h (5) / initial_c (6) of direction ``d`` as [batch, H] (zeros if absent)."""
        n = self.n
        if not n.has(i):
            return n.constant(np.zeros((self.batch, self.hidden), np_dtype(self.elem)))
        v = n.value(i)
        return _take(n, transpose(n, v, [1, 0, 2]) if self.layout else v, d)

    def weights(self, d: int):
        """W^T [I, gH], R^T [H, gH], Wb [gH] | None, Rb [gH] | None of direction ``d``."""
        n = self.n
        w_t = transpose(n, _take(n, n.value(1), d), [1, 0])
        r_t = transpose(n, _take(n, n.value(2), d), [1, 0])
        if not n.has(3):
            return w_t, r_t, None, None
        b = _take(n, n.value(3), d)
        size = self.gates * self.hidden
        return w_t, r_t, _slice(n, b, 0, 0, size), _slice(n, b, 0, size, size)

    def run(self, direction) -> list:
        """``direction(d, backwards) -> [Y_d, *last states]`` per direction; the outputs."""
        n = self.n
        runs = [direction(d, backwards) for d, backwards in enumerate(self.dirs)]
        y = _stack(n, [r[0] for r in runs], 1)
        lasts = [_stack(n, [r[k] for r in runs], 0) for k in range(1, len(runs[0]))]
        if self.layout:
            y = transpose(n, y, [2, 0, 1, 3])
            lasts = [transpose(n, v, [1, 0, 2]) for v in lasts]
        return [y] + lasts


# -- the cells ----------------------------------------------------------------------------------


@handler("LSTM", 7, attrs=_RNN_ATTRS | {"input_forget"})
def lstm(n):
    rec = Recurrence(n, ["sigmoid", "tanh", "tanh"], 4)
    coupled = bool(int(n.attr("input_forget", 0)))
    H = rec.hidden

    def direction(d, backwards):
        w_t, r_t, wb, rb = rec.weights(d)
        xw = _matmul(n, rec.x, w_t)
        if wb is not None:
            xw = _add(n, xw, _add(n, wb, rb))
        p = _gates(n, _take(n, n.value(7), d), 3, H) if n.has(7) else None
        f_act, g_act, h_act = rec.acts[d]

        def cell(xw_t, state):
            h, c = state
            i, o, f, cc = _gates(n, _add(n, xw_t, _matmul(n, h, r_t)), 4, H)
            if p:
                i, f = _add(n, i, _mul(n, p[0], c)), _add(n, f, _mul(n, p[2], c))
            i = f_act(n, rec.clip(i))
            f = _one_minus(n, i) if coupled else f_act(n, rec.clip(f))
            c = _add(n, _mul(n, f, c), _mul(n, i, g_act(n, rec.clip(cc))))
            if p:
                o = _add(n, o, _mul(n, p[1], c))
            return [_mul(n, f_act(n, rec.clip(o)), h_act(n, c)), c]
        return time_loop(xw, [rec.initial(5, d), rec.initial(6, d)], H, backwards, cell, n.loc)
    return rec.run(direction)


@handler("GRU", 7, attrs=_RNN_ATTRS | {"linear_before_reset"})
def gru(n):
    rec = Recurrence(n, ["sigmoid", "tanh"], 3)
    before_reset = bool(int(n.attr("linear_before_reset", 0)))
    H = rec.hidden

    def direction(d, backwards):
        w_t, r_t, wb, rb = rec.weights(d)
        xw = _matmul(n, rec.x, w_t)
        rb_h = None
        if wb is not None:  # every bias adds to x·W^T except Rb_h with linear_before_reset
            rb_zr, rb_h = _slice(n, rb, 0, 0, 2 * H), _slice(n, rb, 0, 2 * H, H)
            xw = _add(n, xw, _add(n, wb, _zero_tail(n, rb_zr, H) if before_reset else rb))
        r_zr, r_h = _slice(n, r_t, 1, 0, 2 * H), _slice(n, r_t, 1, 2 * H, H)
        f_act, g_act = rec.acts[d]

        def cell(xw_t, state):
            (h,) = state
            xz, xr, xh = _gates(n, xw_t, 3, H)
            if before_reset:
                hz, hr, hh = _gates(n, _matmul(n, h, r_t), 3, H)
            else:
                hz, hr = _gates(n, _matmul(n, h, r_zr), 2, H)
            z = f_act(n, rec.clip(_add(n, xz, hz)))
            r = f_act(n, rec.clip(_add(n, xr, hr)))
            if before_reset:
                hh = _add(n, hh, rb_h) if rb_h is not None else hh
                v = _add(n, xh, _mul(n, r, hh))
            else:
                v = _add(n, xh, _matmul(n, _mul(n, r, h), r_h))
            cand = g_act(n, rec.clip(v))
            return [_add(n, _mul(n, _one_minus(n, z), cand), _mul(n, z, h))]
        return time_loop(xw, [rec.initial(5, d)], H, backwards, cell, n.loc)
    return rec.run(direction)


@handler("RNN", 7, attrs=_RNN_ATTRS)
def rnn(n):
    rec = Recurrence(n, ["tanh"], 1)

    def direction(d, backwards):
        w_t, r_t, wb, rb = rec.weights(d)
        xw = _matmul(n, rec.x, w_t)
        if wb is not None:
            xw = _add(n, xw, _add(n, wb, rb))
        (act,) = rec.acts[d]

        def cell(xw_t, state):
            return [act(n, rec.clip(_add(n, xw_t, _matmul(n, state[0], r_t))))]
        return time_loop(xw, [rec.initial(5, d)], rec.hidden, backwards, cell, n.loc)
    return rec.run(direction)
