"""``tiled`` ops: the kernel and per-tile loads.

Semantics of `tiled.kernel` (checked by ``KernelOp.verify``; IRDL states only the structure):

* `space[d]` is the extent of iteration dimension `d`, `tile_sizes[d]` divides it, and
  `iterators[d]` is `"parallel"` or `"reduction"`.
* `inits` has one tensor per result (same type). `outs_indexing` lists, for every dim of every
  init in order, the iteration dimension that indexes it; those dimensions are parallel and
  have the init's extent. The *accumulator tile* of an init has the tile sizes of those dims.
* `body` (one block) runs once per tile of the whole space, reduction tiles in increasing order
  for each parallel tile. Its arguments: one `index` per dimension (the tile's offsets), then
  the accumulator tiles; `gpu.yield` gives the new accumulator tiles. Before the first
  reduction tile an accumulator tile is the init's slice.
* `epilogue` (empty, or one block) runs once per parallel tile after the reduction: arguments
  are one `index` per *parallel* dimension, then the accumulator tiles; it yields the final
  tiles, which are stored at the parallel tile's offsets in the results.
* The tensors a kernel reads are used directly inside its regions (as `scf.for` bodies do),
  through `tiled.load`; they are not operands. (IRDL in LLVM 22 binds one type per variadic
  operand group, so a variadic `inputs` group could not hold tensors of different types; for
  the same reason several inits must share one type.)
"""

from aic.dialects.tiled.dialect import tiled
from aic.dialects.tiled.shapes import static_shape, tile_type_error
from aic.dsl import (AicOp, Attr, IntArrayAttr, Operand, Region, Result, StrArrayAttr,
                     StrAttr, Tensor, Index)
from aic.dsl.constraints import isa
from aic.mlir_api import ir

PARALLEL, REDUCTION = "parallel", "reduction"
TERMINATOR = "gpu.yield"
"""The regions' terminator. IRDL (LLVM 22) cannot declare a terminator, so aic region ops end
in upstream `gpu.yield` (variadic operands of any type, no parent constraint)."""


@tiled.op
class KernelOp(AicOp):
    """A tile program: a fused computation over an iteration space of tiles.

    `matmul + bias + relu` of `256x128 @ 128x192` tiled 64x64x32: space `(m, n, k)`, the body
    multiplies one `64x32` tile of `a` by one `32x64` tile of `b` into the accumulator, the
    epilogue adds the bias tile and applies relu once per `(m, n)` tile.

    ```mlir
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<256x128xf32>, index, index) -> tensor<64x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<128x192xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<64x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    ^bb0(%i: index, %j: index, %acc: tensor<64x64xf32>):
      %lbias = "tiled.load"(%bias, %j) {sizes = array<i64: 64>} : (tensor<192xf32>, index) -> tensor<64xf32>
      %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc, %lbias : tensor<64x64xf32>, tensor<64xf32>) outs(%acc : tensor<64x64xf32>) {
      ^bb1(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        %z = arith.constant 0.0 : f32
        %r = arith.maximumf %s, %z : f32
        linalg.yield %r : f32
      } -> tensor<64x64xf32>
      "gpu.yield"(%e) : (tensor<64x64xf32>) -> ()
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul_bias_relu", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    ```
    """
    NAME = "kernel"
    inits = Operand(Tensor(), variadic=True, doc="initial values of the results")
    space = Attr(IntArrayAttr(min=1), doc="extent of each iteration dimension")
    tile_sizes = Attr(IntArrayAttr(min=1), doc="tile size per dimension (divides the extent)")
    iterators = Attr(StrArrayAttr(PARALLEL, REDUCTION), doc="kind of each dimension")
    outs_indexing = Attr(IntArrayAttr(min=0), doc="iteration dim of each dim of each init")
    kind = Attr(StrAttr(), default="", doc="free-form name of the fused pattern")
    body = Region(doc="per-tile body: tile offsets, accumulator tiles; yields new tiles")
    epilogue = Region(doc="empty, or per parallel tile after the reduction; yields final tiles")
    outs = Result(Tensor(), variadic=True)

    # -- derived facts (used by verifier and passes) ---------------------------------------

    def parallel_dims(self) -> list[int]:
        return [d for d, it in enumerate(self.iterators) if it == PARALLEL]

    def reduction_dims(self) -> list[int]:
        return [d for d, it in enumerate(self.iterators) if it == REDUCTION]

    def init_dims(self) -> list[list[int]]:
        """Per init, the iteration dimension indexing each of its dims."""
        flat, out = list(self.outs_indexing), []
        for init in self.inits:
            rank = ir.RankedTensorType(init.type).rank
            out.append(flat[:rank])
            flat = flat[rank:]
        return out

    def verify(self) -> str | None:
        return (_check_space(self) or _check_inits(self)
                or _check_region(self, 0, list(range(len(self.space))))
                or _check_region(self, 1, self.parallel_dims()))


