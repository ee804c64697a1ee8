"""``hw`` ops: parallel loops mapped to hardware, shared memory, barriers, micro-kernels.

Region ops end in upstream `gpu.yield` (IRDL in LLVM 22 cannot declare terminators).
"""

from aic.dialects.hw.dialect import hw
from aic.dsl import (FLOAT_TYPES, AicOp, Attr, EnumAttr, IntArrayAttr, IntAttr, MemRef,
                     Operand, Region, Result, StrArrayAttr, Tensor)
from aic.dsl.constraints import isa
from aic.mlir_api import ir

TERMINATOR = "gpu.yield"
MAPPINGS = ("core", "sequential", "block_x", "block_y", "block_z", "thread_x", "thread_y",
            "thread_z")
SHARED_MEMORY_SPACE = 3  # NVVM's shared address space


@hw.op
class ParallelOp(AicOp):
    """A loop nest whose iterations run in parallel on hardware units.

    Dimension `d` iterates `0, steps[d], ... < upper_bounds[d]`; `mapping[d]` says what runs
    its iterations: `"core"` (CPU threads), `"block_x|y|z"`/`"thread_x|y|z"` (CUDA) or
    `"sequential"`. `outs` are the destination tensors: the block's arguments are one `index`
    per dimension, then one tensor per out (the destination, to read the iteration's own
    slice only). The block ends in `gpu.yield` of one tile per out followed by the tiles'
    offsets (one `index` per out dimension, outs in order); each tile is written into its
    out at those offsets. Iterations must write disjoint slices. Results: the updated outs.

    ```mlir
    %r = "hw.parallel"(%init) ({
    ^bb0(%i: index, %j: index, %out: tensor<256x192xf32>):
      %t = tensor.extract_slice %out[%i, %j] [64, 64] [1, 1] : tensor<256x192xf32> to tensor<64x64xf32>
      "gpu.yield"(%t, %i, %j) : (tensor<64x64xf32>, index, index) -> ()
    }) {mapping = ["core", "core"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    ```
    """
    NAME = "parallel"
    outs = Operand(Tensor(), variadic=True, doc="destination tensors (one type in IRDL 22)")
    upper_bounds = Attr(IntArrayAttr(min=1))
    steps = Attr(IntArrayAttr(min=1))
    mapping = Attr(StrArrayAttr(*MAPPINGS))
    body = Region(doc="ivs and destinations; ends in gpu.yield(tiles..., offsets...)")
    results = Result(Tensor(), variadic=True)

    def verify(self) -> str | None:
        n = len(self.upper_bounds)
        if len(self.steps) != n or len(self.mapping) != n:
            return "upper_bounds, steps and mapping must have one entry per dimension"
        if [o.type for o in self.outs] != [r.type for r in self.results]:
            return "result types must equal the outs types"
        blocks = list(self.operation.regions[0].blocks)
        if len(blocks) != 1:
            return "the body must have exactly one block"
        args = list(blocks[0].arguments)
        want = [ir.IndexType.get()] * n + [o.type for o in self.outs]
        if [a.type for a in args] != want:
            return f"the body arguments must be {n} index values then the outs types"
        return _check_yield(self, blocks[0])


def _check_yield(op: ParallelOp, block) -> str | None:
    ops = list(block.operations)
    if not ops or ops[-1].operation.name != TERMINATOR:
        return f"the body must end in {TERMINATOR}"
    values = list(ops[-1].operation.operands)
    ranks = [ir.RankedTensorType(o.type).rank for o in op.outs]
    if len(values) != len(ranks) + sum(ranks):
        return (f"{TERMINATOR} must carry {len(ranks)} tiles and {sum(ranks)} offsets, "
                f"got {len(values)} values")
    for tile, out in zip(values, op.outs):
        if not isa(ir.RankedTensorType, tile.type):
            return f"yielded tile {tile.type} is not a tensor"
        out_t, tile_t = ir.RankedTensorType(out.type), ir.RankedTensorType(tile.type)
        if tile_t.element_type != out_t.element_type or tile_t.rank > out_t.rank:
            return f"yielded tile {tile.type} does not fit out {out.type}"
    for v in values[len(ranks):]:
        if not isa(ir.IndexType, v.type):
            return f"yielded offsets must be index, got {v.type}"
    return None


_MK_TYPES = FLOAT_TYPES + ("i16", "i32")


