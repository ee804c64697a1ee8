"""Tile-local buffers of a CUDA block as workgroup (shared) memory.

``promote_to_workgroup(launch, allocs, budget)`` turns each ``memref.alloc``/``alloca`` (and
the ``memref.alloc`` in address space 3 that ``hw.shared_alloc`` lowers to) into a workgroup
attribution of the ``gpu.launch``: one buffer per block, in ``#gpu.address_space<workgroup>``.
The new memory space flows through the view ops that use the buffer (subview, cast,
expand/collapse_shape, reinterpret_cast); the buffer's deallocs are erased. The bytes of all
buffers must fit ``budget`` (a ``PassError`` at the launch otherwise).

May import the MLIR shim and aic.errors.
"""

from __future__ import annotations

from aic.errors import PassError
from aic.mlir_api import ir

VIEWS = frozenset({"memref.subview", "memref.cast", "memref.expand_shape",
                   "memref.collapse_shape", "memref.reinterpret_cast", "memref.transpose"})
WORKGROUP = "#gpu.address_space<workgroup>"


def in_space(type_: ir.Type, space: ir.Attribute | None) -> ir.MemRefType:
    t = ir.MemRefType(type_)
    return ir.MemRefType.get(list(t.shape), t.element_type, t.layout, space)


def retype(value: ir.Value, space: ir.Attribute | None) -> None:
    """Give ``value`` and the views derived from it the memory space ``space``."""
    value.set_type(in_space(value.type, space))
    for use in list(value.uses):
        owner = use.owner.operation if isinstance(use.owner, ir.OpView) else use.owner
        if owner.name in VIEWS:
            retype(owner.results[0], space)


def byte_size(type_: ir.MemRefType) -> int:
    count = 1
    for d in type_.shape:
        count *= d
    bits = type_.element_type.width if hasattr(type_.element_type, "width") else 64
    return count * max(bits, 8) // 8


def promote_to_workgroup(launch: ir.Operation, allocs: list[ir.Operation], budget: int) -> None:
    if not allocs:
        return
    space = ir.Attribute.parse(WORKGROUP)
    body = launch.regions[0].blocks[0]
    total = 0
    for alloc in allocs:
        type_ = ir.MemRefType(alloc.results[0].type)
        if not type_.has_static_shape:
            raise PassError("a tile buffer of dynamic shape cannot live in shared memory", alloc)
        total += byte_size(type_)
        arg = body.add_argument(in_space(type_, space), alloc.location)
        value = alloc.results[0]
        for use in list(value.uses):
            owner = use.owner.operation if isinstance(use.owner, ir.OpView) else use.owner
            if owner.name == "memref.dealloc":
                owner.erase()
        value.replace_all_uses_with(arg)
        retype(arg, space)
        arg.set_type(in_space(type_, space))
        alloc.erase()
    if total > budget:
        raise PassError(f"the tile buffers of this kernel need {total} bytes of shared memory, "
                        f"over the {budget} a block may use (smaller tiles: "
                        f"aic-convert-linalg-to-tiled{{tile-sizes=...}})", launch)
    launch.attributes["workgroup_attributions"] = ir.IntegerAttr.get(
        ir.IntegerType.get_signless(64), len(allocs))
