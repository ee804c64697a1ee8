"""grid_sample -> one parallel ``linalg.generic`` over the result.

For result position ``(n, c, o...)`` the body reads the ``k`` grid coordinates with
``tensor.extract`` (innermost input dim first, as ONNX lists them), denormalizes them
(``align_corners``), rounds half to even (``nearest``), applies the padding mode to the
coordinate (``border``: clamp to the edge pixels when outside; ``reflection``: reflect at
the borders), then sums the taps (``nearest`` 1, ``linear`` 2, ``cubic`` 4 per dim, Keys
with a = -0.75) as the tensor product of their per-dim weights times ``x`` read with
``tensor.extract``. Taps outside the input read 0 (``zeros``), the edge (``border``) or
their reflection; every read index is clamped into the input, so no read is out of bounds
(a NaN coordinate counts as far outside). The arithmetic is the ONNX reference's, in f32
(f64 for an f64 grid).

May import: the MLIR shim, the graph op classes, ``common`` and ``scalar``.
"""

from __future__ import annotations

import itertools

from aic.dialects.graph import GridSampleOp
from aic.mlir_api import arith, ir, math, tensor
from aic.passes.conversions.graph_to_linalg_lib import scalar as s
from aic.passes.conversions.graph_to_linalg_lib.common import (PARALLEL, const, const_index,
                                                               elem_of, empty, indexed_generic,
                                                               shape_of)

_A = -0.75  # the cubic coefficient
_FAR = 1e7  # coordinates are clamped to +-_FAR before becoming integers


class _Dim:
    """Arithmetic on one coordinate along an input dim of ``size`` (float type ``ft``)."""

    def __init__(self, ft: ir.Type, size: int, align_corners: bool, padding: str):
        self.ft, self.size, self.padding = ft, size, padding
        self.lo, self.hi = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
        self.align = align_corners

    def f(self, v: float) -> ir.Value:
        return const(self.ft, v)

    def source(self, g: ir.Value, nearest: bool) -> ir.Value:
        """The (float) source coordinate of normalized ``g``."""
        one, d = self.f(1.0), self.f(float(self.size))
        if self.align:
            c = arith.mulf(arith.mulf(arith.addf(g, one), self.f(0.5)), self.f(self.size - 1.0))
        else:
            c = arith.mulf(arith.subf(arith.mulf(arith.addf(g, one), d), one), self.f(0.5))
        c = s.select(s.compare("uno", c, c), self.f(-_FAR), c)
        if nearest:
            c = math.roundeven(c)
        outside = arith.ori(s.compare("lt", c, self.f(self.lo)),
                            s.compare("gt", c, self.f(self.hi)))
        if self.padding == "border":
            c = s.select(outside, self._clamp(c, 0.0, self.size - 1.0), c)
        elif self.padding == "reflection":
            c = s.select(outside, self.reflect(c), c)
        return self._clamp(c, -_FAR, _FAR)

    def _clamp(self, c, lo: float, hi: float):
        return s.minimum(s.maximum(c, self.f(lo)), self.f(hi))

    def reflect(self, v: ir.Value) -> ir.Value:
        """Reflect ``v`` at ``lo``/``hi`` until inside (the reference's ``_gs_reflect``)."""
        span = self.hi - self.lo
        if span <= 0:
            return self.f(self.lo)
        lo, hi = self.f(self.lo), self.f(self.hi)

        def fold(dx, near, far):
            n = math.floor(arith.divf(dx, self.f(span)))
            r = arith.subf(dx, arith.mulf(n, self.f(span)))
            half = arith.mulf(math.floor(arith.mulf(n, self.f(0.5))), self.f(2.0))
            even = s.compare("eq", n, half)
            return s.select(even, near(r), far(r))
        below = fold(arith.subf(lo, v), lambda r: arith.addf(lo, r), lambda r: arith.subf(hi, r))
        above = fold(arith.subf(v, hi), lambda r: arith.subf(hi, r), lambda r: arith.addf(lo, r))
        return s.select(s.compare("lt", v, lo), below, s.select(s.compare("gt", v, hi), above, v))

    def tap(self, i: ir.Value) -> tuple[ir.Value, ir.Value | None]:
        """(the index read for integer (f-typed) tap ``i``, its in-range flag for zeros)."""
        valid = None
        if self.padding == "reflection":
            i = self.reflect(i)
        elif self.padding == "zeros":
            valid = arith.andi(s.compare("ge", i, self.f(0.0)),
                               s.compare("le", i, self.f(self.size - 1.0)))
        i = self._clamp(i, 0.0, self.size - 1.0)
        return arith.index_cast(ir.IndexType.get(),
                                arith.fptosi(ir.IntegerType.get_signless(64), i)), valid

    def taps(self, c: ir.Value, mode: str) -> list[tuple[ir.Value, ir.Value | None, ir.Value]]:
        """(index, valid, weight) of each tap of source coordinate ``c``."""
        if mode == "nearest":
            return [(*self.tap(math.trunc(c)), self.f(1.0))]
        x0 = math.floor(c)
        t = arith.subf(c, x0)
        weights = ([arith.subf(self.f(1.0), t), t] if mode == "linear" else _cubic(self, t))
        first = -1 if mode == "cubic" else 0
        return [(*self.tap(arith.addf(x0, self.f(float(first + j)))), w)
                for j, w in enumerate(weights)]


def _cubic(d: _Dim, t: ir.Value) -> list[ir.Value]:
    def poly(x, coeffs):  # ((c0 * x + c1) * x + c2) * x + c3
        acc = d.f(coeffs[0])
        for cf in coeffs[1:]:
            acc = arith.addf(arith.mulf(acc, x), d.f(cf))
        return acc
    one, two = d.f(1.0), d.f(2.0)
    outer = [_A, -5 * _A, 8 * _A, -4 * _A]
    inner = [_A + 2, -(_A + 3), 0.0, 1.0]
    return [poly(arith.addf(t, one), outer), poly(t, inner),
            poly(arith.subf(one, t), inner), poly(arith.subf(two, t), outer)]


def lower_grid_sample(op):
    x, grid = op.x, op.grid
    out = op.operation.results[0]
    shape, sx = shape_of(out), shape_of(x)
    k, m = len(sx) - 2, len(shape) - 2
    ft = elem_of(grid) if str(elem_of(grid)) == "f64" else ir.F32Type.get()
    dims = [_Dim(ft, sx[2 + i], bool(op.align_corners), op.padding_mode) for i in range(k)]

    def body(pos, _):
        at = [pos[0], *(pos[2 + j] for j in range(m))]
        taps = []
        for i, d in enumerate(dims):
            g = s.convert(tensor.extract(grid, at + [const_index(k - 1 - i)]), ft)
            taps.append(d.taps(d.source(g, op.mode == "nearest"), op.mode))
        total = const(ft, 0.0)
        for combo in itertools.product(*taps):
            v = s.convert(tensor.extract(x, [pos[0], pos[1], *(t[0] for t in combo)]), ft)
            for _, valid, w in combo:
                v = arith.mulf(v, w)
                if valid is not None:
                    v = s.select(valid, v, const(ft, 0.0))
            total = arith.addf(total, v)
        return s.convert(total, elem_of(out))
    rank = len(shape)
    return [indexed_generic([], [empty(shape, elem_of(out))], [ir.AffineMap.get_identity(rank)],
                            [PARALLEL] * rank, dict(enumerate(shape)), body)[0]]


LOWERINGS = {GridSampleOp: lower_grid_sample}
