"""The CPU micro-kernel between ``aic-hw-vectorize`` and ``aic-memref-lower-microkernels``:
the marked packed contraction on tensors, and the register-tile function on memrefs.

``aic-hw-vectorize`` writes a ``hw.microkernel`` as B packed into ``nr``-wide panels
(``P``: panels x k x nr, a constant weight packed at compile time) and one ``linalg.generic``
``C[m, n] += A[m, p] * P[n floordiv nr, p, n mod nr]`` marked ``aic.microkernel = mr``
(``packed_contraction``): small on tensors, bufferized like any linalg op. After
bufferization ``aic-memref-lower-microkernels`` calls, per row group of the block, one
register-tile function (``register_tile_function``) shared by every kernel of the module.
"""

from __future__ import annotations

from aic.mlir_api import arith, func, ir, linalg, llvm, memref, scf, vector

MARK = "aic.microkernel"
"""The packed contraction's attribute: the register tile's rows (``mr``)."""

UNROLL = 4
"""k steps per iteration of the register tile's k loop (the rest: a loop of single steps):
fewer loop-counter updates and branches between the FMAs, and LLVM schedules the B loads
of the next step among the FMAs of this one."""


def is_pairs(a_type: ir.Type, c_type: ir.Type) -> bool:
    """i16 operands into an i32 accumulator: B packed with k in pairs (the pairs kernel)."""
    return str(ir.ShapedType(a_type).element_type) == "i16" and \
        str(ir.ShapedType(c_type).element_type) == "i32"


def packed_contraction(a: ir.Value, packed: ir.Value, c: ir.Value, mr: int | None = None):
    """``c + a @ b`` with ``b`` packed (panels x k x nr), read through ``(n floordiv nr, k,
    n mod nr)``, as a linalg.generic on tensors; marked ``aic.microkernel = mr`` if given.
    Pairs (``is_pairs``: i16 into i32): ``b`` is panels x ceil(k/2) x 2nr, read through
    ``(n floordiv nr, k floordiv 2, (n mod nr) * 2 + k mod 2)``, the operands sign-extended."""
    pairs = is_pairs(a.type, c.type)
    nr = ir.ShapedType(packed.type).shape[2] // (2 if pairs else 1)
    m, n, k = (ir.AffineDimExpr.get(i) for i in range(3))
    b_map = [ir.AffineExpr.get_floor_div(n, nr), ir.AffineExpr.get_floor_div(k, 2),
             (n % nr) * 2 + k % 2] if pairs else [ir.AffineExpr.get_floor_div(n, nr), k, n % nr]
    maps = [ir.AffineMap.get(3, 0, exprs) for exprs in ([m, k], b_map, [m, n])]
    iterators = ["parallel", "parallel", "reduction"]
    generic = linalg.GenericOp(
        [c.type], [a, packed], [c], ir.ArrayAttr.get([ir.AffineMapAttr.get(x) for x in maps]),
        ir.ArrayAttr.get([ir.Attribute.parse(f"#linalg.iterator_type<{it}>") for it in iterators]))
    element = ir.ShapedType(c.type).element_type
    source = ir.ShapedType(a.type).element_type
    block = generic.regions[0].blocks.append(source, source, element)
    with ir.InsertionPoint(block):
        if pairs:
            x, y = (arith.extsi(element, v) for v in block.arguments[:2])
            product = arith.addi(block.arguments[2], arith.muli(x, y))
        elif isinstance(element, ir.IntegerType):
            product = arith.addi(block.arguments[2], arith.muli(block.arguments[0],
                                                                 block.arguments[1]))
        else:
            product = arith.addf(block.arguments[2], arith.mulf(block.arguments[0],
                                                                block.arguments[1]))
        linalg.YieldOp([product])
    if mr is not None:
        generic.operation.attributes[MARK] = ir.IntegerAttr.get(ir.IntegerType.get_signless(64), mr)
    return generic.result


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


def generic_type(type_: ir.Type) -> ir.Type:
    """``type_`` (a memref) with every size, stride and the offset dynamic, except an
    innermost stride of 1 (vector transfers along it stay contiguous loads)."""
    t = ir.MemRefType(type_)
    dynamic = ir.ShapedType.get_dynamic_stride_or_offset()
    strides, _ = t.get_strides_and_offset()
    generic = [dynamic] * t.rank
    if strides[-1] == 1:
        generic[-1] = 1
    return ir.MemRefType.get([ir.ShapedType.get_dynamic_size()] * t.rank, t.element_type,
                             ir.StridedLayoutAttr.get(dynamic, generic), t.memory_space)


