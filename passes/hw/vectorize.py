"""``aic-hw-vectorize``: turn the tiles inside `hw.parallel` into vector code (on tensors).

Only for a CPU `hw.target` (missing: `cpu-generic`); on a CUDA target the pass does nothing.

`hw.microkernel` C(m x n) += A(m x k) * B(k x n) with register tile mr x nr (f32-like floats
or i32: integer tiles multiply and add instead of the FMA; m need not be a multiple of mr:
the rows left are one smaller tile, or two even ones when one would have under mr/2 rows --
``row_groups``; n need not be a multiple of nr: the last column panel is zero-padded and its
C columns masked):

    P = B packed into ceil(n/nr) contiguous panels of k x nr  (vector copies; a B given
        packed -- a constant weight, packed at compile time by aic-convert-tiled-to-hw -- is P)
    for each row group (i, rows):                      (scf.for carrying the C tensor)
      for j in 0..n step nr:                           (scf.for carrying the C tensor)
        acc[r] = vector.transfer_read C[i + r, j]      (rows vectors of nr lanes)
        for p in 0..k step 4:                          (scf.for carrying the accumulators)
          for u in 0..4:                               (unrolled; k % 4 steps: a loop of 1)
            b = vector.transfer_read P[j / nr, p + u, 0]
            acc[r] = vector.fma(broadcast(A[i + r, p + u]), b, acc[r])   for r in 0..rows
        C = vector.transfer_write acc[r], C[i + r, j]

The k loop is innermost and the C block stays in registers (outer-product FMAs; with
AVX-512, mr x nr = 12 x 32 f32: 24 zmm accumulators, two per row, 24 FMAs per 2 panel
loads + 12 broadcasts); the packed panel keeps B's rows contiguous (no cache-set conflicts
from B's row stride). Row groups are outermost: a group's A rows (strided, often 4 KiB
apart) stay in L1 while the panels stream past them. All reads are in bounds.
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
from aic.verify import walk


@register_pass
class HwVectorize(Pass):
    """Vectorize hw.microkernel (register-tile FMAs), elementwise/reduction tile generics and
    depthwise-conv/pooling tiles."""

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
    """The column panels cover ``n`` rounded up to ``nr``: a ragged last panel is packed with
    zero padding and its C columns are read and written masked (``in_bounds = false``).
    Row groups outermost: a group's A rows stay in L1 while the panels stream past them."""
    ragged = n % nr != 0
    panels = -(-n // nr)
    packed = op.b if ir.RankedTensorType(op.b.type).rank == 3 else \
        _pack_b(op.b, k, n, nr, element, panels, ragged)
    c = op.c
    for first, count, rows in row_groups(m, mr):
        groups = scf.ForOp(_index(first), _index(first + count * rows), _index(rows), [c])
        with ir.InsertionPoint(groups.body):
            cols = _for(panels * nr, nr, [groups.inner_iter_args[0]])
            with ir.InsertionPoint(cols.body):
                i, j = groups.induction_variable, cols.induction_variable
                scf.YieldOp([_register_tile(op.a, packed, cols.inner_iter_args[0], i, j, k,
                                            rows, nr, element, ragged)])
            scf.YieldOp([cols.results[0]])
        c = groups.results[0]
    return c


def row_groups(m: int, mr: int) -> list[tuple[int, int, int]]:
    """The register tiles' row groups of an ``m``-row block, ``(first row, count, rows)``:
    full groups of ``mr``, the rest one smaller group -- or, when that would be under half
    of ``mr``, the last full group and the rest as two even groups (64 rows, mr 12: 4 x 12
    and 2 x 8, not 5 x 12 and 1 x 4: a 4-row tile has too few accumulators to hide the FMA
    latency)."""
    full, rest = divmod(m, mr)
    if rest == 0:
        return [(0, full, mr)]
    if rest * 2 >= mr or full == 0:
        return ([(0, full, mr)] if full else []) + [(full * mr, 1, rest)]
    head = [(0, full - 1, mr)] if full > 1 else []
    tail, first = mr + rest, (full - 1) * mr
    low = tail // 2
    if low * 2 == tail:
        return head + [(first, 2, low)]
    return head + [(first, 1, low), (first + low, 1, tail - low)]


def _vector_io(nr, element, rank, in_bounds: bool = True):
    """(vector type, minor-identity map of ``rank`` dims, in_bounds, zero padding)."""
    minor = ir.AffineMapAttr.get(ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(rank - 1)]))
    zero = ir.IntegerAttr.get(element, 0) if isinstance(element, ir.IntegerType) \
        else ir.FloatAttr.get(element, 0.0)
    pad = arith.ConstantOp(element, zero).result
    return (ir.VectorType.get([nr], element), minor,
            ir.ArrayAttr.get([ir.BoolAttr.get(in_bounds)]), pad)


