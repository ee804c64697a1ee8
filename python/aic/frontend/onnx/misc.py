"""ONNX ops that are constants at import time or rewrite into other graph ops: Constant, Range,
EyeLike (constants), Det (the Leibniz formula, up to 5x5), Einsum (two-operand contractions as transpose/reshape/matmul, one-operand
permutations and sums as transpose/reduce).

Einsum supports explicit or implicit output, ``...``, and a letter repeated twice within one
operand (its diagonal is taken first: transpose, flatten the pair, slice with step d + 1).
"""

from __future__ import annotations

import itertools

import numpy as np
import onnx.numpy_helper

from aic.dialects.graph import GatherOp, MatMulOp, ReduceOp, SliceOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import reshape, transpose
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, np_dtype, shape_of, tensor_type

_CONSTANT_ATTRS = {"value", "value_float", "value_floats", "value_int", "value_ints",
                   "sparse_value", "value_string", "value_strings"}


@handler("Constant", 1, attrs=_CONSTANT_ATTRS)
def constant(n):
    if n.has_attr("value"):
        return np.asarray(onnx.numpy_helper.to_array(n.attr("value")))
    for key, dtype in (("value_float", np.float32), ("value_floats", np.float32),
                       ("value_int", np.int64), ("value_ints", np.int64)):
        if n.has_attr(key):
            return np.array(n.attr(key), dtype)
    raise n.unsupported("only tensor, float(s) and int(s) constants are supported")


@handler("Range", 11)
def range_(n):
    start, limit, delta = (n.need_const(i, name).reshape(()) for i, name in
                           enumerate(("start", "limit", "delta")))
    count = max(int(np.ceil((limit - start) / delta)), 0)
    return (start + np.arange(count) * delta).astype(start.dtype)


MAX_DET = 5  # Det by the Leibniz formula: n! products of n entries


@handler("Det", 11)
def det(n):
    """``sum over permutations p of sign(p) * prod_i a[i, p(i)]`` (Leibniz) for matrices up to
    ``MAX_DET`` x ``MAX_DET``: one gather of the n! permuted diagonals, a product and a signed
    sum."""
    x, shape = n.value(0), n.shape(0)
    size = shape[-1]
    if shape[-2] != size or not 1 <= size <= MAX_DET:
        raise n.unsupported(f"{shape[-2]}x{size} matrices (square, at most {MAX_DET}x{MAX_DET})")
    perms = np.array(list(itertools.permutations(range(size))), np.int64)
    signs = np.array([np.linalg.det(np.eye(size)[list(p)]) for p in perms]).round()
    lead = list(shape[:-2])
    flat = reshape(n, x, [*lead, size * size])
    picked = n.op(GatherOp, tensor_type([*lead, len(perms), size], elem_of(x)), x=flat,
                  indices=n.constant(perms * size + np.arange(size)), axis=len(lead))
    terms = c.reduce(n, picked, "prod", [len(lead) + 1], keepdims=False)
    signed = c.mul(n, terms, n.constant(signs.astype(np_dtype(elem_of(x)))))
    return c.reduce(n, signed, "sum", [len(lead)], keepdims=False)


@handler("EyeLike", 9, attrs={"dtype", "k"})
def eye_like(n):
    rows, cols = n.shape(0)
    return np.eye(rows, cols, int(n.attr("k", 0)), dtype=np_dtype(n.out_type().element_type))


