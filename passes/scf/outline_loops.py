"""``aic-scf-outline-loops``: each kernel's loop nest a private function of its own.

After bufferization the whole model is one ``func.func @main``: every kernel is a top-level
``scf.forall`` / ``scf.parallel`` / ``scf.for`` nest in it, between the buffer allocations.
Whatever runs on such a function later scales with its size, and some of it super-linearly:
``mlir-translate`` outlines each ``omp.parallel`` with LLVM's ``CodeExtractor``, which scans
the whole enclosing function once per region (DenseNet-121: 255 regions in a 40 000-line
``@main``); LLVM's ``-O3`` and code generation run per function, and ``llvm-split`` can only
share out functions. This pass moves every top-level loop of a public function into a
private function, called in its place::

    func.func @main(%x: memref<16x1024xf32>, %y: memref<16x1024xf32>) {
      %c0 = arith.constant 0 : index
      scf.forall (%i) in (16) { ... %x ... %y ... %c0 ... }
      return
    }
    // ->
    func.func @main(%x: memref<16x1024xf32>, %y: memref<16x1024xf32>) {
      call @main_loop0(%x, %y) : (memref<16x1024xf32>, memref<16x1024xf32>) -> ()
      return
    }
    func.func private @main_loop0(%a: memref<16x1024xf32>, %b: memref<16x1024xf32>)
        attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]} {
      %c0 = arith.constant 0 : index
      scf.forall (%i) in (16) { ... %a ... %b ... %c0 ... }
      return
    }

The values a loop uses from its function become arguments, in order of first use (weights,
``memref.get_global``, too), except constants (``arith.constant``, ``ub.poison``), which are
copied into the new function; a loop's results (an ``scf.for`` carrying values) are the
function's results.

**Identical loops share one function**: a loop whose function would print the same as an
earlier one's (its name aside; locations are not compared: the first loop's are kept) calls
that one. DenseNet-121's 506 kernel functions are 174 different ones, and everything after
this pass (the LLVM conversions, ``mlir-translate``, ``opt``, ``llc``) compiles each once.

The functions follow the module's last operation in the order of their first loops and are
named ``<function>_loop<i>`` (``i``: the loop's position; a free name like it if taken). They
have internal linkage and are ``noinline``, so ``-O3`` keeps them apart -- a kernel's code is
what it was inside ``@main``: the parallel ones are OpenMP-outlined functions either way,
reached through ``__kmpc_fork_call``. Constants left unused at the top level are erased.

Private functions are never outlined from, so the pass is idempotent. Options: none.
Preconditions: bufferized IR (loops on memrefs), before ``aic-convert-scf-to-openmp``.
"""

from __future__ import annotations

from aic.mlir_api import func, ir, scf
from aic.pass_base import Pass, register_pass
from aic.verify import defining_op, walk

LOOPS = (scf.ForallOp.OPERATION_NAME, scf.ParallelOp.OPERATION_NAME, scf.ForOp.OPERATION_NAME)
CONSTANTS = ("arith.constant", "ub.poison")
"""Ops without operands copied into each function that uses their value. ``memref.get_global``
(a weight) is passed as an argument instead: loops that differ only in their weights share
one function."""


@register_pass
class ScfOutlineLoops(Pass):
    """Every top-level scf.forall/parallel/for of a public function -> a private function.

    Options: none. Preconditions: bufferized IR, before aic-convert-scf-to-openmp.
    """

    NAME = "aic-scf-outline-loops"

    def run(self, op):
        module = op.regions[0].blocks[0]
        functions = [f for f in module.operations if isinstance(f, func.FuncOp)
                     and len(f.body.blocks) and not _is_private(f)]
        table, shared = ir.SymbolTable(op), {}
        for fn in functions:
            outer = _outer_values(fn)
            loops = [o.operation for b in fn.body.blocks for o in b.operations
                     if o.operation.name in LOOPS]
            name = ir.StringAttr(fn.sym_name).value
            for i, loop in enumerate(loops):
                callee, call = _outline(loop, f"{name}_loop{i}", outer, module, table)
                outer.update(call.results)  # a later loop may use what this one returns
                _share(callee, call, shared, table)
            _erase_unused_constants(fn)


