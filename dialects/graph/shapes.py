"""Shape rules of the graph dialect, as pure arithmetic on Python lists (no MLIR).

A shape is a list of ints; an unknown dimension is any negative int (``DYN``, MLIR's
``ShapedType.get_dynamic_size()``, is what results use; ``-1`` is accepted on input). Every
rule returns the result shape(s) and raises ``ShapeError`` (message phrased for
``'graph.<op>' op <message>``) when the operands cannot be valid. Unknown dims propagate:
a rule only fails on what is known to be wrong.

Attribute layouts: ``pads`` list all begin pads then all end pads; ``strides``,
``dilations``, ``kernel`` and ``output_padding`` have one entry per spatial dim.
"""

from __future__ import annotations

import math
from typing import Sequence

DYN = -(2**63)
"""An unknown dimension (equal to MLIR's ``ShapedType.get_dynamic_size()``)."""

Shape = Sequence[int]


class ShapeError(ValueError):
    """The operands/attributes of an op are inconsistent."""


def is_dyn(d: int) -> bool:
    return d < 0


def _dim(d: int) -> int:
    return DYN if is_dyn(d) else d


def compatible(a: Shape, b: Shape) -> bool:
    """Same rank and every dim equal or unknown on one side."""
    return len(a) == len(b) and all(is_dyn(x) or is_dyn(y) or x == y for x, y in zip(a, b))


def refine(old: Shape, new: Shape) -> list[int]:
    """``old`` with its unknown dims taken from ``new`` (shapes must be compatible)."""
    if not compatible(old, new):
        raise ShapeError(f"shape {fmt(old)} conflicts with inferred shape {fmt(new)}")
    return [y if is_dyn(x) else x for x, y in zip(old, new)]


def fmt(shape: Shape) -> str:
    return "x".join("?" if is_dyn(d) else str(d) for d in shape) or "scalar"


def normalize_axis(axis: int, rank: int, what: str = "axis", extra: int = 0) -> int:
    """``axis`` in ``[-rank-extra, rank+extra)`` made non-negative, else ``ShapeError``."""
    hi = rank + extra
    if not -hi <= axis < hi:
        raise ShapeError(f"expects {what} in [{-hi}, {hi}) for rank {rank}, got {axis}")
    return axis + hi if axis < 0 else axis


def num_elements(shape: Shape) -> int | None:
    return None if any(is_dyn(d) for d in shape) else math.prod(shape)


# -- elementwise ---------------------------------------------------------------------------


def broadcast(*shapes: Shape) -> list[int]:
    """numpy (multidirectional) broadcasting of all ``shapes``."""
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        known = {d for d in dims if not is_dyn(d) and d != 1}
        if len(known) > 1:
            raise ShapeError("expects broadcast-compatible shapes, got "
                             + ", ".join(fmt(s) for s in shapes))
        if known:
            out.append(known.pop())
        elif any(is_dyn(d) for d in dims):
            out.append(DYN)
        else:
            out.append(1)
    return out


def broadcasts_to(shape: Shape, target: Shape) -> bool:
    """Whether ``shape`` broadcasts to exactly ``target`` (unidirectional)."""
    if len(shape) > len(target):
        return False
    tail = target[len(target) - len(shape):]
    return all(is_dyn(s) or is_dyn(t) or s in (1, t) for s, t in zip(shape, tail))


# -- contractions ----------------------------------------------------------------------------


def _same(a: int, b: int, message: str) -> None:
    if not (is_dyn(a) or is_dyn(b) or a == b):
        raise ShapeError(message)


def matmul(a: Shape, b: Shape) -> list[int]:
    """numpy ``matmul``: rank-1 operands promoted, batch dims broadcast."""
    if not a or not b:
        raise ShapeError("expects operands of rank >= 1")
    a2 = [1, *a] if len(a) == 1 else list(a)
    b2 = [*b, 1] if len(b) == 1 else list(b)
    _same(a2[-1], b2[-2], f"expects matching contraction dims, got {fmt(a)} and {fmt(b)}")
    batch = broadcast(a2[:-2], b2[:-2])
    return batch + ([a2[-2]] if len(a) > 1 else []) + ([b2[-1]] if len(b) > 1 else [])


def dense(a: Shape, b: Shape, c: Shape | None, trans_a: bool, trans_b: bool) -> list[int]:
    """Gemm ``op(a) @ op(b) (+ c)`` on 2-D operands; ``c`` broadcasts to the result."""
    m, k = (a[1], a[0]) if trans_a else (a[0], a[1])
    k2, n = (b[1], b[0]) if trans_b else (b[0], b[1])
    _same(k, k2, f"expects matching contraction dims, got {fmt(a)} and {fmt(b)} "
                 f"(trans_a = {str(trans_a).lower()}, trans_b = {str(trans_b).lower()})")
    out = [_dim(m), _dim(n)]
    if c is not None and not broadcasts_to(c, out):
        raise ShapeError(f"expects 'c' of shape {fmt(c)} to broadcast to {fmt(out)}")
    return out


# -- windows: conv, pool ---------------------------------------------------------------------


