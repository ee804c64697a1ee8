"""Lowerings of graph ops to linalg on tensors, one module per op family.

``LOWERINGS`` maps each graph op class to ``fn(op) -> list[ir.Value]``: called with the
insertion point before ``op`` and ``op.location`` as the current location, it builds the
replacement of every result of ``op`` (the caller replaces uses and erases ``op``).

May import: the MLIR shim, the graph op classes and its own modules.
"""

from aic.passes.conversions.graph_to_linalg_lib import (bitwise, contraction, conv_pool,
                                                        elementwise, grid_sample,
                                                        misc, reduce_norm, scatter, selection,
                                                        shape, sort_resize)

LOWERINGS = {
    **elementwise.LOWERINGS,
    **contraction.LOWERINGS,
    **conv_pool.LOWERINGS,
    **reduce_norm.LOWERINGS,
    **shape.LOWERINGS,
    **misc.LOWERINGS,
    **sort_resize.LOWERINGS,
    **scatter.LOWERINGS,
    **bitwise.LOWERINGS,
    **grid_sample.LOWERINGS,
    **selection.LOWERINGS,
}
