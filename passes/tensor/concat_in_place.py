"""``aic-tensor-concat-in-place``: the inputs of a concatenation are written into its slices.

A concatenation is `tensor.insert_slice`s of its inputs into a `tensor.empty` (each insert
into the previous one); bufferized, each insert copies its whole input. Here, for each
`tensor.insert_slice` with static offsets, sizes and unit strides at the top level of a
function, its source is traced back to the `tensor.empty` E its storage starts as, through
ops that write into their destination -- `scf.forall` shared outputs, `linalg` outs, the
destination of another `tensor.insert_slice` -- and reshapes (`tensor.expand_shape`,
`tensor.collapse_shape`). E is replaced by the slice of the insert's destination the source
is inserted at (reshaped back to E's type by the inverse reshapes), so the producer writes
into the concatenation's tensor and `one-shot-bufferize` finds the insert in place: no copy.
A concatenation of concatenations (DenseNet's blocks) nests: every layer writes into the
block's last tensor.

The destination must be defined before E's first use: an operand-free `tensor.empty` is
moved there, and so is an insert chain whose sources already are; otherwise the insert is
left alone. Replacing a `tensor.empty` by any tensor of its type keeps the program's meaning
(an empty tensor's contents are undefined), and one-shot-bufferize still copies wherever a
write would clobber a value that is read later: this pass can only remove copies.
Precondition: tensors (before bufferization).
"""

from __future__ import annotations

from aic.mlir_api import ir, tensor
from aic.pass_base import Pass, register_pass
from aic.verify import defining_op, user_op, walk

_RESHAPES = ("tensor.expand_shape", "tensor.collapse_shape")


@register_pass
class TensorConcatInPlace(Pass):
    """Producers of a concatenation's inputs write into its slices (no copies)."""

    NAME = "aic-tensor-concat-in-place"

    def run(self, op):
        for f in [o for o in walk(op) if o.operation.name == "func.func"]:
            for block in f.regions[0].blocks:
                _in_place(block)


def _in_place(block: ir.Block) -> None:
    created: list[ir.Operation] = []  # slices this pass made (a nested concat's storage)
    inserts = [o.operation for o in block.operations if o.operation.name == "tensor.insert_slice"]
    for ins in inserts:
        view = ins.opview
        if not _static_unit(view):
            continue
        found = _root_empty(view.source)
        if found is None:
            continue
        empty, (owner, index), reshapes = found
        # only this chain's use and our own slices: CSE shares one empty among unrelated
        # kernels, which must not all write into the slice
        users = [owner] + [user_op(u) for u in empty.results[0].uses
                           if any(user_op(u) == c for c in created)]
        if any(u.parent != empty.parent for u in users):
            continue
        first = users[0]
        for u in users[1:]:
            if u.is_before_in_block(first):
                first = u
        if not _hoist(view.dest, first):
            continue
        with ir.InsertionPoint(first), ins.location:
            value = _slice(view, reshapes)
        owner.operands[index] = value
        for u in users[1:]:
            u.operands[0] = value
        created.append(defining_op(value) if not reshapes else _first_op(value))
        if not list(empty.results[0].uses):
            empty.erase()


def _first_op(value: ir.Value) -> ir.Operation:
    """The extract_slice at the start of ``value``'s reshape chain."""
    op = defining_op(value)
    while op.name != "tensor.extract_slice":
        op = defining_op(op.operands[0])
    return op


def _static_unit(view) -> bool:
    dynamic = ir.ShapedType.get_dynamic_size()
    return (not list(view.offsets) and not list(view.sizes) and not list(view.strides)
            and all(s == 1 for s in view.static_strides)
            and all(s != dynamic for s in list(view.static_sizes) + list(view.static_offsets)))


def _root_empty(value: ir.Value):
    """(the `tensor.empty` whose storage ``value`` is written into, the (op, operand index)
    that uses it on the way, the reshapes from it to ``value`` in order) or None."""
    reshapes, use = [], None
    while True:
        op = defining_op(value)
        if op is None:
            return None
        name = op.name
        if name == "tensor.empty":
            if list(op.operands) or use is None:
                return None
            return op, use, reshapes[::-1]
        if name in _RESHAPES:
            reshapes.append(op)
            use = (op, 0)
        elif name == "tensor.insert_slice":
            use = (op, 1)
        elif name == "scf.forall" or name.startswith("linalg."):
            use = (op, len(op.operands) - len(op.results) + ir.OpResult(value).result_number)
        else:
            return None
        value = op.operands[use[1]]


def _before(op: ir.Operation, anchor: ir.Operation) -> bool:
    return op.parent == anchor.parent and op.is_before_in_block(anchor)


def _hoist(value: ir.Value, anchor: ir.Operation) -> bool:
    """Make ``value`` defined before ``anchor`` (moving empties and insert chains up)."""
    op = defining_op(value)
    if op is None or _before(op, anchor):
        return True
    if op.parent != anchor.parent:
        return False
    if op.name == "tensor.empty" and not list(op.operands):
        op.move_before(anchor)
        return True
    if op.name == "tensor.insert_slice":
        view = op.opview
        source = defining_op(view.source)
        if (source is None or _before(source, anchor)) and _static_unit(view) \
                and _hoist(view.dest, anchor):
            op.move_before(anchor)
            return True
    return False


def _slice(view, reshapes) -> ir.Value:
    """The insert's destination slice, typed as its source, then E's type."""
    value = tensor.ExtractSliceOp(view.source.type, view.dest, [], [], [],
                                  list(view.static_offsets), list(view.static_sizes),
                                  list(view.static_strides)).result
    for op in reversed(reshapes):
        source_type = op.operands[0].type
        reassociation = op.attributes["reassociation"]
        if op.name == "tensor.collapse_shape":  # undo a collapse: expand back
            shape = list(ir.RankedTensorType(source_type).shape)
            value = tensor.ExpandShapeOp(source_type, value, reassociation, [], shape).result
        else:
            value = tensor.CollapseShapeOp(source_type, value, reassociation).result
    return value
