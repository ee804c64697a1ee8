"""ONNX Attention (opsets 23-25) decomposed into graph ops on the fast kernels: two batched
``graph.matmul``s around a ``graph.softmax`` row kernel, with elementwise scale, softcap and
an additive bias.

The steps are the ONNX reference's: 3-D inputs are split into heads (``q_num_heads``,
``kv_num_heads``); Q and K are each scaled by ``sqrt(scale)`` (default ``scale`` =
``1/sqrt(head_size)``); ``past_key``/``past_value`` are concatenated in front of K and V
(``present_key``/``present_value``); grouped-query attention (fewer KV heads) reshapes Q to
``[batch, kv_heads, group * q_seq, head]`` so each KV head is read once (no repeat copy);
``softcap`` applies ``cap * tanh(s / cap)`` before the bias. The bias adds the mask
(boolean -> 0 / -inf, float as given, padded with -inf up to the KV length), the causal
frontier ``j <= i + offset`` and the sliding window (opset 25), whose ``offset`` is the past
length or, with ``nonpad_kv_seqlen`` (opset 24), ``nonpad[b] - q_seq`` per batch, and the
padding mask ``j < nonpad[b]``. Bias parts known at compile time fold into one constant.
Rows whose bias is all -inf give zeros (the reference's fully-masked-row guard).
``qk_matmul_output_mode`` 0/1 output the (softcapped) scores, 2 the biased scores, 3 the
probabilities.

The softmax runs in the precision the spec gives it: ``softmax_precision`` when set (the logits
are cast to it), otherwise the element type of Q and K. For f32 and f64 that is
``graph.softmax``; for f16 and bf16 it is spelled out in graph ops of that type
(``_softmax_in_type``) so each step rounds as ONNX's reference rounds it -- ``graph.softmax``
would compute them in f32 and round once, which is more accurate but not what the spec asks
for. Set ``softmax_precision = 1`` (FLOAT) for an f32
softmax in an f16/bf16 model.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np

from aic.frontend.onnx import compose as c
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import (element_type, elem_of, np_dtype, onnx_to_np, shape_of,
                                       tensor_type)
from aic.frontend.onnx.loops import DYNAMIC, index
from aic.mlir_api import ir, scf, tensor

def _i1():
    return ir.IntegerType.get_signless(1)


_ATTRS = {"is_causal", "kv_num_heads", "q_num_heads", "qk_matmul_output_mode", "scale",
          "softcap", "softmax_precision", "left_window_size", "right_window_size"}


def _heads(n, x, heads: int):
    b, s, hidden = shape_of(x)
    if heads <= 0 or hidden % heads:
        raise n.unsupported(f"3-D inputs need num_heads dividing {hidden}, got {heads}")
    return c.transpose(n, c.reshape(n, x, [b, s, heads, hidden // heads], keeps=2), [0, 2, 1, 3])


def _inputs(n):
    q, k, v = n.value(0), n.value(1), n.value(2)
    if n.rank(0) == 3:
        q = _heads(n, q, int(n.attr("q_num_heads", 0)))
        k = _heads(n, k, int(n.attr("kv_num_heads", 0)))
        v = _heads(n, v, int(n.attr("kv_num_heads", 0)))
    elif n.rank(0) != 4:
        raise n.unsupported(f"Q of rank {n.rank(0)} (3 or 4 expected)")
    if n.has(4) != n.has(5):
        raise n.unsupported("past_key and past_value must come together")
    if n.has(4):
        k, v = c.concat(n, n.value(4), k, 2), c.concat(n, n.value(5), v, 2)
    return q, k, v


@handler("Attention", 23, attrs=_ATTRS)
def attention(n):
    q, k, v = _inputs(n)
    b, qh, sq, d = shape_of(q)
    kvh, skv = shape_of(k)[1], shape_of(k)[2]
    if qh % kvh or shape_of(v)[1] != kvh:
        raise n.unsupported(f"{qh} query heads over {kvh} KV heads")
    dtype = np_dtype(elem_of(q))
    scale = n.attr("scale", None)
    root = dtype.type(np.sqrt(1 / np.sqrt(d) if scale is None else float(scale)))
    scores = _scores(n, c.mul(n, q, n.constant(root)), c.mul(n, k, n.constant(root)), qh, kvh)
    cap = float(n.attr("softcap", 0.0))
    if cap > 0:
        capv = n.constant(dtype.type(cap))
        scores = c.mul(n, c.unary(n, c.div(n, scores, capv), "tanh"), capv)
    mode = int(n.attr("qk_matmul_output_mode", 0))
    past = shape_of(n.value(4))[2] if n.has(4) else 0
    bias, guard = _bias(n, dtype, b, sq, skv, past)
    logits = scores if bias is None else c.add(n, scores, bias)
    qk = logits if mode == 2 else scores
    precision = onnx_to_np(int(n.attr("softmax_precision"))) if \
        n.has_attr("softmax_precision") else dtype
    logits = c.cast(n, logits, element_type(np.dtype(precision), str(n)))
    probs = _softmax_in_type(n, logits) if np.dtype(precision) in _HALF_TYPES else \
        c.softmax(n, logits)
    if guard is not None:
        probs = c.where(n, guard, c.scalar_like(n, 0, probs), probs)
    qk = probs if mode == 3 else qk
    y = _weighted(n, c.cast(n, probs, elem_of(q)), v, qh, kvh)
    if n.rank(0) == 3:
        y = c.reshape(n, c.transpose(n, y, [0, 2, 1, 3]), [b, sq, qh * shape_of(v)[3]],
                      keeps=2)
    return [y, k, v, c.cast(n, qk, elem_of(q))]


_HALF_TYPES = {np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16)}


def _softmax_in_type(n, x):
    """Softmax over the last dim of an f16/bf16 ``x`` with every step rounded to that type,
    as ONNX's reference computes Attention's default-precision softmax: ``x - max``, ``exp``
    and the division each round to the element type; the row sum of bf16 rounds after each
    addition (bf16 adds, in key order), the row sum of f16 is accumulated in f32 and rounded
    once (numpy sums float16 in float32). A fully masked row gives NaN here; the caller's
    guard turns it into zeros, as the reference's does."""
    last = len(shape_of(x)) - 1
    shifted = c.sub(n, x, c.reduce(n, x, "max", [last]))
    e = c.unary(n, shifted, "exp")
    if np_dtype(elem_of(x)) == np.float16:
        f32 = element_type(np.dtype(np.float32), str(n))
        total = c.cast(n, c.reduce(n, c.cast(n, e, f32), "sum", [last]), elem_of(x))
    else:
        total = _ordered_row_sum(n, e)
        if shape_of(x)[-1] > STAGNATION_KEYS:
            n.warn(f"the softmax is computed in bf16 (softmax_precision absent or bf16): its "
                   f"row sum over {shape_of(x)[-1]} keys rounds every addition to bf16 and "
                   f"stops growing past {STAGNATION_KEYS} times a term; set "
                   f"softmax_precision=1 (FLOAT) for an f32 softmax")
    return c.div(n, e, total)


