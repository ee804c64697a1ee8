"""numpy references for the graph -> linalg numerical tests (direct loop definitions)."""

import itertools

import numpy as np


def conv_ref(x, w, b, strides, pads, dil, group):
    ns = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + [(pads[i], pads[ns + i]) for i in range(ns)])
    n, m, cg, ks = x.shape[0], w.shape[0], w.shape[1], w.shape[2:]
    outs = [(xp.shape[2 + i] - dil[i] * (ks[i] - 1) - 1) // strides[i] + 1 for i in range(ns)]
    y = np.zeros((n, m, *outs), np.float64)
    fg = m // group
    for o in np.ndindex(*outs):
        for kk in np.ndindex(*ks):
            idx = tuple(o[i] * strides[i] + kk[i] * dil[i] for i in range(ns))
            patch = xp[(slice(None), slice(None)) + idx]
            for g in range(group):
                wk = w[(slice(g * fg, (g + 1) * fg), slice(None)) + kk]
                y[(slice(None), slice(g * fg, (g + 1) * fg)) + o] += \
                    patch[:, g * cg:(g + 1) * cg] @ wk.T
    if b is not None:
        y += b.reshape([1, m] + [1] * ns)
    return y.astype(x.dtype)


def conv_transpose_ref(x, w, b, strides, pads, dil, group, out_sizes):
    ns = x.ndim - 2
    n, c = x.shape[:2]
    cg, mg, ks = c // group, w.shape[1], w.shape[2:]
    y = np.zeros((n, mg * group, *out_sizes), np.float64)
    for i in np.ndindex(*x.shape[2:]):
        for kk in np.ndindex(*ks):
            o = tuple(i[d] * strides[d] + kk[d] * dil[d] - pads[d] for d in range(ns))
            if not all(0 <= o[d] < out_sizes[d] for d in range(ns)):
                continue
            for g in range(group):
                xs = x[(slice(None), slice(g * cg, (g + 1) * cg)) + i]
                wk = w[(slice(g * cg, (g + 1) * cg), slice(None)) + kk]
                y[(slice(None), slice(g * mg, (g + 1) * mg)) + o] += xs @ wk
    if b is not None:
        y += b.reshape([1, -1] + [1] * ns)
    return y.astype(x.dtype)


def pool_ref(x, kind, kernel, strides, pads, dil, out_sizes, include_pad):
    ns = x.ndim - 2
    y = np.zeros(x.shape[:2] + tuple(out_sizes), x.dtype)
    for o in np.ndindex(*out_sizes):
        cells, count = [], 0
        for kk in itertools.product(*[range(k) for k in kernel]):
            p = [o[d] * strides[d] - pads[d] + kk[d] * dil[d] for d in range(ns)]
            if all(0 <= p[d] < x.shape[2 + d] for d in range(ns)):
                cells.append(x[(slice(None), slice(None)) + tuple(p)])
            if all(-pads[d] <= p[d] < x.shape[2 + d] + pads[ns + d] for d in range(ns)):
                count += 1
        stack = np.stack(cells)
        if kind == "max":
            y[(slice(None), slice(None)) + o] = stack.max(0)
        else:
            y[(slice(None), slice(None)) + o] = stack.sum(0) / (count if include_pad
                                                                else len(cells))
    return y