def _parse(n, equation: str, ranks: list[int]):
    lhs, arrow, out = equation.replace(" ", "").partition("->")
    terms = lhs.split(",")
    if len(terms) != len(ranks):
        raise n.unsupported(f"equation '{equation}' does not match {len(ranks)} inputs")
    used = set(lhs)
    free = iter(c for c in "ZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in used)
    ell = ""
    expanded = []
    for t, r in zip(terms, ranks):
        if "..." in t:
            k = r - (len(t) - 3)
            ell = ell if len(ell) >= k else ell + "".join(next(free) for _ in range(k - len(ell)))
            t = t.replace("...", ell[len(ell) - k:] if k else "")
        if len(t) != r or any(t.count(c) > 2 for c in t):
            raise n.unsupported(f"einsum term '{t}' (rank {r}): rank mismatch or a letter "
                                "repeated more than twice")
        expanded.append(t)
    if arrow:
        out = out.replace("...", ell)
    else:
        counts = {c: lhs.count(c) for c in set("".join(expanded))}
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    return expanded, out


def _sum_out(n, x, term: str, keep: str):
    """Sum ``x`` (labelled ``term``) over the letters not in ``keep``."""
    axes = [i for i, c in enumerate(term) if c not in keep]
    if not axes:
        return x, term
    shape = [d for i, d in enumerate(shape_of(x)) if i not in axes]
    y = n.op(ReduceOp, n.ttype(shape, elem_of(x)), x=x, kind="sum", axes=axes, keepdims=False)
    return y, "".join(c for c in term if c in keep)


def _diagonal(n, x, term: str):
    """Take the diagonal of every letter repeated in ``term`` (moved last, flattened, then
    every ``d + 1``-th element); returns the value and its term without repeats."""
    for letter in dict.fromkeys(term):
        if term.count(letter) < 2:
            continue
        p, q = term.index(letter), term.rindex(letter)
        rest = [i for i in range(len(term)) if i not in (p, q)]
        x = transpose(n, x, rest + [p, q])
        shape, d = shape_of(x), shape_of(x)[-1]
        if shape[-2] != d:
            raise n.unsupported(f"einsum diagonal of a non-square {shape[-2]}x{d} pair")
        flat = reshape(n, x, shape[:-2] + [d * d])
        starts, steps = [0] * (len(shape) - 1), [1] * (len(shape) - 2) + [d + 1]
        x = n.op(SliceOp, n.ttype(shape[:-2] + [d], elem_of(x)), x=flat, starts=starts,
                 steps=steps)
        term = "".join(term[i] for i in rest) + letter
    return x, term


@handler("Einsum", 12, attrs={"equation"})
def einsum(n):
    values = [n.value(i) for i in range(n.n_inputs)]
    terms, out = _parse(n, n.attr("equation"), [len(shape_of(v)) for v in values])
    pairs = [_diagonal(n, v, term) for v, term in zip(values, terms)]
    values, terms = [v for v, _ in pairs], [term for _, term in pairs]
    if len(values) == 1:
        x, term = _sum_out(n, values[0], terms[0], out)
        return transpose(n, x, [term.index(c) for c in out])
    if len(values) != 2:
        raise n.unsupported("einsum with more than two operands")
    (a, ta), (b, tb) = _sum_out(n, values[0], terms[0], terms[1] + out), \
        _sum_out(n, values[1], terms[1], terms[0] + out)
    batch = [c for c in ta if c in tb and c in out]
    contract = [c for c in ta if c in tb and c not in out]
    left = [c for c in ta if c not in tb]
    right = [c for c in tb if c not in ta]
    dims = dict(zip(ta, shape_of(a))) | dict(zip(tb, shape_of(b)))
    if any(dims[c] != d for c, d in zip(ta, shape_of(a))):
        raise n.unsupported("einsum operands disagree on a dimension (broadcasting)")
    size = lambda cs: int(np.prod([dims[c] for c in cs]))  # noqa: E731
    bs = [dims[c] for c in batch]
    a2 = reshape(n, transpose(n, a, [ta.index(c) for c in batch + left + contract]),
                 bs + [size(left), size(contract)])
    b2 = reshape(n, transpose(n, b, [tb.index(c) for c in batch + contract + right]),
                 bs + [size(contract), size(right)])
    prod = n.op(MatMulOp, n.ttype(bs + [size(left), size(right)], elem_of(a)), a=a2, b=b2)
    order = batch + left + right
    y = reshape(n, prod, [dims[c] for c in order])
    return transpose(n, y, [order.index(c) for c in out])