STAGNATION_KEYS = 256
"""Above this many keys a bf16 row sum can stop growing: 256 + 1 rounds back to 256 in bf16
(8 significant bits), so a row of equal terms sums to 256 however long it is."""


def _ordered_row_sum(n, x):
    """``x.sum(-1, keepdims)`` as a chain of additions in ``x``'s element type, in index
    order from zero: an ``scf.for`` over the last dim whose body adds one column (a
    ``graph.add``, so each step rounds; 0 + x is x). A reduction would be reassociated by
    the vectorizer. Static shapes only. (Starting from the first column instead, MLIR 22's
    canonicalize did not finish in 20 s on a row of 300 keys.)"""
    shape = shape_of(x)
    if any(d < 0 for d in shape):
        raise n.unsupported("a bf16 softmax without softmax_precision (added in key order) "
                            "needs static shapes; give the input shapes (--input-shape) or "
                            "set softmax_precision=1")
    rows = shape[:-1]
    column = tensor_type(rows, elem_of(x))
    with n.loc:
        loop = scf.ForOp(index(0), index(shape[-1]), index(1),
                         [n.constant(np.zeros(rows, np_dtype(elem_of(x))))])
        with ir.InsertionPoint(loop.body):
            col = tensor.extract_slice(column, x, [loop.induction_variable], [], [],
                                       [0] * len(rows) + [DYNAMIC], [*rows, 1],
                                       [1] * len(shape))
            scf.YieldOp([c.add(n, loop.inner_iter_args[0], col)])
    return c.reshape(n, loop.results[0], [*rows, 1])


