"""``aic-memref-lower-microkernels``: each marked packed contraction -> calls of register-tile
functions that every kernel of the module shares.

``aic-hw-vectorize`` leaves a CPU ``hw.microkernel`` as a ``linalg.generic`` ``C[m, n] +=
A[m, p] * P[n floordiv nr, p, n mod nr]`` over B packed into ``nr``-wide panels, marked
``aic.microkernel = mr`` (``lower_microkernels_lib.packed_contraction``). After
bufferization this pass replaces each one with a call per row group of its block
(``row_groups``: full groups of ``mr`` rows, the rest one or two smaller groups) to a private
function that runs the register tiles of that group over all column panels::

    linalg.generic {..., aic.microkernel = 12 : i64}
        ins(%a, %p : memref<50x128xf32, strided<[256, 1], offset: ?>>, memref<7x128x32xf32>)
        outs(%c : memref<50x200xf32, strided<[200, 1], offset: ?>>)
    // ->
    %a1 = memref.cast %a : ... to memref<?x?xf32, strided<[?, 1], offset: ?>>   (%p1, %c1)
    call @aic_microkernel_f32_12x32_masked(%a1, %p1, %c1, %c0, %c36, %c224, %c128, %c128)
    call @aic_microkernel_f32_7x32_masked(%a1, %p1, %c1, %c36, %c50, %c224, %c128, %c128)

    func.func private @aic_microkernel_f32_12x32_masked(%a, %p, %c, %i0, %i1, %cols,
        %kmain, %k) attributes {noinline, internal}
      scf.for %i = %i0 to %i1 step 12, %j = 0 to %cols step 32:   (the register tile)
        acc[r] = vector.transfer_read %c[%i + r, %j]                 (12 x vector<32xf32>)
        scf.for %q = 0 to %kmain step 4:                             (4 steps unrolled)
          acc[r] = vector.fma(broadcast(%a[%i + r, %q + u]), %p[%j / 32, %q + u, 0], acc[r])
        scf.for %q = %kmain to %k step 1: (the same, one step)
        vector.transfer_write acc[r], %c[%i + r, %j]

The functions take memrefs with dynamic sizes, strides and offset (the innermost unit stride
kept, so vector transfers stay contiguous loads), so one function per element type, rows,
``nr``, masked or not (C's columns end inside the last panel) and innermost strides serves
every kernel: DenseNet-121 compiles its register tiles a few times instead of ~500 (the FMA
blocks were most of its code), and the IR before bufferization holds one op per
micro-kernel. The cost is a call per row group and block (k x nr x rows FMAs per panel).

**Zero start.** When C was filled with +0 earlier in the same block and nothing in between
touches C's buffer (no operand with C's root, nested ops included) -- a kernel's
accumulator tile filled per tile and then computed in one k block -- the fill is erased and
the ``_zero`` functions start the accumulators at zero instead of reading C: one pass less
over the tile each way (a 1x1 convolution 16 -> 96 at 112x112 went from 1.22 / 1.61 ms to
1.02 / 0.93 ms, `aic-run --benchmark 100`, 1 thread, two interleaved rounds).

Names: ``aic_microkernel_<element>_<rows>x<nr>[_masked][_zero]`` (a free name like it when the
strides differ), placed after the module's last operation in order of first use. Options:
none. Preconditions: bufferized IR with static shapes on the marked ops; before
``convert-vector-to-scf`` (which lowers the functions' transfers) and
``convert-linalg-to-parallel-loops``.
"""

from __future__ import annotations

import math

from aic.errors import PassError
from aic.mlir_api import arith, func, ir, memref
from aic.pass_base import Pass, register_pass
from aic.passes.memref.lower_microkernels_lib import (MARK, UNROLL, generic_type,
                                                      register_tile_function, row_groups)
from aic.verify import defining_op, walk


@register_pass
class MemrefLowerMicrokernels(Pass):
    """Marked packed contractions (aic.microkernel) -> calls of shared register-tile functions.

    Options: none. Preconditions: bufferized IR, static shapes on the marked ops.
    """

    NAME = "aic-memref-lower-microkernels"

    def run(self, op):
        module = op.regions[0].blocks[0]
        marked = [c.operation for c in walk(op)
                  if c.operation.name == "linalg.generic" and MARK in c.operation.attributes]
        functions = _Functions(module, ir.SymbolTable(op))
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
            name = f"aic_microkernel_{element}_{rows}x{nr}" + ("_masked" if ragged else "") + \
                ("_zero" if zero else "")
            with loc, ir.InsertionPoint(self.module):
                fn = register_tile_function(name, types, rows, nr, ragged, zero)
            self.names[key] = ir.StringAttr(self.table.insert(fn.operation)).value
        return self.names[key]


def _lower(generic: ir.Operation, functions: _Functions) -> None:
    a, p, c = generic.operands
    if any(not isinstance(v.type, ir.MemRefType) or not v.type.has_static_shape
           for v in (a, p, c)):
        raise PassError("a marked micro-kernel needs memrefs of static shapes", generic)
    shapes = [ir.MemRefType(v.type) for v in (a, p, c)]
    (m, n), k, (panels, _, nr) = shapes[2].shape, shapes[0].shape[1], shapes[1].shape
    mr = ir.IntegerAttr(generic.attributes[MARK]).value
    types = [generic_type(v.type) for v in (a, p, c)]
    fill = zero_fill(generic)
    if fill is not None:
        fill.erase()
    with generic.location, ir.InsertionPoint(generic):
        args = [memref.cast(t, v) for t, v in zip(types, (a, p, c))]
        index = [_constant(x) for x in (panels * nr, k - k % UNROLL, k)]
        for first, count, rows in row_groups(m, mr):
            name = functions.get(types, rows, nr, n % nr != 0, fill is not None,
                                 generic.location)
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
