"""``aic-hw-vectorize``: turn the tiles inside `hw.parallel` into vector code (on tensors).

Only for a CPU `hw.target` (missing: `cpu-generic`); on a CUDA target the pass does nothing.

`hw.microkernel` C(m x n) += A(m x k) * B(k x n) with register tile mr x nr (f32-like floats
or i32/i64) becomes B packed into ceil(n/nr) contiguous panels of k x nr (P: vector copies, a
ragged last panel zero-padded; a B given packed -- a constant weight, packed at compile time
by aic-convert-tiled-to-hw -- is P) and one ``linalg.generic``

    C[i, j] += A[i, p] * P[j floordiv nr, p, j mod nr]      {aic.microkernel = mr}

that stays one op through bufferization; ``aic-memref-lower-microkernels`` then calls the
register-tile functions the module's kernels share (mr x nr = 12 x 32 f32 with AVX-512: 24
zmm accumulators; the k loop innermost, unrolled 4 times; row groups outermost, so a group's
A rows stay in L1 while the panels stream past them; m need not be a multiple of mr, n not
of nr: C's last panel is read and written masked). The packed panel keeps B's rows
contiguous (no cache-set conflicts from B's row stride).
Elementwise and innermost-reduction `linalg.generic` tiles are vectorized by
``vectorize_lib.elementwise`` / ``vectorize_lib.reduction``, depthwise-conv and pooling tiles along
the output row by ``vectorize_lib.window``. The result bufferizes with
`one-shot-bufferize`; vectors lower with `convert-vector-to-scf` / `convert-vector-to-llvm`.
Precondition: static tensor shapes (what `aic-convert-tiled-to-hw` produces).
"""

from __future__ import annotations

from aic import targets
from aic.dialects.hw import MicrokernelOp, ParallelOp, enclosing_target
from aic.dialects.tiled.shapes import static_shape
from aic.errors import PassError
from aic.mlir_api import arith, ir, scf, tensor, vector
from aic.pass_base import Pass, register_pass
from aic.passes.hw.vectorize_lib.elementwise import vectorize_generic
from aic.passes.hw.vectorize_lib.reduction import vectorize_reduction
from aic.passes.hw.vectorize_lib.window import NAMES as WINDOW_OPS
from aic.passes.hw.vectorize_lib.window import vectorize_window
from aic.passes.memref.lower_microkernels_lib import is_pairs, packed_contraction, vector_io
from aic.verify import walk


@register_pass
class HwVectorize(Pass):
    """Vectorize hw.microkernel (packed, marked for aic-memref-lower-microkernels),
    elementwise/reduction tile generics and depthwise-conv/pooling tiles."""

    NAME = "aic-hw-vectorize"

    def run(self, op):
        vectorize_tiles(op)


def vectorize_tiles(op) -> None:
    """Vectorize the micro-kernels and elementwise generics inside every hw.parallel."""
    try:
        target = enclosing_target(op) or targets.resolve("cpu-generic")
    except ValueError as e:
        raise PassError(f"invalid hw.target: {e}", op) from None
    if not isinstance(target, targets.CpuTarget):
        return
    bits = target.vector_bits
    for par in [c for c in walk(op) if isinstance(c, ParallelOp)]:
        for child in list(walk(par.operation)):
            if isinstance(child, MicrokernelOp):
                vectorize_microkernel(child)
            elif child.operation.name == "linalg.generic":
                vectorize_generic(child, bits) or vectorize_reduction(child, bits)
            elif child.operation.name in WINDOW_OPS:
                vectorize_window(child, bits)


def vectorize_microkernel(op: MicrokernelOp) -> bool:
    """Replace ``op`` with vector code; False (op untouched) when the shapes do not fit."""
    a_type, b_type, c_type = (ir.RankedTensorType(v.type) for v in (op.a, op.b, op.c))
    if any(static_shape(t) is None or t.rank != 2 for t in (a_type, c_type)):
        return False
    if static_shape(b_type) is None or b_type.rank not in (2, 3):
        return False
    (m, n), k = c_type.shape, a_type.shape[1]
    mr, nr = op.mr, op.nr
    if k < 1:
        return False
    with ir.InsertionPoint(op), op.location:
        result = _tile_loops(op, m, n, k, mr, nr, c_type.element_type)
    op.result.replace_all_uses_with(result)
    op.operation.erase()
    return True


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