def _share(callee: func.FuncOp, call: func.CallOp, shared: dict, table) -> None:
    """Call the function of an earlier, identical loop instead of ``callee`` if there is one
    (``shared``: each function's text, its name blanked -> its name)."""
    name = ir.StringAttr(callee.sym_name).value
    key = callee.operation.get_asm(use_local_scope=True).replace(f"@{name}(", "@(", 1)
    if key not in shared:
        shared[key] = name
        return
    call.operation.attributes["callee"] = ir.FlatSymbolRefAttr.get(shared[key])
    table.erase(callee.operation)


def _is_private(fn: func.FuncOp) -> bool:
    if "sym_visibility" not in fn.attributes:
        return False
    return ir.StringAttr(fn.attributes["sym_visibility"]).value == "private"


def _outer_values(fn: func.FuncOp) -> set[ir.Value]:
    """The values defined at the top level of ``fn``: those a top-level loop may capture."""
    values = set()
    for block in fn.body.blocks:
        values.update(block.arguments)
        for child in block.operations:
            values.update(child.results)
    return values


def _captures(loop: ir.Operation, outer: set[ir.Value]):
    """(the outer values ``loop`` uses in order of first use, [(op, operand index, value)])."""
    used, uses = {}, []
    for child in [loop, *(c.operation for c in walk(loop))]:
        for index, value in enumerate(child.operands):
            if value in outer:
                used.setdefault(value, None)
                uses.append((child, index, value))
    return list(used), uses


def _outline(loop: ir.Operation, name: str, outer, module: ir.Block, table):
    """Move ``loop`` into a new private function called ``name`` (or a free name like it),
    call it in its place; returns (the function, the call)."""
    captured, uses = _captures(loop, outer)
    constants = [v for v in captured if _is_constant(v)]
    arguments = [v for v in captured if not _is_constant(v)]
    results = [r.type for r in loop.results]
    with loop.location, ir.InsertionPoint(module):
        fn = func.FuncOp(name, ([a.type for a in arguments], results), visibility="private")
        fn.attributes["llvm.linkage"] = ir.Attribute.parse("#llvm.linkage<internal>")
        fn.attributes["passthrough"] = ir.ArrayAttr.get([ir.StringAttr.get("noinline")])
        table.insert(fn)
        entry = fn.add_entry_block()
    mapping = dict(zip(arguments, entry.arguments))
    for value in constants:
        clone = defining_op(value).clone(ip=ir.InsertionPoint(entry))
        mapping[value] = clone.results[value.maybe_downcast().result_number]
    with loop.location, ir.InsertionPoint(loop):
        call = func.CallOp(results, ir.FlatSymbolRefAttr.get(ir.StringAttr(fn.sym_name).value),
                           arguments)
    for old, new in zip(loop.results, call.results):
        old.replace_all_uses_with(new)
    with loop.location, ir.InsertionPoint(entry):
        end = func.ReturnOp(list(loop.results))
    loop.move_before(end)
    for op, index, value in uses:
        op.operands[index] = mapping[value]
    return fn, call


def _erase_unused_constants(fn: func.FuncOp) -> None:
    """The constants at ``fn``'s top level that only its outlined loops used."""
    for block in fn.body.blocks:
        for child in reversed(list(block.operations)):
            if child.operation.name in CONSTANTS and all(_unused(r) for r in child.results):
                child.operation.erase()


def _unused(value: ir.Value) -> bool:
    return next(iter(value.uses), None) is None


def _is_constant(value: ir.Value) -> bool:
    op = defining_op(value)
    return op is not None and op.name in CONSTANTS
