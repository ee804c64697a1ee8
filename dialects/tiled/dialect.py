"""The ``tiled`` dialect object (ops are declared in ``ops.py``; shape helpers in ``shapes.py``)."""

from aic.dsl import Dialect

tiled = Dialect(
    "tiled",
    "Tile programs: kernels over an iteration space of tiles.",
    """
    A `tiled.kernel` makes a computation's tiling explicit: the iteration space (`space`),
    the tile size per dimension (`tile_sizes`), which dimensions are parallel and which are
    reduced (`iterators`), what is loaded per tile (`tiled.load`), the fused per-tile body
    (upstream linalg ops on tile tensors) and the epilogue that runs once per parallel tile
    after the reduction (fused bias, activation...). It is hardware-agnostic: tile sizes are
    chosen from the module's `hw.target` by `aic-convert-linalg-to-tiled`, and
    `aic-convert-tiled-to-hw` maps kernels to a target.
    """,
)
