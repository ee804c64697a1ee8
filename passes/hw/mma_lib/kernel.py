"""The tensor-core kernel of an ``MmaPlan`` as a `gpu.module` of gpu + nvgpu ops (MLIR text).

Per block (``plan.threads`` threads, ``plan.warps`` warps) of the grid ``plan.grid``:

1. prologue: every thread issues its share of the 16-byte ``nvgpu.device_async_copy``
   (``cp.async``) chunks of the first ``bm x bk`` A slice and ``bk x bn`` B slice into stage 0
   of the shared buffers (rows padded by 16 bytes), one ``device_async_create_group``;
2. k loop (``K / bk`` iterations, the accumulators loop-carried as one ``vector<2x2xf32>`` per
   mma tile): issue the copies of the next slice into the other stage (zero bytes read past
   the last slice), ``device_async_wait {numGroups = 1}`` (this thread's copies of the
   current slice landed), ``gpu.barrier`` (everyone's did), the warp's mma tiles over the
   slice (fragments from shared memory: ``nvgpu.ldmatrix`` for f16, 32-bit loads rounded by
   ``cvt.rna.tf32.f32`` for TF32 -- not those of a constant operand, ``plan.rounded``, rounded
   at compile time; ``nvgpu.mma.sync``), ``gpu.barrier`` (the stage may be overwritten);
3. epilogue: each accumulator element goes through the fused element-wise ``Epilogue``
   (scalar MLIR lines per element) and the pairs are stored to C (``vector.store``).

Implicit GEMM (``plan.im2col``): B is the convolution's image and each B slice is gathered
from it (``_patches``: one 4-byte cp.async per element, zero bytes read in the padding), so
the patch matrix is never written.

Fragment layouts are PTX's (``g = lane / 4``, ``q = lane % 4``): A (m16 x k) rows ``g``,
``g + 8``; B (k x n8) column ``g``; C rows ``g``, ``g + 8``, columns ``2q``, ``2q + 1``.
Output is deterministic text; ``emit_kernel`` is the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aic.passes.hw.mma_lib.plan import MmaPlan

SHARED = "#gpu.address_space<workgroup>"
ACC = "vector<2x2xf32>"
TOKEN = "!nvgpu.device.async.token"


@dataclass
class Epilogue:
    """Element-wise ops applied to every accumulator element before the store.

    ``operands``: extra kernel arguments (memref types as text, named ``%E0``, ``%E1``...).
    ``lines(text, value, row, col) -> name``: emits (``text.emit``) the ops computing the
    final f32 value from the f32 accumulator ``value`` at output ``(row, col)`` (index
    values; ``batch`` index first when batched) and returns its name.
    """
    operands: list[str] = field(default_factory=list)
    lines: Callable | None = None
    init: float = 0.0


class Text:
    """Fresh SSA names, hoisted index constants and the line buffer of the kernel body."""

    def __init__(self):
        self.out, self.n, self.consts = [], 0, {}

    def emit(self, line: str, hint: str = "v") -> str:
        self.n += 1
        name = f"%{hint}{self.n}"
        self.out.append(f"{name} = {line}")
        return name

    def line(self, text: str) -> None:
        self.out.append(text)

    def index(self, value: int) -> str:
        self.consts.setdefault(value, f"%c{value}")
        return self.consts[value]

    def add(self, a: str, b) -> str:
        if b == 0:
            return a
        return self.emit(f"arith.addi {a}, {self.index(b) if isinstance(b, int) else b} : index")

    def mul(self, a: str, b: int) -> str:
        return a if b == 1 else self.emit(f"arith.muli {a}, {self.index(b)} : index")

    def sub(self, a: str, b: int) -> str:
        return a if b == 0 else self.emit(f"arith.subi {a}, {self.index(b)} : index")

    def div(self, a: str, b: int) -> str:
        return self.emit(f"arith.divui {a}, {self.index(b)} : index")

    def rem(self, a: str, b: int) -> str:
        return self.emit(f"arith.remui {a}, {self.index(b)} : index")

    def text(self) -> list[str]:
        consts = [f"{n} = arith.constant {v} : index" for v, n in sorted(self.consts.items())]
        return consts + self.out


def types(plan: MmaPlan) -> dict[str, str]:
    e = element(plan)
    lead = f"{plan.batch}x" if plan.batched else ""
    sa, sb = ("x".join(map(str, s)) for s in plan.smem_shapes)
    b = f"{lead}{plan.n}x{plan.k}" if plan.b_kmajor else f"{lead}{plan.k}x{plan.n}"
    if plan.im2col is not None:
        b = "1x" + "x".join(map(str, plan.im2col.image))
    return {"A": f"memref<{lead}{plan.m}x{plan.k}x{e}>", "B": f"memref<{b}x{e}>",
            "C": f"memref<{lead}{plan.m}x{plan.n}x{plan.out_dtype}>",
            "SA": f"memref<{sa}x{e}, {SHARED}>", "SB": f"memref<{sb}x{e}, {SHARED}>"}


def element(plan: MmaPlan) -> str:
    return "f16" if plan.dtype == "f16" else "f32"


def emit_kernel(plan: MmaPlan, name: str, epilogue: Epilogue | None = None,
                kernel: type | None = None) -> str:
    """``gpu.module @<name>_module { gpu.func @<name>(%A, %B, %C, %E...) kernel }``: the body
    of ``kernel`` (``SyncKernel``, the mma.sync kernel, by default; ``wgmma.WarpgroupKernel``
    for sm_90's warpgroup plan)."""
    epilogue = epilogue or Epilogue()
    kernel = kernel or SyncKernel
    ty, t = types(plan), Text()
    kernel(plan, t, ty, epilogue).body()
    args = ", ".join([f"%{n}: {ty[n]}" for n in "ABC"]
                     + [f"%E{i}: {o}" for i, o in enumerate(epilogue.operands)])
    body = "\n      ".join(t.text())
    shared = ", ".join(f"%{n} : {ty[n]}{kernel.SHARED_ATTRS}" for n in ("SA", "SB"))
    return (f"gpu.module @{name}_module {{\n"
            f"    gpu.func @{name}({args}) workgroup({shared}) "
            f"kernel attributes {{known_block_size = array<i32: {plan.threads}, 1, 1>, "
            f"known_grid_size = array<i32: {', '.join(map(str, plan.grid))}>}} {{\n"
            f"      {body}\n      gpu.return\n    }}\n  }}")


class SyncKernel:
    """The mma.sync kernel (sm_80 and later); its hooks (``_copy_b``, ``_dst``, ``_loop``,
    ``_store``) are what ``wgmma.WarpgroupKernel`` replaces."""

    SHARED_ATTRS = ""  # attributes of the workgroup buffers (alignment)

    def __init__(self, plan: MmaPlan, t: Text, ty: dict, epilogue: Epilogue):
        self.p, self.t, self.ty, self.epilogue = plan, t, ty, epilogue
        self.chunk = 16 // plan.element_bytes  # elements per 16-byte cp.async
        self.tiles = (plan.warp_tile[0] // plan.mma[0], plan.warp_tile[1] // plan.mma[1])

    def body(self) -> None:
        p, t = self.p, self.t
        self.tid = t.emit("gpu.thread_id x", "tid")
        self.row0 = t.mul(t.emit("gpu.block_id y", "by"), p.block[0])
        self.col0 = t.mul(t.emit("gpu.block_id x", "bx"), p.block[1])
        self.batch = [t.emit("gpu.block_id z", "bz")] if p.batched else []
        warp, self.lane = t.div(self.tid, 32), t.rem(self.tid, 32)
        self.wrow = t.mul(t.div(warp, p.warps[1]), p.warp_tile[0])  # in the block tile
        self.wcol = t.mul(t.rem(warp, p.warps[1]), p.warp_tile[1])
        self.g, self.q = t.div(self.lane, 4), t.rem(self.lane, 4)
        self._issue(t.index(0), t.index(0))
        accs = self._loop()
        self._store(accs)

    # -- global -> shared (cp.async) ------------------------------------------------------

    def _issue(self, stage: str, k0: str) -> str:
        """cp.async of the k slice at ``k0`` into ``stage`` (nothing read when k0 >= K), then
        one group; returns its token."""
        p, t = self.p, self.t
        bm, bn, bk = p.block
        live = t.emit(f"arith.cmpi ult, {k0}, {t.index(p.k)} : index", "live")
        size = t.emit(f"arith.select {live}, {t.index(self.chunk)}, {t.index(0)} : index", "n")
        k = t.emit(f"arith.select {live}, {k0}, {t.index(0)} : index", "k")
        tokens = self._chunks("A", "SA", bm, bk, (self.row0, k), stage, size)
        tokens += self._copy_b(stage, k, live, size)
        return t.emit(f"nvgpu.device_async_create_group {', '.join(tokens)}", "grp")

    def _copy_b(self, stage: str, k: str, live: str, size: str) -> list[str]:
        """cp.async of the B slice at row ``k``; returns the tokens."""
        if self.p.im2col is not None:
            return self._patches(stage, k, live)
        return self._chunks("B", "SB", self.p.block[2], self.p.block[1], (k, self.col0),
                            stage, size)

    def chunk_positions(self, rows: int, cols: int) -> list[tuple[str, str]]:
        """(row, column) of the 16-byte chunks of a ``rows x cols`` slice this thread copies
        (consecutive threads take consecutive chunks of a row: coalesced)."""
        p, t = self.p, self.t
        per_row, total = cols // self.chunk, rows * cols // self.chunk
        out = []
        for i in range(-(-total // p.threads)):
            c = t.add(self.tid, i * p.threads)
            if (i + 1) * p.threads > total:  # spare threads copy a chunk again
                c = t.rem(c, total)
            out.append((t.div(c, per_row), t.mul(t.rem(c, per_row), self.chunk)))
        return out

    def _chunks(self, src, dst, rows, cols, at, stage: str, size: str,
                transposed: bool = False) -> list[str]:
        """cp.async of the ``rows x cols`` slice of ``src`` at ``at`` in 16-byte chunks into
        ``dst`` (``transposed``: the slice is ``dst``'s ``(col, row)`` elements)."""
        t, tokens = self.t, []
        for r, col in self.chunk_positions(rows, cols):
            index = ", ".join(self.batch + [t.add(at[0], r), t.add(at[1], col)])
            where = self._dst(dst, stage, col, r) if transposed else self._dst(dst, stage, r, col)
            tokens.append(t.emit(
                f"nvgpu.device_async_copy %{src}[{index}], %{dst}[{where}]"
                f", {self.chunk}, {size} {{bypassL1}} : {self.ty[src]} to {self.ty[dst]}", "cp"))
        return tokens

    def element_positions(self, rows: int, cols: int) -> list[tuple[str, str]]:
        """(row, column) of the elements of a ``rows x cols`` slice this thread copies one by
        one (consecutive threads take consecutive columns)."""
        p, t = self.p, self.t
        out = []
        for i in range(-(-rows * cols // p.threads)):
            c = t.add(self.tid, i * p.threads)
            if (i + 1) * p.threads > rows * cols:  # spare threads copy an element again
                c = t.rem(c, rows * cols)
            out.append((t.div(c, cols), t.rem(c, cols)))
        return out

    def _dst(self, buf: str, stage: str, r: str, col: str) -> str:
        """The shared-memory index of element ``(r, col)`` of stage ``stage`` of ``buf``."""
        return f"{stage}, {r}, {col}"

    def _patches(self, stage: str, k: str, live: str) -> list[str]:
        """Implicit GEMM: the ``bk x bn`` B slice at row ``k`` gathered from the image, one
        4-byte cp.async per element (``Im2col``: row -> channel and tap, column -> output
        pixel); an element in the padding, past the last slice, or in rows/columns that pad
        K/N to whole tiles reads zero bytes (from index 0)."""
        p, t, g = self.p, self.t, self.p.im2col
        bk, bn = p.block[2], p.block[1]
        taps = g.window[0] * g.window[1]
        tokens = []
        for r, col in self.element_positions(bk, bn):
            pixel = t.add(self.col0, col)
            row = t.add(k, r)
            tap = t.rem(row, taps)
            coords = [self._tap(t.div(pixel, g.out[1]), t.div(tap, g.window[1]), 0),
                      self._tap(t.rem(pixel, g.out[1]), t.rem(tap, g.window[1]), 1)]
            tests = [f"sge, {coord}, {t.index(0)}" for coord in coords] \
                + [f"slt, {coord}, {t.index(extent)}" for coord, extent in zip(coords, g.image[1:])]
            if p.k > g.rows:  # K padded to whole k slices: zero rows
                tests.append(f"slt, {row}, {t.index(g.rows)}")
            if p.n > g.columns:  # N padded to whole blocks: zero columns
                tests.append(f"slt, {pixel}, {t.index(g.columns)}")
            inside = live
            for test in tests:
                ok = t.emit(f"arith.cmpi {test} : index", "in")
                inside = t.emit(f"arith.andi {inside}, {ok} : i1", "in")
            size = t.emit(f"arith.select {inside}, {t.index(1)}, {t.index(0)} : index", "n")
            at = [t.emit(f"arith.select {inside}, {v}, {t.index(0)} : index", "at")
                  for v in [t.div(row, taps)] + coords]
            index = ", ".join([t.index(0)] + at)
            tokens.append(t.emit(
                f"nvgpu.device_async_copy %B[{index}], %SB[{self._dst('SB', stage, r, col)}], 1, "
                f"{size} : "
                f"{self.ty['B']} to {self.ty['SB']}", "cp"))
        return tokens

    def _tap(self, out: str, tap: str, d: int) -> str:
        """The image row (d = 0) or column (d = 1) that output ``out`` reads at window
        position ``tap``: ``out * stride + tap * dilation - pad`` (negative in the padding)."""
        g, t = self.p.im2col, self.t
        return t.sub(t.add(t.mul(out, g.strides[d]), t.mul(tap, g.dilations[d])), g.pads[d])

    # -- the k loop ------------------------------------------------------------------------

    def _loop(self) -> list[str]:
        p, t = self.p, self.t
        n = self.tiles[0] * self.tiles[1]
        zero = t.emit(f"arith.constant dense<{self.epilogue.init:e}> : {ACC}", "zero")
        kt = "%kt"
        res = t.emit("", "acc")  # placeholder, rewritten below
        head = len(t.out) - 1
        args = [f"%a{i}" for i in range(n)]
        nxt = t.add(kt, 1)
        grp = self._issue(t.rem(nxt, 2), t.mul(nxt, p.block[2]))
        t.line(f"nvgpu.device_async_wait {grp} {{numGroups = 1 : i32}}")
        t.line("gpu.barrier")
        new = self._compute(t.rem(kt, 2), args)
        t.line("gpu.barrier")
        t.line(f"scf.yield {', '.join(new)} : {', '.join([ACC] * n)}")
        t.line("}")
        inits = ", ".join(f"{a} = {zero}" for a in args)
        t.out[head] = (f"{res}:{n} = scf.for {kt} = {t.index(0)} to {t.index(p.k // p.block[2])} "
                       f"step {t.index(1)} iter_args({inits}) -> ({', '.join([ACC] * n)}) {{")
        return [f"{res}#{i}" for i in range(n)]

    def _compute(self, stage: str, accs: list[str]) -> list[str]:
        p = self.p
        mt, nt = self.tiles
        accs = list(accs)
        for kk in range(0, p.block[2], p.mma[2]):
            a = [self._a_fragment(stage, i * p.mma[0], kk) for i in range(mt)]
            b = [self._b_fragment(stage, j * p.mma[1], kk) for j in range(nt)]
            for i in range(mt):
                for j in range(nt):
                    accs[i * nt + j] = self._mma(a[i], b[j], accs[i * nt + j])
        return accs

    def _mma(self, a: str, b: str, c: str) -> str:
        if self.p.dtype == "f16":
            return self.t.emit(f"nvgpu.mma.sync({a}, {b}, {c}) {{mmaShape = [16, 8, 16]}} : "
                               f"(vector<4x2xf16>, vector<2x2xf16>, {ACC}) -> {ACC}", "d")
        return self.t.emit(f"nvgpu.mma.sync({a}, {b}, {c}) {{mmaShape = [16, 8, 8], "
                           f"tf32Enabled}} : (vector<4x1xf32>, vector<2x1xf32>, {ACC}) -> {ACC}",
                           "d")

    def _a_fragment(self, stage: str, m0: int, kk: int) -> str:
        t, sa = self.t, self.ty["SA"]
        if self.p.dtype == "f16":  # ldmatrix x4: lane l gives row l % 16, column (l / 16) * 8
            row = t.add(t.add(self.wrow, m0), t.rem(self.lane, 16))
            col = t.add(t.mul(t.div(self.lane, 16), 8), kk)
            return t.emit(f"nvgpu.ldmatrix %SA[{stage}, {row}, {col}] {{numTiles = 4 : i32, "
                          f"transpose = false}} : {sa} -> vector<4x2xf16>", "fa")
        r0 = t.add(t.add(self.wrow, m0), self.g)
        r1, c0 = t.add(r0, 8), t.add(self.q, kk)
        c1 = t.add(c0, 4)
        values = [self._tf32(self._load("SA", stage, r, c), 0)
                  for r, c in ((r0, c0), (r1, c0), (r0, c1), (r1, c1))]
        return t.emit(f"vector.from_elements {', '.join(values)} : vector<4x1xf32>", "fa")

    def _b_fragment(self, stage: str, n0: int, kk: int) -> str:
        t, sb = self.t, self.ty["SB"]
        if self.p.dtype == "f16":  # ldmatrix x2 transposed: lane l gives k row l % 16
            row = t.add(t.rem(self.lane, 16), kk)
            col = t.add(self.wcol, n0)
            return t.emit(f"nvgpu.ldmatrix %SB[{stage}, {row}, {col}] {{numTiles = 2 : i32, "
                          f"transpose = true}} : {sb} -> vector<2x2xf16>", "fb")
        k0 = t.add(self.q, kk)
        k1, col = t.add(k0, 4), t.add(t.add(self.wcol, n0), self.g)
        values = [self._tf32(self._load("SB", stage, k, col), 1) for k in (k0, k1)]
        return t.emit(f"vector.from_elements {', '.join(values)} : vector<2x1xf32>", "fb")

    def _tf32(self, value: str, operand: int | None = None) -> str:
        """``value`` rounded to TF32 (to nearest, ties away: ``cvt.rna.tf32.f32``); the tensor
        core would otherwise truncate it, a bias that grows layer after layer. Not for
        ``operand`` 0 (A) or 1 (B) when that operand is a constant rounded at compile time."""
        if operand is not None and self.p.rounded[operand]:
            return value
        bits = self.t.emit(f"nvvm.convert.float.to.tf32 {value} {{rnd = #nvvm.fp_rnd_mode<rna>}}",
                           "r")
        return self.t.emit(f"arith.bitcast {bits} : i32 to f32", "r")

    def _load(self, buf: str, stage: str, r: str, c: str) -> str:
        return self.t.emit(f"memref.load %{buf}[{stage}, {r}, {c}] : {self.ty[buf]}", "s")

    # -- epilogue and store ------------------------------------------------------------------

    def _store(self, accs: list[str]) -> None:
        p, t = self.p, self.t
        mt, nt = self.tiles
        for i in range(mt):
            for j in range(nt):
                for h in (0, 1):
                    row = t.add(t.add(self.row0, self.wrow), t.add(self.g, i * p.mma[0] + 8 * h))
                    col = t.add(t.add(self.col0, self.wcol), t.add(t.mul(self.q, 2), j * p.mma[1]))
                    self._store_pair(accs[i * nt + j], h, row, col)

    def _store_pair(self, acc: str, h: int, row: str, col: str) -> None:
        t, e = self.t, self.p.out_dtype
        pair = t.emit(f"vector.extract {acc}[{h}] : vector<2xf32> from {ACC}", "o")
        if self.epilogue.lines is not None:
            values = []
            for lane in (0, 1):
                v = t.emit(f"vector.extract {pair}[{lane}] : f32 from vector<2xf32>", "x")
                values.append(self.epilogue.lines(t, v, self.batch + [row], t.add(col, lane)))
            pair = t.emit(f"vector.from_elements {', '.join(values)} : vector<2xf32>", "o")
        if e == "f16":
            pair = t.emit(f"arith.truncf {pair} : vector<2xf32> to vector<2xf16>", "o")
        index = ", ".join(self.batch + [row, col])
        align = 4 if e == "f16" else 8  # columns 2q: the pair is aligned to its size
        t.line(f"vector.store {pair}, %C[{index}] {{alignment = {align} : i64}} : "
               f"{self.ty['C']}, vector<2x{e}>")