def _scores(n, q, k, qh: int, kvh: int):
    """``q @ k^T`` per head; query head ``h`` uses KV head ``h // (qh / kvh)``."""
    b, _, sq, d = shape_of(q)
    kt = c.transpose(n, k, [0, 1, 3, 2])
    if qh == kvh:
        return c.matmul(n, q, kt)
    grouped = c.matmul(n, c.reshape(n, q, [b, kvh, qh // kvh * sq, d], keeps=1), kt)
    return c.reshape(n, grouped, [b, qh, sq, shape_of(k)[2]], keeps=1)


def _weighted(n, probs, v, qh: int, kvh: int):
    b, _, sq, skv = shape_of(probs)
    if qh == kvh:
        return c.matmul(n, probs, v)
    grouped = c.matmul(n, c.reshape(n, probs, [b, kvh, qh // kvh * sq, skv], keeps=1), v)
    return c.reshape(n, grouped, [b, qh, sq, shape_of(v)[3]], keeps=1)


def _bias(n, dtype, b: int, sq: int, skv: int, past: int):
    """The additive bias (None: none) and the fully-masked-row guard (None: no such row)."""
    if n.has(6) and n.has(4):
        raise n.unsupported("nonpad_kv_seqlen together with past_key")
    if not (n.has(3) or n.has(6) or _frontier_rules(n)):
        return None, None
    if sq < 0 or skv < 0:
        raise n.unsupported("a causal, windowed or masked Attention needs static sequence "
                            "lengths (the bias is built at compile time); give the input "
                            "shapes (--input-shape)")
    parts = [_mask_bias(n, dtype, skv)] if n.has(3) else []
    rel = np.arange(sq)[:, None] - np.arange(skv)[None, :]  # i - j
    if n.has(6):
        nonpad = c.reshape(n, c.cast(n, n.value(6), element_type(np.dtype(np.int64), str(n))),
                           [b, 1, 1, 1])
        diff = c.add(n, n.constant((rel - sq).astype(np.int64)), nonpad)
        parts += [_allowed(n, dtype, cond) for cond in _frontier(n, diff)]
        lanes = n.constant(np.arange(skv, dtype=np.int64).reshape(1, 1, 1, skv))
        parts.append(_allowed(n, dtype, c.compare(n, "lt", lanes, nonpad)))
        const = np.zeros((sq, skv), dtype)
    else:
        allowed = np.ones((sq, skv), bool)
        for predicate, bound in _frontier_rules(n):
            allowed &= _NP_CMP[predicate](rel + past, bound)
        const = np.where(allowed, dtype.type(0), dtype.type(-np.inf))
    if not parts:
        masked = np.isneginf(const.max(axis=-1, keepdims=True))
        guard = n.constant(masked) if masked.any() else None
        return (n.constant(const) if np.isneginf(const).any() else None), guard
    bias = parts[0]
    for part in parts[1:] + ([n.constant(const)] if np.isneginf(const).any() else []):
        bias = c.add(n, bias, part)
    top = c.reduce(n, bias, "max", [len(shape_of(bias)) - 1])
    guard = c.unary(n, top, "isneginf", out_type=tensor_type(shape_of(top), _i1()))
    return bias, guard


_NP_CMP = {"ge": np.greater_equal, "le": np.less_equal}


def _frontier_rules(n) -> list[tuple[str, int]]:
    """Conditions on ``diff = i + offset - j`` for a key to be attended (causal, window)."""
    rules = [("ge", 0)] if int(n.attr("is_causal", 0)) else []
    left, right = int(n.attr("left_window_size", -1)), int(n.attr("right_window_size", -1))
    if left >= 0:
        rules.append(("le", left))
    if right >= 0:
        rules.append(("ge", -right))
    return rules


def _frontier(n, diff):
    return [c.compare(n, p, diff, n.constant(np.array(bound, np.int64)))
            for p, bound in _frontier_rules(n)]


def _allowed(n, dtype, cond):
    """0 where ``cond``, -inf elsewhere."""
    return c.where(n, cond, n.constant(dtype.type(0)), n.constant(dtype.type(-np.inf)))


def _mask_bias(n, dtype, skv: int):
    mask = n.value(3)
    shape = shape_of(mask)
    if str(elem_of(mask)) == "i1":
        mask = _allowed(n, dtype, mask)
    else:
        mask = c.cast(n, mask, element_type(dtype, str(n)))
    if shape[-1] < skv:
        fill = np.full([*shape[:-1], skv - shape[-1]], -np.inf, dtype)
        mask = c.concat(n, mask, n.constant(fill), len(shape) - 1)
    return mask
