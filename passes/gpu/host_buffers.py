"""``aic-gpu-host-buffers``: give every buffer a kernel touches a GPU copy, made once.

Host code after `aic-convert-loops-to-gpu` (and `aic-hw-lower-mma`) hands kernels the
function's arguments, host allocations and `memref.get_global` weights: host memory, which a
GPU cannot read. This pass rewrites each host function (a `func.func` holding `gpu.launch` or
`gpu.launch_func`) so that those buffers live on the GPU and are made **once**, on the first
call. Where each buffer goes is decided by which side touches it (``buffer_sides``):

* touched by kernels only (almost every buffer): device memory (``gpu.alloc``, i.e.
  ``cuMemAlloc``); weights and inputs reach it, and outputs leave it, by ``gpu.memcpy``;
* touched by kernels and read or written by the host code (the deallocation pipeline's flag
  arrays, a strided host copy): managed memory (``gpu.alloc host_shared``,
  ``cuMemAllocManaged``), one address valid on both sides;
* touched by the host only: left a host allocation.

The cache:

* a private global slot per buffer (``memref.global @__aic_gpu_<f>_<i> : memref<memref<T>>``)
  and a ready flag (``@__aic_gpu_<f>_ready : memref<i8>``);
* at entry, if the flag is 0: allocate every cached buffer, copy each weight from its global
  into its buffer, store the buffers into their slots, then set the flag to
  ``@aic_cuda_ok()`` (aic's CUDA runtime: 1 unless a CUDA error happened, so a failed first
  call is redone by the next one);
* then, every call: the buffers are loaded from their slots; the inputs are copied into
  their buffers and, before each ``func.return``, every argument's buffer is copied back out
  (outputs are out-params after bufferization).

Cached, so reused by every call: the arguments' buffers, the weights (uploaded once) and the
allocations in the function's entry block (their ``memref.dealloc`` is dropped). An
allocation nested in a region (a loop body) may be live across iterations, so it stays per
call, its ``memref.dealloc`` an async ``gpu.dealloc`` waited for. A host ``memref.copy`` of
contiguous buffers that touches a GPU buffer becomes a ``gpu.memcpy``. A private function
(a helper such as the deallocation pipeline's ``dealloc_helper``) keeps its arguments (its
caller placed them) and allocates per call; only its weights are cached.

Calls must not overlap (the buffers are shared): aic's JIT and the CUDA library's ``aic_run``
serialise them. Precondition: static shapes. No-op on functions without kernels. Options:
none.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import arith, func, gpu, ir, memref, scf
from aic.pass_base import Pass, register_pass
from aic.passes.gpu.buffer_sides import BufferSides, contiguous, in_launch
from aic.verify import user_op, walk

LAUNCHES = ("gpu.launch", "gpu.launch_func")
STATUS_FUNCTION = "aic_cuda_ok"
"""The runtime function (``aic.compiler.cuda_runtime.c``): 1 when no CUDA error happened."""


@register_pass
class GpuHostBuffers(Pass):
    """Host buffers of CUDA kernels (allocs, weights, arguments) -> GPU memory, made once."""

    NAME = "aic-gpu-host-buffers"

    def run(self, op):
        for f in [c.operation for c in walk(op) if c.operation.name == "func.func"]:
            if f.regions[0].blocks and any(c.operation.name in LAUNCHES for c in walk(f)):
                _rewrite(f)


def _plain(type_: ir.Type) -> ir.MemRefType:
    t = ir.MemRefType(type_)
    if not t.has_static_shape:
        raise PassError(f"a buffer of dynamic shape ({t}) cannot be placed for the GPU", None)
    return ir.MemRefType.get(list(t.shape), t.element_type)


def _wait() -> ir.Value:
    return gpu.WaitOp(gpu.AsyncTokenType.get(), []).results[0]


def _alloc(type_: ir.Type, side: str) -> ir.Value:
    """A device (``gpu.alloc``, waited for) or managed (``gpu.alloc host_shared``) buffer
    of ``type_``, cast back when it has a layout."""
    plain = _plain(type_)
    if side == "managed":
        value = gpu.AllocOp(plain, None, [], [], [], hostShared=True).results[0]
    else:
        alloc = gpu.AllocOp(plain, gpu.AsyncTokenType.get(), [_wait()], [], [])
        gpu.WaitOp(None, [alloc.results[1]])
        value = alloc.results[0]
    return value if plain == type_ else memref.CastOp(type_, value).result


def _copy(source: ir.Value, target: ir.Value) -> None:
    """``gpu.memcpy`` from ``source`` to ``target`` (any memory), waited for."""
    done = gpu.MemcpyOp(gpu.AsyncTokenType.get(), [_wait()], target, source).results[0]
    gpu.WaitOp(None, [done])


def _free(buffer: ir.Value) -> None:
    freed = gpu.DeallocOp(gpu.AsyncTokenType.get(), [_wait()], buffer).results[0]
    gpu.WaitOp(None, [freed])


class _Cache:
    """The cached buffers of one function: slot globals, the once-only init, the loads."""

    def __init__(self, f: ir.Operation):
        self.f, self.name = f, ir.StringAttr(f.attributes["sym_name"]).value
        self.module_ip = ir.InsertionPoint(f)
        self.items: list[tuple[ir.Type, str, str | None]] = []  # (type, side, weight global)

    def add(self, type_: ir.Type, side: str, weight: str | None = None) -> int:
        self.items.append((type_, side, weight))
        return len(self.items) - 1

    def _global(self, suffix: str, type_: ir.Type, init=None) -> str:
        name = f"__aic_gpu_{self.name}_{suffix}"
        with self.module_ip:
            memref.GlobalOp(name, ir.TypeAttr.get(type_), sym_visibility="private",
                            initial_value=init or ir.UnitAttr.get())
        return name

    def emit(self, ip: ir.InsertionPoint) -> list[ir.Value]:
        """The init (under the ready flag) and the loads, at ``ip``; the buffers in order."""
        if not self.items:
            return []
        i8 = ir.IntegerType.get_signless(8)
        slots = [self._global(str(i), ir.MemRefType.get([], _plain(t)))
                 for i, (t, _, _) in enumerate(self.items)]
        flag_type = ir.MemRefType.get([], i8)
        ready = self._global("ready", flag_type,
                             ir.DenseElementsAttr.get_splat(ir.RankedTensorType.get([], i8),
                                                            ir.IntegerAttr.get(i8, 0)))
        with ip:
            flag = memref.GetGlobalOp(flag_type, ready).result
            zero = arith.ConstantOp(i8, 0).result
            cold = arith.CmpIOp(arith.CmpIPredicate.eq, memref.LoadOp(flag, []).result, zero)
            branch = scf.IfOp(cold.result)
            with ir.InsertionPoint(branch.then_block):
                for (type_, side, weight), slot in zip(self.items, slots):
                    buffer = _alloc(_plain(type_), side)
                    if weight is not None:
                        _copy(memref.GetGlobalOp(type_, weight).result, buffer)
                    memref.StoreOp(buffer, self._slot(slot, type_), [])
                ok = func.CallOp([i8], STATUS_FUNCTION, []).result
                memref.StoreOp(ok, flag, [])
                scf.YieldOp([])
            return [self._load(slot, type_) for (type_, _, _), slot in zip(self.items, slots)]

    @staticmethod
    def _slot(name: str, type_: ir.Type) -> ir.Value:
        return memref.GetGlobalOp(ir.MemRefType.get([], _plain(type_)), name).result

    def _load(self, slot: str, type_: ir.Type) -> ir.Value:
        value = memref.LoadOp(self._slot(slot, type_), []).result
        return value if _plain(type_) == type_ else memref.CastOp(type_, value).result


def _rewrite(f: ir.Operation) -> None:
    _declare_status(f)
    entry = f.regions[0].blocks[0]
    sides = BufferSides(f)
    cache = _Cache(f)
    # A private function (a helper the entry calls, maybe in a loop) gets its buffers from
    # its caller, and its allocations stay per call.
    public = "sym_visibility" not in f.attributes
    args = [a for a in entry.arguments if isinstance(a.type, ir.MemRefType) and public
            and sides.side(a) != "host"]
    for arg in args:
        cache.add(arg.type, sides.side(arg))
    weights: dict[str, int] = {}
    cached: list[tuple[ir.Operation, int]] = []  # (op whose result is replaced, buffer)
    frees = [c.operation for c in walk(f) if c.operation.name == "memref.dealloc"
             and not in_launch(c.operation) and sides.side(c.operation.operands[0]) != "host"]
    copies = [c.operation for c in walk(f) if c.operation.name == "memref.copy"
              and not in_launch(c.operation) and _to_memcpy(c.operation, sides)]
    for child in [c.operation for c in walk(f)]:
        if in_launch(child):
            continue
        side = sides.side(child.results[0]) if len(child.results) == 1 else "host"
        if side == "host":
            continue
        elif child.name == "memref.get_global":
            symbol = ir.FlatSymbolRefAttr(child.attributes["name"]).value
            if symbol not in weights:
                weights[symbol] = cache.add(child.results[0].type, side, symbol)
            cached.append((child, weights[symbol]))
        elif child.name == "memref.alloc" and child.parent == f and public:
            cached.append((child, cache.add(child.results[0].type, side)))
        elif child.name == "memref.alloc":
            with ir.InsertionPoint(child), child.location:
                buffer = _alloc(child.results[0].type, side)
            child.results[0].replace_all_uses_with(buffer)
            child.erase()
    with f.location:
        buffers = cache.emit(ir.InsertionPoint(next(iter(entry.operations))))
        for op, index in cached:
            op.results[0].replace_all_uses_with(buffers[index])
            op.erase()
        _deallocs(frees, {buffers[i] for _, i in cached})
        _arguments(f, args, buffers[:len(args)])
        _memcpys(copies)


def _arguments(f: ir.Operation, args, buffers) -> None:
    """Uses of each argument -> its buffer; the argument copied in after the buffer's load,
    every buffer copied back out before each return."""
    for arg, buffer in zip(args, buffers):
        for use in list(arg.uses):
            user_op(use).operands[use.operand_number] = buffer
        with ir.InsertionPoint.after(buffer.owner):
            _copy(arg, buffer)
    for ret in [c.operation for c in walk(f) if c.operation.name == "func.return"]:
        with ir.InsertionPoint(ret), ret.location:
            for arg, buffer in zip(args, buffers):
                _copy(buffer, arg)


def _deallocs(frees, cached: set) -> None:
    """The deallocs of GPU buffers: those of cached buffers go, the others become
    ``gpu.dealloc``s waited for (those of host buffers stay ``memref.dealloc``)."""
    for dealloc in frees:
        if dealloc.operands[0] not in cached:
            with ir.InsertionPoint(dealloc), dealloc.location:
                _free(dealloc.operands[0])
        dealloc.erase()


def _to_memcpy(copy: ir.Operation, sides: BufferSides) -> bool:
    """A host ``memref.copy`` that touches a GPU buffer and can be a ``gpu.memcpy`` (a
    strided one made its buffers managed, so the host copies it)."""
    source, target = copy.operands
    return (contiguous(source.type) and contiguous(target.type)
            and not sides.side(source) == sides.side(target) == "host")


def _memcpys(copies) -> None:
    """The chosen host ``memref.copy``s -> ``gpu.memcpy``s waited for."""
    for copy in copies:
        source, target = copy.operands
        with ir.InsertionPoint(copy), copy.location:
            _copy(source, target)
        copy.erase()


def _declare_status(f: ir.Operation) -> None:
    module = f.parent
    if any(ir.StringAttr(op.attributes["sym_name"]).value == STATUS_FUNCTION
           for op in module.regions[0].blocks[0].operations
           if op.operation.name == "func.func"):
        return
    with ir.InsertionPoint(f), f.location:
        decl = func.FuncOp(STATUS_FUNCTION, ([], [ir.IntegerType.get_signless(8)]))
        decl.sym_visibility = ir.StringAttr.get("private")
