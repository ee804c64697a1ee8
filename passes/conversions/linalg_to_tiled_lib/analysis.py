"""What ``aic-convert-linalg-to-tiled`` needs to know about a linalg op on tensors.

``analyze(op)`` returns a ``LinalgInfo`` for the ops a kernel can be formed from — named
`linalg.matmul`, `linalg.batch_matmul` (default maps) and `linalg.generic` — whose tensors
are static, with one init and every indexing map a projected permutation (each operand dim
indexed by one loop dim, as tiling by slices needs); None for anything else (convolutions,
whose maps add dims, stay linalg).
"""

from __future__ import annotations

from dataclasses import dataclass

from aic.dialects.tiled.ops import PARALLEL, REDUCTION
from aic.dialects.tiled.shapes import static_shape
from aic.mlir_api import ir

MATMUL, BATCH_MATMUL, GENERIC = "linalg.matmul", "linalg.batch_matmul", "linalg.generic"
BATCH_MATMUL_MAPS = [[0, 1, 3], [0, 3, 2], [0, 1, 2]]
MATMUL_MAPS = [[0, 2], [2, 1], [0, 1]]
DEFAULT_MAPS = {MATMUL: MATMUL_MAPS, BATCH_MATMUL: BATCH_MATMUL_MAPS}
"""Named ops carry `indexing_maps` only when they differ from these defaults."""


@dataclass
class LinalgInfo:
    op: ir.OpView
    inputs: list[ir.Value]
    init: ir.Value
    maps: list[list[int]]  # per operand (inputs, then the init): loop dim of each operand dim
    iterators: list[str]
    space: list[int]

    @property
    def name(self) -> str:
        return self.op.operation.name

    @property
    def is_contraction(self) -> bool:
        return REDUCTION in self.iterators


def _dims(map_attr: ir.Attribute) -> list[int] | None:
    amap = ir.AffineMapAttr(map_attr).value
    dims = []
    for expr in amap.results:
        if not isinstance(expr, ir.AffineDimExpr):
            return None
        dims.append(expr.position)
    return dims if len(set(dims)) == len(dims) else None


def _iterators(op, maps: list[list[int]], n_loops: int) -> list[str]:
    if "iterator_types" in op.attributes:
        return [REDUCTION if "reduction" in str(a) else PARALLEL
                for a in ir.ArrayAttr(op.attributes["iterator_types"])]
    out_dims = set(maps[-1])
    return [PARALLEL if d in out_dims else REDUCTION for d in range(n_loops)]


def analyze(op: ir.OpView) -> LinalgInfo | None:
    name = op.operation.name
    if name not in (MATMUL, BATCH_MATMUL, GENERIC):
        return None
    if "indexing_maps" not in op.attributes and name not in DEFAULT_MAPS:
        return None
    operands = list(op.operation.operands)
    if len(op.operation.results) != 1 or any(static_shape(v.type) is None for v in operands):
        return None
    inputs, init = operands[:-1], operands[-1]
    if "indexing_maps" in op.attributes:
        maps = [_dims(m) for m in ir.ArrayAttr(op.attributes["indexing_maps"])]
    else:
        maps = [list(m) for m in DEFAULT_MAPS[name]]
    if any(m is None for m in maps) or len(maps) != len(operands):
        return None
    if name in DEFAULT_MAPS and maps != DEFAULT_MAPS[name]:
        return None
    if "indexing_maps" in op.attributes:
        n_loops = ir.AffineMapAttr(ir.ArrayAttr(op.attributes["indexing_maps"])[0]).value.n_dims
    else:
        n_loops = 1 + max(d for m in maps for d in m)
    space: list[int | None] = [None] * n_loops
    for value, dims in zip(operands, maps):
        for extent, d in zip(static_shape(value.type), dims):
            space[d] = extent
    iterators = _iterators(op, maps, n_loops)
    if None in space or PARALLEL not in iterators or 0 in space:
        return None
    if any(iterators[d] != PARALLEL for d in maps[-1]):
        return None
    return LinalgInfo(op, inputs, init, maps, iterators, list(space))
