"""The sm_90 (Hopper) warpgroup variant of the tensor-core kernel: ``wgmma.mma_async``.

A warpgroup is 4 warps (128 threads) that issue one ``wgmma.mma_async.m64nNk8.f32.tf32.tf32``
together: a 64 x N x 8 product whose A and B are read by the tensor core straight from shared
memory, through 64-bit *matrix descriptors*, into accumulators that stay in registers (N / 2
f32 per thread). Per block of ``bm / 64`` warpgroups (``bm x bn`` output tile, ``bn`` <= 256):

1. the same cp.async double buffering as the mma.sync kernel (``kernel.SyncKernel``), but
   the stage buffers hold *core matrices* (8 rows x 16 bytes, 128 contiguous bytes) in the
   K-major, no-swizzle layout: A's 16-byte chunks (4 k of one row) land whole in a core
   matrix row; a run-time B (k x n row-major in global memory) must be transposed to
   K-major (TF32 ``wgmma`` has no transpose), so it is copied one 4-byte element at a time
   (implicit GEMM: the image gather, as before, into this layout); a constant B arrives
   transposed (n x k, ``plan.b_kmajor``, made at compile time) and is copied like A;
2. k loop: issue the next slice, ``cp.async.wait_group 1``; each thread rounds the elements it
   copied itself to TF32 in place (``cvt.rna.tf32.f32``: the tensor core would truncate
   them; constants, ``plan.rounded``, were rounded at compile time);
   ``fence.proxy.async.shared::cta`` (generic-proxy writes made visible to the ``wgmma``
   async proxy); ``bar.sync``; ``wgmma.fence``, one ``wgmma`` per 8-deep k step,
   ``wgmma.commit_group``, ``wgmma.wait_group 0``; ``bar.sync`` (the stage may be refilled);
3. epilogue: the accumulator registers (PTX's D fragment: register ``r`` of lane ``l`` in
   warp ``w`` is row ``16 w + l / 4 + 8 ((r / 2) % 2)``, column ``8 (r / 4) + 2 (l % 4) + r % 2``)
   go through the fused element-wise ops and are stored in pairs.

Layout of a stage (element offsets; A rows are M, B rows are N, both K-major)::

    offset(row, k) = ((row / 8) * (bk / 4) + k / 4) * 32 + (row % 8) * 4 + k % 4

so the descriptor of a 64 x 8 (or N x 8) operand at ``(row0, k0)`` has the start address of
its first core matrix, leading byte offset (next core matrix along K) 128 and stride byte
offset (next 8 rows) ``bk / 4 * 128``; no swizzle; buffers aligned to 128 bytes.

Not used: TMA (``cp.async.bulk.tensor``: descriptors made on the host with the driver's
``cuTensorMapEncodeTiled``) and mbarriers, swizzled layouts, f16 (its B is N-major: the
transposed-B form; f16 keeps the mma.sync kernel on sm_90), more than 48 KiB of shared memory.

May import: the plan and the mma.sync kernel.
"""

from __future__ import annotations

from dataclasses import replace

from aic.passes.hw.mma_lib.kernel import SyncKernel
from aic.passes.hw.mma_lib.plan import MmaPlan

WARPGROUP = 128  # threads
CORE = 32  # f32 elements of a core matrix (8 rows x 16 bytes)
CORE_BYTES = 128
K_STEP = 8  # wgmma k for TF32
MAX_N = 256
DESC_ADDR_MASK = 0x3FFFF  # the 18 address bits a descriptor keeps (>> 4: 14 bits)
PROXY_FENCE = ("nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, "
               "space = #nvvm.shared_space<cta>}")


