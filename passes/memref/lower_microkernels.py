"""``aic-memref-lower-microkernels``: each marked packed contraction -> register tiles, in
place or as calls of register-tile functions that every kernel of the module shares.

``aic-hw-vectorize`` leaves a CPU ``hw.microkernel`` as a ``linalg.generic`` ``C[m, n] +=
A[m, p] * P[n floordiv nr, p, n mod nr]`` over B packed into ``nr``-wide panels, marked
``aic.microkernel = mr`` (``lower_microkernels_lib.packed_contraction``): one op through
bufferization, however large its register tiles. This pass writes them, per row group of the
block (``row_groups``: full groups of ``mr`` rows, the rest one or two smaller groups):

    for i in [first, last) step rows, j in [0, cols) step nr:     (the register tile)
      acc[r] = vector.transfer_read C[i + r, j]                   (rows x vector<nr x T>)
      for q in 0..k step 4:                                       (4 steps unrolled, then 1s)
        acc[r] = vector.fma(broadcast(A[i + r, q + u]), P[j / nr, q + u, 0], acc[r])
      vector.transfer_write acc[r], C[i + r, j]

**Pairs** (i16 operands into i32, ``linalg_to_tiled_lib.pairs``): B is packed with k in pairs
(``P[j, p, 2c + e] = B[2p + e, j*nr + c]``) and the k loop takes two steps at a time: per
16-lane slice of each accumulator row, ``llvm.x86.avx512.pmaddw.d.512`` of A's pair (two i16
broadcast as one i32) and B's pair row, added in -- one ``vpdpwssd`` with AVX-512 VNNI
(``lower_microkernels_lib._pairs_k_loop``). K (and every k chunk) must be even.

**In place or shared.** A module with at most ``share-above`` micro-kernels (default 96)
gets these loops in place, with the memrefs' static types: A's row offsets are constants,
so the broadcasts fold into the FMAs. A larger one (DenseNet-121: 173 micro-kernels) gets a
call per row group of a private ``noinline`` function shared by all of them::

    %a1 = memref.cast %a : memref<50x128xf32, strided<[256, 1], offset: ?>>
                        to memref<?x?xf32, strided<[?, 1], offset: ?>>      (%p1, %c1 alike)
    call @aic_microkernel_f32_12x32_masked(%a1, %p1, %c1, %c0, %c36, %c224, %c128)
    call @aic_microkernel_f32_7x32_masked(%a1, %p1, %c1, %c36, %c50, %c224, %c128)

Its memrefs have dynamic sizes, strides and offset (the unit innermost stride kept, so
vector transfers stay contiguous loads) and its bounds are arguments, so there is one
function per element type, rows, ``nr``, masking (C's columns end inside the last panel) and
zero start: DenseNet-121 compiles 10 instead of 474 register-tile loops, and its compile
time halves. With A's row stride a run-time value, twelve row addresses would not fit the
general registers (the k loop spilled: MobileNetV2 with shared functions ran 1.3x slower),
so the function first copies the row group's A rows (``SCRATCH_K`` k steps at a time, vector
copies) into a stack scratch of static row stride and reads A there. That copy costs a few
percent (MobileNetV2 forced to share: 36.3 vs 35.7 ms median, interleaved calls). An A whose
rows are not contiguous (innermost stride not 1) is always written in place.

**Zero start.** When C was filled with +0 earlier in the same block and nothing in between
touches C's buffer (no operand with C's root, nested ops included) -- a kernel's
accumulator tile filled per tile and then computed in one k block -- the fill is erased and
the accumulators start at zero (on the first k chunk) instead of reading C: one pass less
over the tile each way (a 1x1 convolution 16 -> 96 at 112x112 went from 1.22 / 1.61 ms to
1.02 / 0.93 ms, `aic-run --benchmark 100`, 1 thread, two interleaved rounds).

Names: ``aic_microkernel_<element>_<rows>x<nr>[_masked][_zero]`` (a free name like it when the
strides differ), placed after the module's last operation in order of first use. Options:
``share-above``. Preconditions: bufferized IR with static shapes on the marked ops; before
``convert-vector-to-scf`` (which lowers the functions' transfers) and
``convert-linalg-to-parallel-loops``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aic.errors import PassError
from aic.mlir_api import arith, func, ir, memref
from aic.pass_base import Pass, option, register_pass
from aic.passes.memref.lower_microkernels_lib import (MARK, generic_type,
                                                      inline_row_group, is_pairs,
                                                      register_tile_function, row_groups)
from aic.verify import defining_op, walk


SHARE_ABOVE = 96
"""Micro-kernels a module may have before they share functions: fewer are written in place
with their static strides (the fastest code); more -- DenseNet-121 has 173, ResNet-50 55,
MobileNetV2 44, a 2-layer BERT 16 -- share one function per tile shape, which keeps the
compile linear in the distinct shapes, at the price of the scratch copy of A's rows."""


@register_pass
@dataclass(frozen=True)
class MemrefLowerMicrokernels(Pass):
    """Marked packed contractions (aic.microkernel) -> register tiles: in place, or calls of
    shared register-tile functions when the module has many.

    Options: share-above. Preconditions: bufferized IR, static shapes on the marked ops.
    """

    NAME = "aic-memref-lower-microkernels"
    share_above: int = option(SHARE_ABOVE, "share register-tile functions when the module "
                              "has more micro-kernels than this (0: always)")

    def run(self, op):
        module = op.regions[0].blocks[0]
        marked = [c.operation for c in walk(op)
                  if c.operation.name == "linalg.generic" and MARK in c.operation.attributes]
        functions = _Functions(module, ir.SymbolTable(op)) \
            if len(marked) > self.share_above else None
        for generic in marked:
            _lower(generic, functions)


