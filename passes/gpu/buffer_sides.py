"""Which side reads or writes each buffer of a host function: the host, the kernels, or both.

An analysis for `aic-gpu-host-buffers` (not a pass). Values that are the same memory are put
in one class: a view and its source (``memref.cast``, ``subview``, ``collapse_shape``, ...,
the base buffer of ``extract_strided_metadata``, an ``unrealized_conversion_cast``); an ``scf.for``'s init, its block
argument, its yielded value and its result; an ``scf.if``'s yielded values and its result.
A class is *kernel-side* when one of its values is used inside a ``gpu.launch`` or passed to a
``gpu.launch_func``, and *host-side* when the host code reads or writes its contents: a
``memref.load``/``store`` outside kernels, an operand of a host ``func.call`` (the
deallocation helper reads its flag buffers), or a host ``memref.copy`` that cannot become a
``gpu.memcpy`` (a strided view). A host ``memref.copy`` of contiguous buffers is neither: the
pass turns it into a ``gpu.memcpy``, which copies between any two kinds of memory.

The pass places kernel-only classes in device memory, classes both sides touch in managed
memory, and leaves host-only classes (the deallocation pipeline's flag arrays) in host
memory.
"""

from __future__ import annotations

from aic.mlir_api import ir
from aic.verify import walk

VIEWS = ("memref.cast", "memref.subview", "memref.collapse_shape", "memref.expand_shape",
         "memref.reinterpret_cast", "memref.reshape", "memref.view", "memref.transpose",
         "memref.extract_strided_metadata", "builtin.unrealized_conversion_cast")
HOST_ACCESS = ("memref.load", "memref.store", "func.call", "memref.copy")


def contiguous(type_: ir.Type) -> bool:
    """A memref that ``gpu.memcpy`` can copy (identity layout; lowering needs that)."""
    if not isinstance(type_, ir.MemRefType):
        return False
    t = ir.MemRefType(type_)
    return t.layout == ir.AffineMapAttr.get(ir.AffineMap.get_identity(t.rank))


def in_launch(op: ir.Operation) -> bool:
    """``op`` is nested in a ``gpu.launch`` (before `aic-gpu-host-buffers`' function ends)."""
    parent = op.parent
    while parent is not None and parent.name != "func.func":
        if parent.name == "gpu.launch":
            return True
        parent = parent.parent
    return False


class BufferSides:
    """The classes of one host function's buffers and the sides that touch each."""

    def __init__(self, f: ir.Operation):
        self._parent: dict[ir.Value, ir.Value] = {}
        self._kernel: list[ir.Value] = []
        self._host: list[ir.Value] = []
        for op in [c.operation for c in walk(f)]:
            if in_launch(op):
                self._kernel += [v for v in op.operands if isinstance(v.type, ir.MemRefType)]
            else:
                self._host_op(op)
        self.kernel = {self.find(v) for v in self._kernel}
        self.host = {self.find(v) for v in self._host}

    def find(self, value: ir.Value) -> ir.Value:
        root = value
        while root in self._parent:
            root = self._parent[root]
        while value in self._parent and self._parent[value] != root:
            self._parent[value], value = root, self._parent[value]
        return root

    def side(self, value: ir.Value) -> str:
        """``device`` (kernels only), ``managed`` (both), ``host`` (host only or neither)."""
        root = self.find(value)
        if root in self.kernel:
            return "managed" if root in self.host else "device"
        return "host"

    def _union(self, a: ir.Value, b: ir.Value) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[ra] = rb

    def _host_op(self, op: ir.Operation) -> None:
        memrefs = [v for v in op.operands if isinstance(v.type, ir.MemRefType)]
        if op.name in VIEWS:
            self._union(op.results[0], op.operands[0])
        elif op.name == "gpu.launch_func":
            self._kernel += memrefs
        elif op.name == "memref.copy" and all(contiguous(v.type) for v in memrefs):
            pass  # becomes a gpu.memcpy
        elif op.name in HOST_ACCESS:
            self._host += memrefs
        elif op.name == "scf.for":
            body = op.regions[0].blocks[0]
            inits = list(op.operands)[3:]
            yielded = list(body.operations)[-1].operands
            for init, arg, out, result in zip(inits, list(body.arguments)[1:], yielded,
                                              op.results):
                for v in (arg, out, result):
                    self._union(init, v)
        elif op.name == "scf.if":
            for region in op.regions:
                for block in region.blocks:
                    for out, result in zip(list(block.operations)[-1].operands, op.results):
                        self._union(out, result)
