"""``aic-hw-profile``: time every kernel of ``@main`` (for ``aic-run --profile``).

Recipe: each top-level op of ``@main`` that does work -- an op with regions (``hw.parallel``,
``linalg.generic``, loops) or a ``linalg``/data-movement ``tensor`` op -- is bracketed by
``llvm.call @rtclock()`` (``libmlir_c_runner_utils``: seconds as f64; an LLVM-dialect
declaration, so the C-wrapper request of the llvm stage does not rename it); the difference is added
to slot *k* of the private global ``@aic_profile_seconds : memref<Nxf64>``. A new function
``@aic_profile_read(%out: memref<Nxf64>)`` copies the accumulated seconds out, and the module
attribute ``aic.profile`` lists each slot's name: the ONNX node names carried by the op's
location and the locations of the ops inside it (``"conv1+relu1"``; the op name when there
are none). The calls are opaque, so no later
pass moves a kernel across its timers. Run it at the tensor level after vectorization
(``--passes after:vector=aic-hw-profile``); ``aic.compile(..., profile=True)`` does.
Precondition: a ``func.func @main`` on tensors, no ``@aic_profile_*`` symbols yet.
"""

from __future__ import annotations

from aic.diagnostics import location_names
from aic.errors import PassError
from aic.mlir_api import arith, func, ir, memref
from aic.pass_base import Pass, register_pass
from aic.verify import walk

GLOBAL = "aic_profile_seconds"
READ = "aic_profile_read"
NAMES_ATTR = "aic.profile"
CLOCK = "rtclock"
_FREE = {"arith.constant", "tensor.empty", "func.return", "tensor.expand_shape",
         "tensor.collapse_shape", "tensor.cast", "tensor.extract_slice", "tensor.reshape"}


@register_pass
class HwProfile(Pass):
    """Bracket every kernel of @main with clock calls accumulating into a global (profiling)."""

    NAME = "aic-hw-profile"

    def run(self, op):
        main = _find(op, "main")
        if main is None:
            raise PassError("needs a func.func @main", op)
        if _find(op, READ) is not None:
            raise PassError("the module is instrumented already", op)
        body = list(main.regions[0].blocks[0].operations)  # ends with func.return
        kernels = [(o, body[i + 1]) for i, o in enumerate(body[:-1]) if _does_work(o)]
        f64 = ir.F64Type.get()
        slots = ir.MemRefType.get([max(1, len(kernels))], f64)
        module_block = op.regions[0].blocks[0]
        with ir.InsertionPoint.at_block_begin(module_block) as ip:
            ip.insert(ir.Operation.parse(f"llvm.func @{CLOCK}() -> f64"))
            memref.GlobalOp(GLOBAL, ir.TypeAttr.get(slots), sym_visibility="private",
                            initial_value=ir.DenseElementsAttr.get_splat(
                                ir.RankedTensorType.get(slots.shape, f64),
                                ir.FloatAttr.get(f64, 0.0)))
        for index, (kernel, following) in enumerate(kernels):
            _bracket(kernel, following, index, slots)
        with ir.InsertionPoint(module_block):
            _read_function(slots)
        names = [_kernel_name(k) for k, _ in kernels]
        op.attributes[NAMES_ATTR] = ir.ArrayAttr.get([ir.StringAttr.get(n) for n in names])


def _find(module_op, name: str):
    for o in module_op.regions[0].blocks[0].operations:
        if o.operation.name == "func.func" and ir.StringAttr(o.attributes["sym_name"]).value == name:
            return o
    return None


def _does_work(op) -> bool:
    name = op.operation.name
    if name in _FREE:
        return False
    return bool(len(op.operation.regions)) or name.startswith(("linalg.", "tensor.", "hw."))


def _clock() -> ir.Value:
    """``llvm.call @rtclock() : () -> f64`` at the current insertion point."""
    attrs = {"callee": ir.FlatSymbolRefAttr.get(CLOCK),
             "CConv": ir.Attribute.parse("#llvm.cconv<ccc>"),
             "TailCallKind": ir.Attribute.parse("#llvm.tailcallkind<none>"),
             "fastmathFlags": ir.Attribute.parse("#llvm.fastmath<none>"),
             "op_bundle_sizes": ir.DenseI32ArrayAttr.get([]),
             "operandSegmentSizes": ir.DenseI32ArrayAttr.get([0, 0])}
    return ir.Operation.create("llvm.call", results=[ir.F64Type.get()], attributes=attrs).result


def _bracket(kernel, following, index: int, slots) -> None:
    loc = kernel.location
    with ir.InsertionPoint(kernel), loc:
        start = _clock()
    with ir.InsertionPoint(following), loc:
        stop = _clock()
        spent = arith.SubFOp(stop, start).result
        table = memref.GetGlobalOp(slots, GLOBAL).result
        slot = arith.ConstantOp(ir.IndexType.get(), index).result
        total = arith.AddFOp(memref.LoadOp(table, [slot]).result, spent).result
        memref.StoreOp(total, table, [slot])


def _read_function(slots) -> None:
    loc = ir.Location.unknown()
    fn = func.FuncOp(READ, ir.FunctionType.get([slots], []), loc=loc)
    block = fn.add_entry_block()
    with ir.InsertionPoint(block), loc:
        memref.CopyOp(memref.GetGlobalOp(slots, GLOBAL).result, block.arguments[0])
        func.ReturnOp([])


def _kernel_name(op) -> str:
    """The ONNX node names on ``op``'s location and on the ops inside it (a kernel holds its
    fused epilogue), in order of appearance."""
    names = location_names(op.location)
    for inner in walk(op.operation):
        names += location_names(inner.location)
    unique = list(dict.fromkeys(n for n in names if n and not n.startswith("<")))
    return "+".join(unique) or op.operation.name