def _check_window_attrs(spatial: int, **lists: Sequence[int]) -> None:
    for name, values in lists.items():
        want = 2 * spatial if name == "pads" else spatial
        if len(values) != want:
            raise ShapeError(f"expects {want} {name} for {spatial} spatial dims, got {len(values)}")


def window_size(size: int, k: int, stride: int, begin: int, end: int, dilation: int,
                ceil: bool = False) -> int:
    """Output length of a sliding window (ONNX/PyTorch rule for ``ceil_mode``: a last window
    that would start in the end padding is dropped)."""
    if is_dyn(size) or is_dyn(k):
        return DYN
    span = (k - 1) * dilation + 1
    room = size + begin + end - span
    if room < 0:
        raise ShapeError(f"expects the window extent {span} to fit the padded input size "
                         f"{size + begin + end}")
    out = (-(-room // stride) if ceil else room // stride) + 1
    if ceil and (out - 1) * stride >= size + begin:
        out -= 1
    return out


def _spatial(x: Shape, what: str = "input") -> int:
    if len(x) < 3:
        raise ShapeError(f"expects {what} of rank >= 3 (N x C x spatial...), got rank {len(x)}")
    return len(x) - 2


def conv(x: Shape, w: Shape, bias: Shape | None, strides: Sequence[int], pads: Sequence[int],
         dilations: Sequence[int], group: int) -> list[int]:
    """N x C x D... conv M x C/group x K... -> N x M x O..."""
    n = _spatial(x)
    if len(w) != len(x):
        raise ShapeError(f"expects weight rank {len(x)} (input rank), got {len(w)}")
    _check_window_attrs(n, strides=strides, pads=pads, dilations=dilations)
    if not is_dyn(x[1]) and not is_dyn(w[1]) and x[1] != w[1] * group:
        raise ShapeError(f"expects input channels ({x[1]}) = weight dim 1 ({w[1]}) * group "
                         f"({group})")
    if not is_dyn(w[0]) and w[0] % group:
        raise ShapeError(f"expects output channels ({w[0]}) divisible by group ({group})")
    _check_bias(bias, w[0])
    sizes = [window_size(x[2 + i], w[2 + i], strides[i], pads[i], pads[n + i], dilations[i])
             for i in range(n)]
    return [_dim(x[0]), _dim(w[0]), *sizes]


def _check_bias(bias: Shape | None, channels: int) -> None:
    if bias is None:
        return
    if len(bias) != 1 or not (is_dyn(bias[0]) or is_dyn(channels) or bias[0] == channels):
        raise ShapeError(f"expects bias of shape {fmt([channels])}, got {fmt(bias)}")


def conv_transpose(x: Shape, w: Shape, bias: Shape | None, strides: Sequence[int],
                   pads: Sequence[int], dilations: Sequence[int],
                   output_padding: Sequence[int], group: int) -> list[int]:
    """N x C x D... with weight C x M/group x K... -> N x M x O..."""
    n = _spatial(x)
    if len(w) != len(x):
        raise ShapeError(f"expects weight rank {len(x)} (input rank), got {len(w)}")
    _check_window_attrs(n, strides=strides, pads=pads, dilations=dilations,
                        output_padding=output_padding)
    _same(x[1], w[0], f"expects input channels ({fmt(x[1:2])}) = weight dim 0 ({fmt(w[0:1])})")
    if not is_dyn(x[1]) and x[1] % group:
        raise ShapeError(f"expects input channels ({x[1]}) divisible by group ({group})")
    m = DYN if is_dyn(w[1]) else w[1] * group
    _check_bias(bias, m)
    sizes = []
    for i in range(n):
        if is_dyn(x[2 + i]) or is_dyn(w[2 + i]):
            sizes.append(DYN)
            continue
        size = (strides[i] * (x[2 + i] - 1) + output_padding[i] + (w[2 + i] - 1) * dilations[i]
                + 1 - pads[i] - pads[n + i])
        if size <= 0:
            raise ShapeError(f"expects a positive output size, got {size} for spatial dim {i}")
        sizes.append(size)
    return [_dim(x[0]), m, *sizes]


def pool(x: Shape, kernel: Sequence[int], strides: Sequence[int], pads: Sequence[int],
         dilations: Sequence[int], ceil_mode: bool) -> list[int]:
    n = _spatial(x)
    _check_window_attrs(n, kernel=kernel, strides=strides, pads=pads, dilations=dilations)
    sizes = [window_size(x[2 + i], kernel[i], strides[i], pads[i], pads[n + i], dilations[i],
                         ceil_mode) for i in range(n)]
    return [_dim(x[0]), _dim(x[1]), *sizes]


def global_pool(x: Shape) -> list[int]:
    _spatial(x)
    return [_dim(x[0]), _dim(x[1])] + [1] * (len(x) - 2)


# -- reductions ------------------------------------------------------------------------------


def reduce(x: Shape, axes: Sequence[int], keepdims: bool) -> list[int]:
    """Reduce over ``axes`` (empty: all dims)."""
    norm = [normalize_axis(a, len(x), "axes") for a in axes] or list(range(len(x)))
    if len(set(norm)) != len(norm):
        raise ShapeError(f"expects distinct axes, got {list(axes)}")
    if keepdims:
        return [1 if i in norm else _dim(d) for i, d in enumerate(x)]
    return [_dim(d) for i, d in enumerate(x) if i not in norm]


def arg_reduce(x: Shape, axis: int, keepdims: bool) -> list[int]:
    return reduce(x, [axis], keepdims)


def topk(x: Shape, k: int, axis: int) -> list[int]:
    a = normalize_axis(axis, len(x))
    if not is_dyn(x[a]) and k > x[a]:
        raise ShapeError(f"expects k ({k}) <= size of dim {a} ({x[a]})")
    return [k if i == a else _dim(d) for i, d in enumerate(x)]


# -- data movement ---------------------------------------------------------------------------


def transpose(x: Shape, perm: Sequence[int]) -> list[int]:
    if sorted(perm) != list(range(len(x))):
        raise ShapeError(f"expects perm to be a permutation of 0..{len(x) - 1}, got {list(perm)}")
    return [_dim(x[p]) for p in perm]


def concat(shapes: Sequence[Shape], axis: int) -> list[int]:
    if not shapes:
        raise ShapeError("expects at least one input")
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise ShapeError("expects inputs of equal rank, got " + ", ".join(fmt(s) for s in shapes))
    if axis >= rank:
        raise ShapeError(f"expects axis < rank ({rank}), got {axis}")
    out = []
    for i in range(rank):
        dims = [s[i] for s in shapes]
        if i == axis:
            out.append(DYN if any(is_dyn(d) for d in dims) else sum(dims))
            continue
        known = {d for d in dims if not is_dyn(d)}
        if len(known) > 1:
            raise ShapeError(f"expects inputs to agree on dim {i}, got "
                             + ", ".join(fmt(s) for s in shapes))
        out.append(known.pop() if known else DYN)
    return out


def split(x: Shape, axis: int, sizes: Sequence[int]) -> list[list[int]]:
    if axis >= len(x):
        raise ShapeError(f"expects axis < rank ({len(x)}), got {axis}")
    if not is_dyn(x[axis]) and sum(sizes) != x[axis]:
        raise ShapeError(f"expects sizes {list(sizes)} to sum to dim {axis} ({x[axis]}), "
                         f"got {sum(sizes)}")
    return [[s if i == axis else _dim(d) for i, d in enumerate(x)] for s in sizes]


def gather(x: Shape, indices: Shape, axis: int) -> list[int]:
    if axis >= len(x):
        raise ShapeError(f"expects axis < rank ({len(x)}), got {axis}")
    return [_dim(d) for d in [*x[:axis], *indices, *x[axis + 1:]]]


def gather_elements(x: Shape, indices: Shape, axis: int) -> list[int]:
    if len(indices) != len(x):
        raise ShapeError(f"expects indices of rank {len(x)} (input rank), got {len(indices)}")
    if axis >= len(x):
        raise ShapeError(f"expects axis < rank ({len(x)}), got {axis}")
    return [_dim(d) for d in indices]


def pad(x: Shape, pads: Sequence[int]) -> list[int]:
    r = len(x)
    if len(pads) != 2 * r:
        raise ShapeError(f"expects {2 * r} pads for rank {r}, got {len(pads)}")
    return [DYN if is_dyn(d) else d + pads[i] + pads[r + i] for i, d in enumerate(x)]


def tile(x: Shape, repeats: Sequence[int]) -> list[int]:
    if len(repeats) != len(x):
        raise ShapeError(f"expects {len(x)} repeats for rank {len(x)}, got {len(repeats)}")
    return [DYN if is_dyn(d) else d * r for d, r in zip(x, repeats)]


def one_hot(indices: Shape, depth: int, axis: int) -> list[int]:
    if axis > len(indices):
        raise ShapeError(f"expects axis <= rank of indices ({len(indices)}), got {axis}")
    out = [_dim(d) for d in indices]
    out.insert(axis, depth)
    return out


def slice_(x: Shape, out: Shape, starts: Sequence[int], steps: Sequence[int]) -> None:
    """Check a strided slice: one start/step per dim, every selected index in range."""
    r = len(x)
    if len(starts) != r or len(steps) != r:
        raise ShapeError(f"expects {r} starts and steps for rank {r}, got {len(starts)} and "
                         f"{len(steps)}")
    if len(out) != r:
        raise ShapeError(f"expects result rank {r}, got {len(out)}")
    for d in range(r):
        if steps[d] == 0:
            raise ShapeError(f"expects non-zero steps, got {list(steps)}")
        if is_dyn(x[d]) or is_dyn(out[d]) or out[d] == 0:
            continue
        last = starts[d] + (out[d] - 1) * steps[d]
        if not (0 <= starts[d] < x[d] and 0 <= last < x[d]):
            raise ShapeError(f"expects dim {d} indices {starts[d]}..{last} (step {steps[d]}) "
                             f"within size {x[d]}")