def _plus(base: ir.Value, offset: int) -> ir.Value:
    return base if offset == 0 else arith.addi(base, _index(offset))


def _for(upper: int, step: int, inits: list[ir.Value]) -> scf.ForOp:
    return scf.ForOp(_index(0), _index(upper), _index(step), inits)


def _tile_loops(op, m, n, k, mr, nr, element) -> ir.Value:
    """B packed into ceil(n/nr) panels (a ragged last panel zero-padded), then the marked
    packed contraction that ``aic-memref-lower-microkernels`` turns into register tiles."""
    ragged = n % nr != 0
    panels = -(-n // nr)
    pairs = is_pairs(op.a.type, op.c.type)
    if ir.RankedTensorType(op.b.type).rank == 3:
        packed = op.b
    elif pairs:
        packed = _pack_b_pairs(op.b, k, nr, panels)
    else:
        packed = _pack_b(op.b, k, n, nr, element, panels, ragged)
    return packed_contraction(op.a, packed, op.c, mr)


def _pack_b(b, k, n, nr, element, count, ragged) -> ir.Value:
    """B (k x n) -> ``count`` panels (count x k x nr), each register-tile column panel
    contiguous; a ragged last panel is zero-padded (masked reads)."""
    empty = tensor.EmptyOp([count, k, nr], element).result
    panels = _for(count, 1, [empty])
    with ir.InsertionPoint(panels.body):
        jb = panels.induction_variable
        scf.YieldOp([pack_panel(b, panels.inner_iter_args[0], jb, jb, k, nr, ragged)])
    return panels.results[0]


def _pack_b_pairs(b, k, nr, count) -> ir.Value:
    """B (k x n, i16) -> ``count`` panels with k in pairs (count x ceil(k/2) x 2nr,
    ``P[j, p, 2c + e] = B[2p + e, j*nr + c]``): rows 2p and 2p + 1 read as vectors and
    interleaved (masked reads: a zero row past an odd k, zeros past n)."""
    element = ir.RankedTensorType(b.type).element_type
    half = -(-k // 2)
    vtype, minor2, read_in_bounds, pad = vector_io(nr, element, 2, False)
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    minor3 = ir.AffineMapAttr.get(ir.AffineMap.get(3, 0, [ir.AffineDimExpr.get(2)]))
    mask = [i // 2 + (nr if i % 2 else 0) for i in range(2 * nr)]
    empty = tensor.EmptyOp([count, half, 2 * nr], element).result
    panels = _for(count, 1, [empty])
    with ir.InsertionPoint(panels.body):
        jb = panels.induction_variable
        j = arith.muli(jb, _index(nr))
        rows = _for(half, 1, [panels.inner_iter_args[0]])
        with ir.InsertionPoint(rows.body):
            p = rows.induction_variable
            even = arith.muli(p, _index(2))
            v0, v1 = (vector.transfer_read(vtype, b, [r, j], minor2, pad, read_in_bounds)
                      for r in (even, _plus(even, 1)))
            pair = vector.shuffle(v0, v1, mask)
            out = rows.inner_iter_args[0]
            scf.YieldOp([vector.transfer_write(out.type, pair, out, [jb, p, _index(0)],
                                               minor3, in_bounds)])
        scf.YieldOp([rows.results[0]])
    return panels.results[0]


def pack_panel(b, dest, jb, dest_panel, k, nr, ragged) -> ir.Value:
    """Copy columns ``[jb*nr, jb*nr + nr)`` of B (k x n; zeros past n when ``ragged``) to
    ``dest[dest_panel, 0:k, 0:nr]`` (a panels x k x nr tensor); returns the new ``dest``."""
    element = ir.RankedTensorType(b.type).element_type
    vtype, minor2, read_in_bounds, pad = vector_io(nr, element, 2, not ragged)
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    minor3 = ir.AffineMapAttr.get(ir.AffineMap.get(3, 0, [ir.AffineDimExpr.get(2)]))
    zero = _index(0)
    j = arith.muli(jb, _index(nr))
    rows = _for(k, 1, [dest])
    with ir.InsertionPoint(rows.body):
        p = rows.induction_variable
        v = vector.transfer_read(vtype, b, [p, j], minor2, pad, read_in_bounds)
        out = rows.inner_iter_args[0]
        scf.YieldOp([vector.transfer_write(out.type, v, out, [dest_panel, p, zero], minor3,
                                           in_bounds)])
    return rows.results[0]