def _check_space(k: KernelOp) -> str | None:
    n = len(k.space)
    if len(k.tile_sizes) != n or len(k.iterators) != n:
        return (f"space, tile_sizes and iterators must have one entry per dimension "
                f"(got {n}, {len(k.tile_sizes)}, {len(k.iterators)})")
    for d, (extent, size) in enumerate(zip(k.space, k.tile_sizes)):
        if extent % size:
            return f"tile size {size} does not divide extent {extent} of dimension {d}"
    if not k.parallel_dims():
        return "needs at least one parallel dimension"
    return None


def _check_inits(k: KernelOp) -> str | None:
    if len(k.inits) != len(k.outs):
        return f"expected one init per result, got {len(k.inits)} inits for {len(k.outs)} results"
    for init, out in zip(k.inits, k.outs):
        if init.type != out.type:
            return f"result type {out.type} differs from its init {init.type}"
    ranks = sum(ir.RankedTensorType(i.type).rank for i in k.inits)
    if len(k.outs_indexing) != ranks:
        return f"outs_indexing has {len(k.outs_indexing)} entries, the inits have {ranks} dims"
    for init, dims in zip(k.inits, k.init_dims()):
        shape = static_shape(init.type)
        if shape is None:
            return f"init {init.type} must have a static shape"
        for extent, d in zip(shape, dims):
            if d >= len(k.space) or k.iterators[d] != PARALLEL:
                return f"outs_indexing entry {d} is not a parallel dimension"
            if extent != k.space[d]:
                return f"init {init.type} dim of extent {extent} != space[{d}] = {k.space[d]}"
    return None


def _check_region(k: KernelOp, index: int, offset_dims: list[int]) -> str | None:
    region = k.operation.regions[index]
    name = ("body", "epilogue")[index]
    blocks = list(region.blocks)
    if not blocks:
        return "the body region must not be empty" if index == 0 else None
    if len(blocks) != 1:
        return f"the {name} must have exactly one block"
    args = list(blocks[0].arguments)
    want = len(offset_dims) + len(k.inits)
    if len(args) != want:
        return f"the {name} block must have {want} arguments, got {len(args)}"
    for a in args[:len(offset_dims)]:
        if not isa(ir.IndexType, a.type):
            return f"the {name}'s first {len(offset_dims)} arguments must be index"
    accs = args[len(offset_dims):]
    return _check_accs(k, name, accs, blocks[0])


def _check_accs(k: KernelOp, name: str, accs, block) -> str | None:
    types = []
    for acc, init, dims in zip(accs, k.inits, k.init_dims()):
        sizes = [k.tile_sizes[d] for d in dims]
        element = ir.RankedTensorType(init.type).element_type
        err = tile_type_error(acc.type, sizes, element, f"{name} accumulator")
        if err:
            return err
        types.append(acc.type)
    ops = list(block.operations)
    if not ops or ops[-1].operation.name != TERMINATOR:
        return f"the {name} must end in {TERMINATOR}"
    got = [v.type for v in ops[-1].operation.operands]
    if got != types:
        return f"the {name} yields {[str(t) for t in got]}, expected the accumulator types"
    return None


@tiled.op
class LoadOp(AicOp):
    """Load one tile: the static-size slice of `source` at `offsets` (one index per dim).

    The result has shape `sizes`, or `sizes` with every unit dimension dropped. Offsets are
    usually the kernel's tile offsets; `offsets[d] + sizes[d]` must stay within the source.

    ```mlir
    %t = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<256x128xf32>, index, index) -> tensor<64x32xf32>
    ```
    """
    NAME = "load"
    source = Operand(Tensor())
    offsets = Operand(Index(), variadic=True)
    sizes = Attr(IntArrayAttr(min=1))
    tile = Result(Tensor())

    def verify(self) -> str | None:
        src = ir.RankedTensorType(self.source.type)
        if len(self.offsets) != src.rank or len(self.sizes) != src.rank:
            return (f"needs one offset and one size per source dim ({src.rank}), got "
                    f"{len(self.offsets)} offsets and {len(self.sizes)} sizes")
        for d, size in enumerate(self.sizes):
            if not src.is_dynamic_dim(d) and size > src.get_dim_size(d):
                return f"size {size} exceeds source dim {d} of extent {src.get_dim_size(d)}"
        return tile_type_error(self.tile.type, self.sizes, src.element_type, "result")


__all__ = ["KernelOp", "LoadOp", "PARALLEL", "REDUCTION", "TERMINATOR"]
