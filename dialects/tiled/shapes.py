"""Shape rules shared by the ``tiled`` ops' verifiers and the passes that build them.

A *tile type* is the static shape of a slice; it may be *rank-reduced*: every unit dimension
dropped (``tensor<1x64x32xf32>`` read as ``tensor<64x32xf32>``), which lets a batch tile of 1 feed
2-D matmuls. Only "all units dropped" is allowed, so the mapping is never ambiguous.
"""

from __future__ import annotations

from aic.dsl.constraints import isa, static_shape  # noqa: F401  (re-exported)
from aic.mlir_api import ir


def reduced(sizes: list[int]) -> list[int]:
    return [s for s in sizes if s != 1]


def tile_type_error(type_: ir.Type, sizes: list[int], element: ir.Type, what: str) -> str | None:
    """Why ``type_`` is not a tile of ``sizes`` (full or rank-reduced) and ``element``, or None."""
    shape = static_shape(type_)
    if shape is None:
        return f"{what} must be a statically shaped tensor, got {type_}"
    if ir.RankedTensorType(type_).element_type != element:
        return f"{what} element type {ir.RankedTensorType(type_).element_type} != {element}"
    if shape != list(sizes) and shape != reduced(list(sizes)):
        return f"{what} type {type_} does not match tile sizes {list(sizes)}"
    return None


def tile_type(sizes: list[int], element: ir.Type, rank_reduce: bool = False) -> ir.Type:
    return ir.RankedTensorType.get(reduced(sizes) if rank_reduce else list(sizes), element)