@hw.op
class MicrokernelOp(AicOp):
    """Register-tiled multiply-accumulate of tiles: `result = c + a @ b`.

    `a` is M x K, `b` is K x N, `c` and the result M x N (static shapes). The target lowering
    computes it `mr` rows by `nr` columns at a time, the C block held in registers (`nr` a
    multiple of the vector width on CPU; an mma shape on CUDA). `b` may also be given packed:
    ceil(N/nr) x K x nr column panels, `b[j, p, c]` = B[p, j*nr + c] (zeros past N), the
    layout the CPU register tile reads (constant weights are packed at compile time).
    `i32` tiles (integer contractions of quantized models; CPU targets) accumulate exactly.
    `a` and `b` share one element type; `c` has it too, or is `f32` for `f16`/`bf16` inputs
    (a wider accumulator: f16 matmuls accumulate in f32), or `i32` for `i16` inputs (the pairs
    micro-kernel of quantized models, CPU): its packed `b` holds k in pairs, ceil(N/nr) x
    ceil(K/2) x 2nr with `b[j, p, 2c + e]` = B[2p + e, j*nr + c].

    ```mlir
    %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 32 : i64} : (tensor<64x32xf32>, tensor<32x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
    ```
    """
    NAME = "microkernel"
    a = Operand(Tensor(_MK_TYPES, rank=2))
    b = Operand(Tensor(_MK_TYPES), doc="K x N, or packed: ceil(N/nr) x K x nr")
    c = Operand(Tensor(_MK_TYPES, rank=2))
    mr = Attr(IntAttr(min=1), doc="register tile rows")
    nr = Attr(IntAttr(min=1), doc="register tile columns")
    result = Result(Tensor(_MK_TYPES, rank=2))

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [operands[2].type]

    def verify(self) -> str | None:
        a, b, c = (ir.RankedTensorType(v.type) for v in (self.a, self.b, self.c))
        if not all(t.has_static_shape for t in (a, b, c)):
            return "operands must have static shapes"
        pairs = str(a.element_type) == "i16" and str(c.element_type) == "i32"
        if b.rank == 3:
            panels, k2, nr = b.shape
            n = c.shape[1] if c.rank == 2 else -1
            if pairs:  # k in pairs: ceil(K/2) x 2nr per panel
                nr, k2 = nr // 2, min(2 * k2, a.shape[1]) if 2 * k2 - a.shape[1] in (0, 1) \
                    else -1
            if nr != self.nr or not (panels - 1) * nr < n <= panels * nr:
                return (f"packed b {b.shape} does not hold {n} columns in panels of "
                        f"nr = {self.nr}")
            b_shape = [k2, n]
        elif b.rank == 2:
            b_shape = list(b.shape)
        else:
            return f"b must have rank 2 (K x N) or 3 (packed panels), got rank {b.rank}"
        (m, k), (k2, n) = a.shape, b_shape
        if k != k2 or list(c.shape) != [m, n]:
            return f"shapes {a.shape} x {b.shape} -> {c.shape} do not form a matmul"
        if self.result.type != self.c.type:
            return "result type must equal the type of c"
        if a.element_type != b.element_type:
            return "a and b must share one element type"
        wide = str(a.element_type) in ("f16", "bf16") and str(c.element_type) == "f32"
        if c.element_type != a.element_type and not wide and not pairs:
            return (f"c's element type must be the inputs' ({a.element_type}) or, for f16/bf16 "
                    f"inputs, f32 (i16 inputs: i32); got {c.element_type}")
        return None


@hw.op
class SharedAllocOp(AicOp):
    """A statically shaped buffer in the shared memory of a CUDA block (address space 3).

    ```mlir
    %s = "hw.shared_alloc"() : () -> memref<64x32xf32, 3>
    ```
    """
    NAME = "shared_alloc"
    buffer = Result(MemRef())

    def verify(self) -> str | None:
        t = ir.MemRefType(self.buffer.type)
        if not t.has_static_shape:
            return "shared buffers must have a static shape"
        space = t.memory_space
        if space is None or not isa(ir.IntegerAttr, space) \
                or ir.IntegerAttr(space).value != SHARED_MEMORY_SPACE:
            return f"shared buffers live in memory space {SHARED_MEMORY_SPACE}, got {space}"
        return None


@hw.op
class BarrierOp(AicOp):
    """Wait until every thread of the `scope` (a CUDA block or warp) reaches this point.

    ```mlir
    "hw.barrier"() {scope = "block"} : () -> ()
    ```
    """
    NAME = "barrier"
    scope = Attr(EnumAttr("block", "warp"), default="block")


__all__ = ["ParallelOp", "MicrokernelOp", "SharedAllocOp", "BarrierOp", "MAPPINGS",
           "TERMINATOR", "SHARED_MEMORY_SPACE"]
