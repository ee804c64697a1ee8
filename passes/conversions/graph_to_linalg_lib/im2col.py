"""Group-1 2-D convolutions as im2col + ``linalg.matmul`` (tiled and vectorized downstream).

Contract: ``im2col_conv(x, w, init, strides, dilations)`` with the already padded input ``x``
N x C x H x W, the kernel ``w`` F x C x KH x KW and the accumulator ``init`` N x F x OH x OW
(bias or zeros, element type ``acc``) returns ``init + conv(x, w)`` of ``init``'s type:

* the patch matrix Pt[n, c*KH*KW + kh*KW + kw, oh*OW + ow] = x[n, c, oh*sh + kh*dh,
  ow*sw + kw*dw] is one copying ``linalg.generic`` over (n, c, kh, kw, oh, ow) collapsed to
  N x CKK x OHW; a 1x1 kernel with unit strides needs no copy (``x`` collapsed to N x C x HW);
* the kernel is collapsed to W2 F x CKK;
* N == 1: ``linalg.matmul`` W2 @ Pt[0] into ``init`` collapsed to F x OHW (with ``bias``:
  then + bias[f], an elementwise generic), expanded back to 1 x F x OH x OW (no transpose); N > 1: ``linalg.batch_matmul`` with W2 broadcast to
  N x F x CKK.

``CONV_IM2COL`` (a context variable, default True) selects this path; the pass option
``conv-im2col`` of ``aic-convert-graph-to-linalg`` sets it while the pass runs.

May import: the MLIR shim, ``common`` and ``scalar``.
"""

from __future__ import annotations

import contextvars

from aic.mlir_api import ir, linalg
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (
    PARALLEL, affine_map, dim, elem_of, empty, generic, reshape, shape_of)

CONV_IM2COL: contextvars.ContextVar[bool] = contextvars.ContextVar("aic_conv_im2col",
                                                                   default=True)


def applies(x: ir.Value, group: int) -> bool:
    """Whether a conv on (padded) ``x`` with ``group`` takes the im2col path."""
    return CONV_IM2COL.get() and group == 1 and len(shape_of(x)) == 4


def patches(x: ir.Value, kernel: list[int], out_sizes: list[int], strides: list[int],
            dilations: list[int]) -> ir.Value:
    """The patch matrix N x (C*KH*KW) x (OH*OW) of the padded input ``x``."""
    n, c, h, w = shape_of(x)
    kh, kw = kernel
    oh, ow = out_sizes
    ohw = oh * ow
    if kernel == [1, 1] and strides == [1, 1] and [h, w] == out_sizes:
        return reshape(x, [n, c, ohw])
    # dims: n, c, kh, kw, oh, ow
    rows = [dim(4) * strides[0] + dim(2) * dilations[0],
            dim(5) * strides[1] + dim(3) * dilations[1]]
    x_map = affine_map(6, [0, 1] + rows)
    out = empty([n, c, kh, kw, oh, ow], elem_of(x))
    copied = generic([x], [out], [x_map, ir.AffineMap.get_identity(6)], [PARALLEL] * 6,
                     lambda a, _: a)[0]
    return reshape(copied, [n, c * kh * kw, ohw])


def im2col_conv(x: ir.Value, w: ir.Value, init: ir.Value, strides: list[int],
                dilations: list[int], bias: ir.Value | None = None) -> ir.Value:
    """``init`` + the group-1 2-D conv of padded ``x`` with ``w`` via im2col + matmul (N == 1
    with ``bias``: + bias per output channel, added to the F x OH*OW product by an
    elementwise generic that becomes the matmul kernel's epilogue)."""
    sw, so = shape_of(w), shape_of(init)
    n, f = so[0], so[1]
    ckk, ohw = sw[1] * sw[2] * sw[3], so[2] * so[3]
    pt = patches(x, sw[2:], so[2:], strides, dilations)
    w2 = reshape(w, [f, ckk])
    if n == 1:
        acc = reshape(init, [f, ohw])
        res = linalg.matmul(w2, reshape(pt, [ckk, ohw]), outs=[acc])
        if bias is not None:
            maps = [affine_map(2, [0, 1]), affine_map(2, [0]), affine_map(2, [0, 1])]
            res = generic([res, bias], [empty([f, ohw], elem_of(res))], maps,
                          [PARALLEL, PARALLEL], lambda a, b, _: s.add(a, b))[0]
    else:
        wb = linalg.broadcast(w2, outs=[empty([n, f, ckk], elem_of(w))], dimensions=[0])
        acc = reshape(init, [n, f, ohw])
        res = linalg.batch_matmul(wb.results[0], pt, outs=[acc])
    return reshape(res, so)
