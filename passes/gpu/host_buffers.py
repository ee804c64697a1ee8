"""``aic-gpu-host-buffers``: make every buffer a kernel touches reachable from the GPU.

Host code after `aic-convert-loops-to-gpu` hands kernels the function's arguments, host
allocations and `memref.get_global` weights: host memory, which a GPU cannot read. This pass
rewrites each host function (a `func.func` holding `gpu.launch`es):

* a `memref.alloc` (an intermediate tensor) -> `gpu.alloc host_shared` (CUDA managed memory:
  one address valid on the host and the device), its `memref.dealloc` -> an async
  `gpu.dealloc` waited for;
* a `memref.get_global` (weights) -> a managed buffer filled from the global by a host copy,
  at the top of the function;
* each memref argument -> a managed buffer: inputs copied in at entry, and every argument
  copied back out before each `func.return` (outputs are out-params after bufferization).

`gpu-to-llvm` lowers `gpu.alloc host_shared` to `mgpuMemAlloc(..., isHostShared=true)`
(`cuMemAllocManaged`) and the synchronous launches to launch + stream synchronize, so host
copies after a launch see its results. Weights are copied on every call (managed memory
migrates them to the GPU on first touch). Precondition: static shapes. No-op on functions
without launches.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import gpu, ir, memref
from aic.pass_base import Pass, register_pass
from aic.verify import defining_op, user_op, walk


@register_pass
class GpuHostBuffers(Pass):
    """Host buffers of CUDA kernels (allocs, weights, arguments) -> managed memory."""

    NAME = "aic-gpu-host-buffers"

    def run(self, op):
        for f in [c.operation for c in walk(op) if c.operation.name == "func.func"]:
            if f.regions[0].blocks and any(c.operation.name == "gpu.launch" for c in walk(f)):
                _rewrite(f)


def _managed(type_: ir.Type, loc) -> ir.Value:
    t = ir.MemRefType(type_)
    if not t.has_static_shape:
        raise PassError(f"a buffer of dynamic shape ({t}) cannot be placed for the GPU", None)
    plain = ir.MemRefType.get(list(t.shape), t.element_type)
    alloc = gpu.AllocOp(plain, None, [], [], [], hostShared=True, loc=loc)
    value = alloc.results[0]
    if plain != t:
        value = memref.CastOp(t, value, loc=loc).result
    return value


def _rewrite(f: ir.Operation) -> None:
    entry = f.regions[0].blocks[0]
    first = list(entry.operations)[0].operation
    frees = []
    args = [a for a in entry.arguments if isinstance(a.type, ir.MemRefType)]
    with ir.InsertionPoint(first), f.location:
        for arg in args:
            buffer = _managed(arg.type, f.location)
            users = [user_op(u) for u in arg.uses]
            memref.CopyOp(arg, buffer)
            for use in list(arg.uses):
                if user_op(use) in users:
                    user_op(use).operands[use.operand_number] = buffer
            frees.append((arg, buffer))
    for child in list(walk(f)):
        child = child.operation
        if child.name == "memref.get_global" and not _in_launch(child):
            _upload(child)
        elif child.name == "memref.alloc" and not _in_launch(child):
            _swap(child, lambda c: _managed(c.results[0].type, c.location))
        elif child.name == "memref.dealloc" and not _in_launch(child):
            with ir.InsertionPoint(child), child.location:
                _free(child.operands[0])
            child.erase()
    for ret in [c.operation for c in walk(f) if c.operation.name == "func.return"]:
        with ir.InsertionPoint(ret), ret.location:
            for arg, buffer in frees:
                memref.CopyOp(buffer, arg)
                _free(buffer)


def _free(buffer: ir.Value) -> None:
    """``gpu.dealloc`` in its async form (the one gpu-to-llvm lowers), waited for."""
    token = gpu.AsyncTokenType.get()
    ready = gpu.WaitOp(token, []).results[0]
    freed = gpu.DeallocOp(token, [ready], buffer).results[0]
    gpu.WaitOp(None, [freed])


def _in_launch(op: ir.Operation) -> bool:
    parent = op.parent
    while parent is not None and parent.name != "func.func":
        if parent.name == "gpu.launch":
            return True
        parent = parent.parent
    return False


def _swap(op: ir.Operation, build) -> None:
    with ir.InsertionPoint(op), op.location:
        new = build(op)
    op.results[0].replace_all_uses_with(new)
    op.erase()


def _upload(get: ir.Operation) -> None:
    with ir.InsertionPoint(get), get.location:
        buffer = _managed(get.results[0].type, get.location)
    get.results[0].replace_all_uses_with(buffer)
    get.move_before(defining_op(buffer))
    with ir.InsertionPoint.after(defining_op(buffer)), get.location:
        memref.CopyOp(get.results[0], buffer)