def _index(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result


SCRATCH_K = 512
"""k steps of A a register-tile function copies at a time into its scratch (longer k: more
chunks, C read back between them)."""
SCRATCH_STRIDE = SCRATCH_K + 16
"""The scratch's row stride in elements: not a multiple of 4 KiB, so its rows do not share
L1 sets."""


def register_tile_function(name: str, types: list[ir.Type], rows: int, nr: int,
                           ragged: bool, zero: bool = False) -> func.FuncOp:
    """``name(A, P, C, i0, i1, cols, k)``: for each ``rows`` x ``nr`` register tile with its
    first row in [i0, i1) (step ``rows``) and its first column in [0, cols) (step ``nr``):
    ``C[tile] += A[tile rows, 0:k] @ P[column panel, 0:k, :]``. ``types``: the generic
    memref types of A, P and C; ``ragged``: C's columns end inside the last panel (masked
    reads and writes of C); ``zero``: the accumulators start at zero instead of C's values
    (C is only written). Private, internal, ``noinline``: one copy serves every call.

    A's rows are first copied (vector copies, ``SCRATCH_K`` steps at a time) into a stack
    scratch of static row stride, so that the k loop reads A at constant offsets from one
    pointer (broadcasts folded into the FMAs) -- A's own row stride is a run-time value
    here, and twelve row addresses in registers spill the k loop."""
    index = ir.IndexType.get()
    fn = func.FuncOp(name, ([*types, index, index, index, index], []), visibility="private")
    fn.attributes["llvm.linkage"] = ir.Attribute.parse("#llvm.linkage<internal>")
    fn.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])
    entry = fn.add_entry_block()
    a, p, c, i0, i1, cols, k = entry.arguments
    element = ir.MemRefType(a.type).element_type
    with ir.InsertionPoint(entry):
        scratch = memref.alloca(ir.MemRefType.get([rows, SCRATCH_STRIDE], element), [], [])
        groups = scf.ForOp(i0, i1, _index(rows))
        with ir.InsertionPoint(groups.body):
            i = groups.induction_variable
            chunks = scf.ForOp(_index(0), k, _index(SCRATCH_K))
            with ir.InsertionPoint(chunks.body):
                kb = chunks.induction_variable
                kc = arith.minui(_index(SCRATCH_K), arith.subi(k, kb))
                _copy_rows(a, scratch, i, kb, kc, rows, 16 if is_pairs(a.type, c.type)
                           else nr // 2)
                panels = scf.ForOp(_index(0), cols, _index(nr))
                with ir.InsertionPoint(panels.body):
                    _register_tile((scratch, p, c), (i, panels.induction_variable, kb),
                                   kc, rows, nr, ragged, zero)
                    scf.YieldOp([])
                scf.YieldOp([])
            scf.YieldOp([])
        func.ReturnOp([])
    return fn


def inline_row_group(buffers, bounds, k, rows, nr, ragged, zero) -> None:
    """The register tiles of one row group written in place (static types, A read where it
    is): ``for i in [first, last) step rows, j in [0, cols) step nr``."""
    first, last, cols = bounds
    groups = scf.ForOp(first, last, _index(rows))
    with ir.InsertionPoint(groups.body):
        i = groups.induction_variable
        panels = scf.ForOp(_index(0), cols, _index(nr))
        with ir.InsertionPoint(panels.body):
            a_rows = [i if r == 0 else arith.addi(i, _index(r)) for r in range(rows)]
            _register_tile(buffers, (i, panels.induction_variable, _index(0)), k, rows, nr,
                           ragged, zero, a_rows)
            scf.YieldOp([])
        scf.YieldOp([])


def _copy_rows(a, scratch, i, kb, kc, rows, lanes) -> None:
    """``scratch[r, 0:kc] = A[i + r, kb:kb + kc]`` for r < ``rows``, in vectors of ``lanes``
    (reads masked at A's end; the scratch has room for a whole last vector)."""
    element = ir.MemRefType(scratch.type).element_type
    vtype, minor, masked, pad = vector_io(lanes, element, 2, False)
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    loop = scf.ForOp(_index(0), kc, _index(lanes))
    with ir.InsertionPoint(loop.body):
        q = loop.induction_variable
        column = arith.addi(kb, q)
        for r in range(rows):
            row = i if r == 0 else arith.addi(i, _index(r))
            v = vector.transfer_read(vtype, a, [row, column], minor, pad, masked)
            vector.transfer_write(None, v, scratch, [_index(r), q], minor, in_bounds)
        scf.YieldOp([])


def vector_io(nr, element, rank, in_bounds: bool = True):
    """(vector type, minor-identity map of ``rank`` dims, in_bounds, zero padding)."""
    minor = ir.AffineMapAttr.get(ir.AffineMap.get(rank, 0, [ir.AffineDimExpr.get(rank - 1)]))
    zero = ir.IntegerAttr.get(element, 0) if isinstance(element, ir.IntegerType) \
        else ir.FloatAttr.get(element, 0.0)
    pad = arith.ConstantOp(element, zero).result
    return (ir.VectorType.get([nr], element), minor,
            ir.ArrayAttr.get([ir.BoolAttr.get(in_bounds)]), pad)


def _register_tile(buffers, at, kc, mr, nr, ragged, zero, a_rows=None) -> None:
    """The ``mr`` x ``nr`` tile at C[i, j] over k steps [kb, kb + kc): A's rows ``a_rows``
    of ``buffers[0]``, its columns 0..kc (default: rows 0..mr of the scratch); accumulators
    from C (or zero on the first chunk), the k loop unrolled ``UNROLL`` times, then single
    steps, the rows written back."""
    scratch, p, c = buffers
    i, j, kb = at
    element = ir.MemRefType(c.type).element_type
    vtype, minor, c_in_bounds, pad = vector_io(nr, element, 2, not ragged)
    jb = arith.divui(j, _index(nr))
    rows = [i if r == 0 else arith.addi(i, _index(r)) for r in range(mr)]
    accs = _accumulators(c, rows, j, kb, vtype, minor, pad, c_in_bounds, zero)
    local = a_rows or [_index(r) for r in range(mr)]
    if is_pairs(scratch.type, c.type):  # k two steps at a time: kb and kc are even
        kmain = arith.subi(kc, arith.remui(kc, _index(2 * UNROLL)))
        accs = _pairs_k_loop(scratch, p, (jb, kb), local, (_index(0), kmain, UNROLL), accs)
        accs = _pairs_k_loop(scratch, p, (jb, kb), local, (kmain, kc, 1), accs)
    else:
        kmain = arith.subi(kc, arith.remui(kc, _index(UNROLL)))
        accs = _k_loop(scratch, p, (jb, kb), local, (_index(0), kmain, UNROLL), accs, vtype,
                       pad)
        accs = _k_loop(scratch, p, (jb, kb), local, (kmain, kc, 1), accs, vtype, pad)
    for row, acc in zip(rows, accs):
        vector.transfer_write(None, acc, c, [row, j], minor, c_in_bounds)


def _accumulators(c, rows, j, kb, vtype, minor, pad, in_bounds, zero) -> list[ir.Value]:
    """C's rows at column ``j``; with ``zero``, zero vectors on the first k chunk."""
    def read():
        return [vector.transfer_read(vtype, c, [row, j], minor, pad, in_bounds) for row in rows]
    if not zero:
        return read()
    first = arith.cmpi(arith.CmpIPredicate.eq, kb, _index(0))
    branch = scf.IfOp(first, [vtype] * len(rows), has_else=True)
    with ir.InsertionPoint(branch.then_block):
        scf.YieldOp([vector.broadcast(vtype, pad)] * len(rows))
    with ir.InsertionPoint(branch.else_block):
        scf.YieldOp(read())
    return list(branch.results)


def _multiply_add(a: ir.Value, b: ir.Value, acc: ir.Value) -> ir.Value:
    """``a * b + acc``: one FMA on floats, a multiply and an add on integers (exact)."""
    if isinstance(ir.VectorType(acc.type).element_type, ir.IntegerType):
        return arith.addi(arith.muli(a, b), acc)
    return vector.fma(a, b, acc)


def _k_loop(a, p, panel, rows, bounds, accs, vtype, pad) -> list[ir.Value]:
    """``for q in range(*bounds)`` (the step: k steps per iteration): broadcast(A[row, q]) *
    panel row ``kb + q`` FMAs on the accumulators (``panel``: (panel index, kb)); returns
    the loop's results."""
    minor3 = ir.AffineMapAttr.get(ir.AffineMap.get(3, 0, [ir.AffineDimExpr.get(2)]))
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    zero = _index(0)
    jb, kb = panel
    lower, upper, unroll = bounds
    loop = scf.ForOp(lower, upper, _index(unroll), accs)
    with ir.InsertionPoint(loop.body):
        accs = list(loop.inner_iter_args)
        for u in range(unroll):
            q = loop.induction_variable if u == 0 else arith.addi(loop.induction_variable,
                                                                  _index(u))
            b = vector.transfer_read(vtype, p, [jb, arith.addi(kb, q), zero], minor3, pad,
                                     in_bounds)
            accs = [_multiply_add(vector.broadcast(vtype, memref.load(a, [row, q])), b, acc)
                    for row, acc in zip(rows, accs)]
        scf.YieldOp(accs)
    return list(loop.results)


LANES = 16
"""i32 lanes of one pairs dot product: one 512-bit vector (``PMADDWD``'s width)."""
PMADDWD = "llvm.x86.avx512.pmaddw.d.512"
"""``vpmaddwd``: 32 i16 x 32 i16 -> 16 i32 sums of adjacent products. Added to an
accumulator it is selected as ``vpdpwssd`` with AVX-512 VNNI. Called as the intrinsic: the
target-independent even/odd form (shuffles, ``sext``, ``mul``, ``add``) is also matched by
LLVM's X86 backend, but only while the two products are added first -- ``opt -O3``
reassociates the accumulator into that sum and the match is lost (measured: ``vpmulld``)."""


def _pairs_k_loop(a, p, panel, rows, bounds, accs) -> list[ir.Value]:
    """``for q in range(lower, upper, 2 * unroll)``, ``unroll`` pair steps per iteration:
    the B pair rows ``P[jb, (kb + q) / 2, :]`` (2nr i16: column c's two k steps side by
    side) and, per row, A's pair ``A[row, q:q + 2]`` broadcast as one i32 to every lane;
    each 16-lane slice of the accumulator gets ``_dot``."""
    vtype = ir.VectorType(accs[0].type)
    nr, i16 = vtype.shape[0], ir.MemRefType(a.type).element_type
    i32 = vtype.element_type
    minor = ir.AffineMapAttr.get(ir.AffineMap.get(2, 0, [ir.AffineDimExpr.get(1)]))
    minor3 = ir.AffineMapAttr.get(ir.AffineMap.get(3, 0, [ir.AffineDimExpr.get(2)]))
    in_bounds = ir.ArrayAttr.get([ir.BoolAttr.get(True)])
    half = ir.VectorType.get([2 * LANES], i16)
    pair = ir.VectorType.get([2], i16)
    pad = arith.ConstantOp(i16, ir.IntegerAttr.get(i16, 0)).result
    jb, kb = panel
    lower, upper, unroll = bounds
    loop = scf.ForOp(lower, upper, _index(2 * unroll), accs)
    with ir.InsertionPoint(loop.body):
        accs = list(loop.inner_iter_args)
        for u in range(unroll):
            q = loop.induction_variable if u == 0 else arith.addi(loop.induction_variable,
                                                                  _index(2 * u))
            kp = arith.divui(arith.addi(kb, q), _index(2))
            bs = [vector.transfer_read(half, p, [jb, kp, _index(2 * LANES * h)], minor3, pad,
                                       in_bounds) for h in range(nr // LANES)]
            new = []
            for row, acc in zip(rows, accs):
                two = vector.transfer_read(pair, a, [row, q], minor, pad, in_bounds)
                word = vector.extract(vector.bitcast(ir.VectorType.get([1], i32), two), [],
                                      [0])
                av = vector.bitcast(half, vector.broadcast(ir.VectorType.get([LANES], i32),
                                                           word))
                for h, b in enumerate(bs):
                    part = vector.extract_strided_slice(ir.VectorType.get([LANES], i32), acc,
                                                        [h * LANES], [LANES], [1])
                    acc = vector.insert_strided_slice(_dot(av, b, part), acc, [h * LANES], [1])
                new.append(acc)
            accs = new
        scf.YieldOp(accs)
    return list(loop.results)


def _dot(a: ir.Value, b: ir.Value, acc: ir.Value) -> ir.Value:
    """``acc[l] + a[2l] * b[2l] + a[2l+1] * b[2l+1]`` (i16 products summed in i32):
    ``PMADDWD`` and an add, one ``vpdpwssd`` with VNNI."""
    return arith.addi(acc, llvm.call_intrinsic(acc.type, PMADDWD, [a, b], [], []))
