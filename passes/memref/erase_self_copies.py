"""``aic-memref-erase-self-copies``: erase a `memref.copy` whose source is its target.

Bufferization leaves a copy for every `tensor.insert_slice`; when the inserted value was
computed in place in the destination (``aic-tensor-concat-in-place``), source and target are
the same memory, but reshapes on the way can give the two views different strides for
dimensions of size 1 (an `expand_shape` of a collapsed `1x32x64x64` slice has batch stride
131072, the slice 262144), so canonicalization's same-value fold does not see it and the copy
would read and write the whole slice. Here a copy is erased when both views reach the same
buffer through `memref.subview`, `memref.expand_shape`, `memref.collapse_shape` and
`memref.cast`, and their static layouts agree: the same offset, and the same size and stride
for every dimension of size other than 1.
Precondition: bufferized IR (run after one-shot-bufferize).
"""

from __future__ import annotations

from aic.mlir_api import ir
from aic.pass_base import Pass, register_pass
from aic.verify import defining_op, walk

_VIEWS = ("memref.subview", "memref.expand_shape", "memref.collapse_shape", "memref.cast")


@register_pass
class MemrefEraseSelfCopies(Pass):
    """Erase memref.copy ops whose source and target are the same memory."""

    NAME = "aic-memref-erase-self-copies"

    def run(self, op):
        for copy in [o.operation for o in walk(op) if o.operation.name == "memref.copy"]:
            source, target = copy.operands[0], copy.operands[1]
            if _root(source) == _root(target) and _layout(source) is not None \
                    and _layout(source) == _layout(target):
                copy.erase()


def _root(value: ir.Value) -> ir.Value:
    """The buffer ``value`` is a view of."""
    op = defining_op(value)
    while op is not None and op.name in _VIEWS:
        value = op.operands[0]
        op = defining_op(value)
    return value


def _layout(value: ir.Value):
    """(offset, [(size, stride) of each dim of size != 1]) when all static, else None."""
    t = ir.MemRefType(value.type)
    if not t.has_static_shape:
        return None
    strides, offset = t.get_strides_and_offset()
    if any(t.is_dynamic_stride_or_offset(s) for s in list(strides) + [offset]):
        return None
    return offset, [(n, s) for n, s in zip(t.shape, strides) if n != 1]