class _Functions:
    """The register-tile functions of the module, made on first use: key -> name."""

    def __init__(self, module: ir.Block, table: ir.SymbolTable):
        self.module, self.table, self.names = module, table, {}

    def get(self, types: list[ir.Type], rows: int, nr: int, ragged: bool, zero: bool,
            loc) -> str:
        key = (tuple(str(t) for t in types), rows, nr, ragged, zero)
        if key not in self.names:
            element = ir.MemRefType(types[2]).element_type
            if is_pairs(types[0], types[2]):
                element = "i16_pairs"
            name = f"aic_microkernel_{element}_{rows}x{nr}" + ("_masked" if ragged else "") + \
                ("_zero" if zero else "")
            with loc, ir.InsertionPoint(self.module):
                fn = register_tile_function(name, types, rows, nr, ragged, zero)
            self.names[key] = ir.StringAttr(self.table.insert(fn.operation)).value
        return self.names[key]


def _lower(generic: ir.Operation, functions: _Functions | None) -> None:
    """``generic`` -> per row group the register tiles in place (``functions`` None) or a
    call of the shared function."""
    a, p, c = generic.operands
    if any(not isinstance(v.type, ir.MemRefType) or not v.type.has_static_shape
           for v in (a, p, c)):
        raise PassError("a marked micro-kernel needs memrefs of static shapes", generic)
    shapes = [ir.MemRefType(v.type) for v in (a, p, c)]
    (m, n), k, (panels, _, nr) = shapes[2].shape, shapes[0].shape[1], shapes[1].shape
    if is_pairs(a.type, c.type):  # k in pairs: 2nr i16 per packed row
        nr //= 2
        if k % 2:
            raise PassError("the pairs micro-kernel needs an even k", generic)
    mr = ir.IntegerAttr(generic.attributes[MARK]).value
    fill = zero_fill(generic)
    if fill is not None:
        fill.erase()
    zero, ragged = fill is not None, n % nr != 0
    with generic.location, ir.InsertionPoint(generic):
        if functions is None or ir.MemRefType(a.type).get_strides_and_offset()[0][-1] != 1:
            # in place also when A's rows are not contiguous: the scratch copy reads them as
            # vectors
            for first, count, rows in row_groups(m, mr):
                bounds = (_constant(first), _constant(first + count * rows),
                          _constant(panels * nr))
                inline_row_group((a, p, c), bounds, _constant(k), rows, nr, ragged, zero)
        else:
            types = [generic_type(v.type) for v in (a, p, c)]
            args = [memref.cast(t, v) for t, v in zip(types, (a, p, c))]
            index = [_constant(x) for x in (panels * nr, k)]
            for first, count, rows in row_groups(m, mr):
                name = functions.get(types, rows, nr, ragged, zero, generic.location)
                bounds = [_constant(first), _constant(first + count * rows)]
                func.CallOp([], ir.FlatSymbolRefAttr.get(name), [*args, *bounds, *index])
    generic.erase()


def zero_fill(generic: ir.Operation) -> ir.Operation | None:
    """The ``linalg.fill`` of +0 into the marked op's C earlier in its block, when nothing
    between them touches C's buffer (no operand, nested ones included, with C's root): the
    fill is then only the accumulators' start, which the registers can be instead."""
    c = generic.operands[2]
    root, between = _root(c), []
    for candidate in reversed(_earlier(generic)):
        if candidate.name == "linalg.fill" and candidate.operands[1] == c:
            if _is_zero(candidate.operands[0]) and \
                    not any(_touches(o, root) for o in between):
                return candidate
            return None
        between.append(candidate)
    return None


def _earlier(op: ir.Operation) -> list[ir.Operation]:
    """The ops before ``op`` in its block, in order."""
    ops = []
    for child in op.block.operations:
        if child.operation == op:
            break
        ops.append(child.operation)
    return ops


def _touches(op: ir.Operation, root: ir.Value) -> bool:
    for child in [op, *(c.operation for c in walk(op))]:
        if any(isinstance(v.type, ir.MemRefType) and _root(v) == root for v in child.operands):
            return True
    return False


VIEWS = ("memref.subview", "memref.cast", "memref.collapse_shape", "memref.expand_shape",
         "memref.reinterpret_cast", "memref.view", "memref.transpose")


def _root(value: ir.Value) -> ir.Value:
    """The buffer ``value`` is a view of (following subviews, casts, reshapes)."""
    while True:
        op = defining_op(value)
        if op is None or op.name not in VIEWS:
            return value
        value = op.operands[0]


def _is_zero(value: ir.Value) -> bool:
    op = defining_op(value)
    if op is None or op.name != "arith.constant":
        return False
    attr = op.attributes["value"]
    if isinstance(attr, ir.FloatAttr):
        return math.copysign(1.0, ir.FloatAttr(attr).value) > 0 and ir.FloatAttr(attr).value == 0
    return isinstance(attr, ir.IntegerAttr) and ir.IntegerAttr(attr).value == 0


def _constant(value: int) -> ir.Value:
    return arith.ConstantOp(ir.IndexType.get(), value).result