def warpgroup_plan(plan: MmaPlan, sm: int) -> MmaPlan | None:
    """The wgmma form of ``plan`` on an ``sm`` GPU, or None (the mma.sync kernel stays): it
    needs sm 90 (``wgmma`` is ``sm_90a``'s alone: Blackwell replaced it), f32 (TF32)
    operands, whole 64-row warpgroups (``bm % 64 == 0``), ``bn`` <= 256 and copies that
    share out evenly over the block's threads."""
    bm, bn, bk = plan.block
    if sm != 90 or plan.dtype != "f32" or bm % 64 or bn > MAX_N or bn % 8 or bk % K_STEP:
        return None
    found = replace(plan, warps=(bm // 16, 1), warpgroup=True)
    threads = found.threads
    if (bm * bk // 4) % threads or (bk * bn) % threads:
        return None
    return found


class WarpgroupKernel(SyncKernel):
    SHARED_ATTRS = " {llvm.align = 128 : i64}"

    def __init__(self, plan, t, ty, epilogue):
        super().__init__(plan, t, ty, epilogue)
        self.regs = plan.block[1] // 2
        self.struct = f"!llvm.struct<({', '.join(['f32'] * self.regs)})>"

    # -- shared layout ---------------------------------------------------------------------

    def _dst(self, buf: str, stage: str, r: str, col: str) -> str:
        """Element ``(r, col)`` of a stage in the core-matrix layout: A's ``(m, k)``, B's
        ``(k, n)`` stored as ``(n, k)``."""
        t = self.t
        bm, bn, bk = self.p.block
        row, k = (r, col) if buf == "SA" else (col, r)
        size = bm * bk if buf == "SA" else bk * bn
        core = t.add(t.mul(t.div(row, 8), bk // 4), t.div(k, 4))
        inner = t.add(t.mul(t.rem(row, 8), 4), t.rem(k, 4))
        return t.add(t.add(t.mul(stage, size), t.mul(core, CORE)), inner)

    def _copy_b(self, stage: str, k: str, live: str, size: str) -> list[str]:
        """B transposed into K-major order: one 4-byte cp.async per element (consecutive threads
        read consecutive columns); implicit GEMM gathers the same way."""
        if self.p.im2col is not None:
            return self._patches(stage, k, live)
        t, bk, bn = self.t, self.p.block[2], self.p.block[1]
        if self.p.b_kmajor:  # a constant passed as n x k: 16-byte chunks along K
            return self._chunks("B", "SB", bn, bk, (self.col0, k), stage, size, transposed=True)
        one = t.emit(f"arith.select {live}, {t.index(1)}, {t.index(0)} : index", "n")
        tokens = []
        for r, col in self.element_positions(bk, bn):
            index = ", ".join(self.batch + [t.add(k, r), t.add(self.col0, col)])
            tokens.append(t.emit(
                f"nvgpu.device_async_copy %B[{index}], %SB[{self._dst('SB', stage, r, col)}], "
                f"1, {one} : {self.ty['B']} to {self.ty['SB']}", "cp"))
        return tokens

    def _round(self, stage: str) -> None:
        """Round to TF32, in place, the elements of ``stage`` this thread copied (its own
        cp.async writes are visible to it after its wait); constants were rounded at compile
        time."""
        t, (bm, bn, bk) = self.t, self.p.block
        sa, sb = self.ty["SA"], self.ty["SB"]
        for r, col in [] if self.p.rounded[0] else self.chunk_positions(bm, bk):
            at = self._dst("SA", stage, r, col)
            chunk = t.emit(f"vector.load %SA[{at}] : {sa}, vector<4xf32>", "s")
            parts = [self._tf32(t.emit(f"vector.extract {chunk}[{i}] : f32 from vector<4xf32>",
                                       "s")) for i in range(4)]
            rounded = t.emit(f"vector.from_elements {', '.join(parts)} : vector<4xf32>", "s")
            t.line(f"vector.store {rounded}, %SA[{at}] : {sa}, vector<4xf32>")
        for r, col in [] if self.p.rounded[1] else self.element_positions(bk, bn):
            at = self._dst("SB", stage, r, col)
            value = self._tf32(t.emit(f"memref.load %SB[{at}] : {sb}", "s"))
            t.line(f"memref.store {value}, %SB[{at}] : {sb}")

    # -- descriptors -------------------------------------------------------------------------

    def _descriptor(self, buf: str) -> str:
        """The i64 descriptor of the start of ``buf``: address bits, leading byte offset
        (next core matrix along K) and stride byte offset (next 8 rows), no swizzle."""
        t = self.t
        pointer = t.emit(f"memref.extract_aligned_pointer_as_index %{buf} : {self.ty[buf]} "
                         "-> index", "p")
        address = t.emit(f"arith.index_cast {pointer} : index to i64", "p")
        mask = t.emit(f"arith.constant {DESC_ADDR_MASK} : i64", "w")
        four = t.emit("arith.constant 4 : i64", "w")
        start = t.emit(f"arith.shrui {t.emit(f'arith.andi {address}, {mask} : i64', 'p')}, "
                       f"{four} : i64", "p")
        stride = self.p.block[2] // 4 * CORE_BYTES
        fields = (CORE_BYTES >> 4) << 16 | (stride >> 4) << 32
        bits = t.emit(f"arith.constant {fields} : i64", "w")
        return t.emit(f"arith.ori {start}, {bits} : i64", "desc")

    def _offset(self, desc: str, units: str) -> str:
        """``desc`` moved by ``units`` (an index) of 16 bytes."""
        t = self.t
        if units == t.index(0):
            return desc
        cast = t.emit(f"arith.index_cast {units} : index to i64", "p")
        return t.emit(f"arith.addi {desc}, {cast} : i64", "desc")

    # -- the k loop ------------------------------------------------------------------------

    def _loop(self) -> list[str]:
        p, t = self.p, self.t
        bm, bn, bk = p.block
        desc_a, desc_b = self._descriptor("SA"), self._descriptor("SB")
        group = t.div(self.tid, WARPGROUP)  # its 64 rows: 8 row groups of bk / 4 core matrices
        desc_a = self._offset(desc_a, t.mul(group, 8 * (bk // 4) * CORE_BYTES // 16))
        init = t.emit(f"arith.constant {self.epilogue.init:e} : f32", "zero")
        acc = t.emit(f"llvm.mlir.undef : {self.struct}", "acc")
        for r in range(self.regs):
            acc = t.emit(f"llvm.insertvalue {init}, {acc}[{r}] : {self.struct}", "acc")
        kt, res = "%kt", t.emit("", "acc")  # placeholder, rewritten below
        head = len(t.out) - 1
        nxt = t.add(kt, 1)
        grp = self._issue(t.rem(nxt, 2), t.mul(nxt, bk))
        t.line(f"nvgpu.device_async_wait {grp} {{numGroups = 1 : i32}}")
        stage = t.rem(kt, 2)
        self._round(stage)
        t.line(PROXY_FENCE)
        t.line("gpu.barrier")
        t.line("nvvm.wgmma.fence.aligned")
        a_stage = self._offset(desc_a, t.mul(stage, bm * bk * 4 // 16))
        b_stage = self._offset(desc_b, t.mul(stage, bk * bn * 4 // 16))
        value = "%a0"
        for step in range(bk // K_STEP):
            move = t.index(step * 2 * CORE_BYTES // 16)  # two core matrices along K
            value = t.emit(
                f"nvvm.wgmma.mma_async {self._offset(a_stage, move)}, "
                f"{self._offset(b_stage, move)}, {value}, "
                f"#nvvm.shape<m = 64, n = {bn}, k = {K_STEP}>, "
                "D [<f32>, #nvvm.wgmma_scale_out<one>], "
                "A [<tf32>, #nvvm.wgmma_scale_in<one>, #nvvm.mma_layout<row>], "
                "B [<tf32>, #nvvm.wgmma_scale_in<one>, #nvvm.mma_layout<col>] : "
                f"{self.struct} -> {self.struct}", "d")
        t.line("nvvm.wgmma.commit.group.sync.aligned")
        t.line("nvvm.wgmma.wait.group.sync.aligned 0")
        t.line("gpu.barrier")
        t.line(f"scf.yield {value} : {self.struct}")
        t.line("}")
        t.out[head] = (f"{res} = scf.for {kt} = {t.index(0)} to {t.index(p.k // bk)} "
                       f"step {t.index(1)} iter_args(%a0 = {acc}) -> ({self.struct}) {{")
        return [res]

    # -- epilogue and store ------------------------------------------------------------------

    def _store(self, accs: list[str]) -> None:
        t, (acc,) = self.t, accs
        warp_row = t.mul(t.div(self.tid, 32), 16)
        for r in range(0, self.regs, 2):
            row = t.add(t.add(self.row0, warp_row), t.add(self.g, 8 * ((r // 2) % 2)))
            col = t.add(self.col0, t.add(t.mul(self.q, 2), 8 * (r // 4)))
            values = [t.emit(f"llvm.extractvalue {acc}[{i}] : {self.struct}", "x")
                      for i in (r, r + 1)]
            if self.epilogue.lines is not None:
                values = [self.epilogue.lines(t, v, self.batch + [row], t.add(col, lane))
                          for lane, v in enumerate(values)]
            pair = t.emit(f"vector.from_elements {', '.join(values)} : vector<2xf32>", "o")
            index = ", ".join(self.batch + [row, col])
            t.line(f"vector.store {pair}, %C[{index}] {{alignment = 8 : i64}} : "
                   f"{self.ty['C']}, vector<2xf32>")
