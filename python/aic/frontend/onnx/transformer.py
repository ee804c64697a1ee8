"""The opset-23 transformer ops RMSNormalization and RotaryEmbedding, decomposed into graph
ops (reduce + elementwise, which the graph fusion turns into row kernels; slices, products
and a concat). Attention is in ``attention.py``.

RMSNormalization: ``x * rsqrt(mean(x^2 over axis..) + epsilon) * scale``, computed in f32
(``stash_type = 1``) for f16/bf16 inputs.

RotaryEmbedding: the rotation works on ``[batch, heads, seq, head_size]`` (4-D input) or on
the 3-D input reshaped to ``[batch, seq, num_heads, head_size]``; the cos/sin rows come from
the caches at ``position_ids`` (a ``graph.gather``, run-time indices) or are the caches
themselves (``[batch, seq, rotary_dim / 2]``). Halves (or, ``interleaved``, even/odd lanes)
of the first ``rotary_embedding_dim`` lanes are rotated; the rest pass through.
"""

from __future__ import annotations

from aic.dialects.graph import GatherOp
from aic.frontend.onnx import compose as c
from aic.frontend.onnx.common import norm_axis
from aic.frontend.onnx.registry import handler
from aic.frontend.onnx.tensors import elem_of, shape_of, tensor_type
from aic.mlir_api import ir


def _f32():
    return ir.F32Type.get()


@handler("RMSNormalization", 23, attrs={"axis", "epsilon", "stash_type"})
def rms_normalization(n):
    if int(n.attr("stash_type", 1)) != 1:
        raise n.unsupported("stash_type other than 1 (float) is not supported")
    x = n.value(0)
    axis = norm_axis(n, int(n.attr("axis", -1)), n.rank(0))
    elem = elem_of(x)
    wide = c.cast(n, x, _f32()) if str(elem) in ("f16", "bf16") else x
    mean = c.reduce(n, c.mul(n, wide, wide), "mean", range(axis, n.rank(0)))
    eps = c.scalar_like(n, float(n.attr("epsilon", 1e-5)), wide)
    normed = c.cast(n, c.mul(n, wide, c.unary(n, c.add(n, mean, eps), "rsqrt")), elem)
    return c.mul(n, normed, n.value(1))


def _caches(n, rows: list[int]):
    """cos and sin as ``rows`` (``[batch, seq, rot/2]`` reshaped for the layout)."""
    out = []
    for i in (1, 2):
        cache = n.value(i)
        if n.has(3):
            ids = n.value(3)
            shape = [*shape_of(ids), shape_of(cache)[-1]]
            cache = n.op(GatherOp, tensor_type(shape, elem_of(cache)), x=cache, indices=ids,
                         axis=0)
        out.append(c.reshape(n, cache, rows))
    return out


@handler("RotaryEmbedding", 23, attrs={"interleaved", "rotary_embedding_dim", "num_heads"})
def rotary_embedding(n):
    x = n.value(0)
    shape = n.shape(0)
    if len(shape) == 3:
        heads = int(n.attr("num_heads", 0))
        if heads <= 0 or shape[2] % heads:
            raise n.unsupported(f"3-D input needs num_heads dividing {shape[2]}, got {heads}")
        x = c.reshape(n, x, [shape[0], shape[1], heads, shape[2] // heads])
    elif len(shape) != 4:
        raise n.unsupported(f"input of rank {len(shape)} (3 or 4 expected)")
    b, d = shape[0], shape_of(x)[-1]
    rot = int(n.attr("rotary_embedding_dim", 0)) or d
    if rot % 2 or rot > d:
        raise n.unsupported(f"rotary_embedding_dim {rot} (even, <= head size {d})")
    seq = shape[2] if len(shape) == 4 else shape[1]
    rows = [b, 1, seq, rot // 2] if len(shape) == 4 else [b, seq, 1, rot // 2]
    cos, sin = _caches(n, rows)
    y = c.concat(n, _rotate(n, x, cos, sin, rot, bool(n.attr("interleaved", 0))),
                 c.last_slice(n, x, rot, d), 3)
    return c.reshape(n, y, shape)


def _rotate(n, x, cos, sin, rot: int, interleaved: bool):
    half = rot // 2
    if interleaved:
        x1, x2 = c.last_slice(n, x, 0, rot, 2), c.last_slice(n, x, 1, rot, 2)
    else:
        x1, x2 = c.last_slice(n, x, 0, half), c.last_slice(n, x, half, rot)
    real = c.sub(n, c.mul(n, cos, x1), c.mul(n, sin, x2))
    imag = c.add(n, c.mul(n, sin, x1), c.mul(n, cos, x2))
    if not interleaved:
        return c.concat(n, real, imag, 3)
    lanes = [*shape_of(real), 1]
    pairs = c.concat(n, c.reshape(n, real, lanes), c.reshape(n, imag, lanes), 4)
    return c.reshape(n, pairs, [*shape_of(real)[:-1], rot])