def _pack_b(b, k, n, nr, element, count, ragged) -> ir.Value:
    """B (k x n) -> ``count`` panels (count x k x nr), each register-tile column panel
    contiguous; a ragged last panel is zero-padded (masked reads)."""
    empty = tensor.EmptyOp([count, k, nr], element).result
    panels = _for(count, 1, [empty])
    with ir.InsertionPoint(panels.body):
        jb = panels.induction_variable
        scf.YieldOp([pack_panel(b, panels.inner_iter_args[0], jb, jb, k, nr, ragged)])
    return panels.results[0]


def pack_panel(b, dest, jb, dest_panel, k, nr, ragged) -> ir.Value:
    """Copy columns ``[jb*nr, jb*nr + nr)`` of B (k x n; zeros past n when ``ragged``) to
    ``dest[dest_panel, 0:k, 0:nr]`` (a panels x k x nr tensor); returns the new ``dest``."""
    element = ir.RankedTensorType(b.type).element_type
    vtype, minor2, read_in_bounds, pad = _vector_io(nr, element, 2, not ragged)
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


def _multiply_add(a: ir.Value, b: ir.Value, acc: ir.Value) -> ir.Value:
    """``a * b + acc``: one FMA on floats, a multiply and an add on integers (exact)."""
    if isinstance(ir.VectorType(acc.type).element_type, ir.IntegerType):
        return arith.addi(arith.muli(a, b), acc)
    return vector.fma(a, b, acc)


def _register_tile(a_tile, packed, c, i, j, k, mr, nr, element, ragged=False) -> ir.Value:
    vtype, minor, c_in_bounds, pad = _vector_io(nr, element, 2, not ragged)
    jb = arith.divui(j, _index(nr))
    rows = [_plus(i, r) for r in range(mr)]
    accs = [vector.transfer_read(vtype, c, [row, j], minor, pad, c_in_bounds) for row in rows]
    main = k - k % UNROLL
    if main:
        accs = _k_loop(a_tile, packed, jb, rows, (0, main, UNROLL), accs, vtype, pad)
    if main < k:
        accs = _k_loop(a_tile, packed, jb, rows, (main, k, 1), accs, vtype, pad)
    for row, acc in zip(rows, accs):
        c = vector.transfer_write(c.type, acc, c, [row, j], minor, c_in_bounds)
    return c


UNROLL = 4
"""k steps per iteration of the register tile's k loop (the rest: a loop of single steps):
fewer loop-counter updates and branches between the FMAs, and LLVM schedules the B loads
of the next step among the FMAs of this one."""


def _k_loop(a_tile, packed, jb, rows, bounds, accs, vtype, pad) -> list[ir.Value]:
    """``for p in range(*bounds)`` (the step: k steps per iteration), broadcast(A[row, p]) *
    panel row ``p`` FMAs on the accumulators; returns the loop's results."""
    minor3 = ir.AffineMapAttr.get(ir.AffineMap.get(3, 0, [ir.AffineDimExpr.get(2)]))
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    zero = _index(0)
    lower, upper, unroll = bounds
    loop = scf.ForOp(_index(lower), _index(upper), _index(unroll), accs)
    with ir.InsertionPoint(loop.body):
        accs = list(loop.inner_iter_args)
        for u in range(unroll):
            p = _plus(loop.induction_variable, u)
            b = vector.transfer_read(vtype, packed, [jb, p, zero], minor3, pad, in_bounds)
            accs = [_multiply_add(vector.broadcast(vtype, tensor.extract(a_tile, [row, p])), b,
                                  acc) for row, acc in zip(rows, accs)]
        scf.YieldOp(accs)
    return list(loop.results)
