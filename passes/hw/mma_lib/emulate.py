"""CPU emulation of a generated tensor-core kernel: the same `gpu.func`, op by op.

Every thread of every block runs each op together (SIMT: a value is an array over
``(blocks, threads)`` plus its vector shape), which is a legal schedule of a barrier-correct
kernel; the rest of the CUDA semantics are modelled so that a wrong kernel gives wrong numbers
or an ``EmulationError`` rather than a silent pass:

* ``nvgpu.device_async_copy`` (cp.async) only lands in shared memory when a
  ``device_async_wait {numGroups = n}`` retires its group (all but the newest ``n``
  groups): a missing or weak wait reads stale shared data;
* races: between two ``gpu.barrier``s a thread may not read a shared element another thread
  wrote, nor overwrite (issue a copy into) one another thread read -- a missing barrier
  phase raises ``EmulationError``;
* ``nvgpu.mma.sync`` gathers its warp's fragments with PTX's layouts and computes
  ``D = C + round(A) @ round(B)`` in f32: TF32 (``tf32Enabled``: the low 13 mantissa bits of
  each input dropped, as the tensor core ignores them -- the kernels round them first with
  ``nvvm.convert.float.to.tf32 {rnd = rna}``, emulated as ``tf32_bits``) or f16 inputs, f32
  accumulation;
* ``nvgpu.ldmatrix`` gathers 8x8 matrices by the row addresses of the lanes (``transpose``
  as PTX's ``.trans``);
* ``nvvm.wgmma.mma_async`` (sm_90, ``mma_lib.wgmma``): each warpgroup's A (64 x 8) and B
  (N x 8, K-major) are read from shared memory through the 64-bit matrix descriptors
  (start address, leading and stride byte offsets; swizzled layouts are refused), the
  descriptors must be the same in all 128 threads, and the accumulators follow PTX's D
  fragment. Shared buffers have addresses (``memref.extract_aligned_pointer_as_index``;
  128-byte aligned, in order). A ``wgmma`` that reads an element written since the last
  barrier, or written through the generic proxy (cp.async, stores) without a later
  ``fence.proxy.async``, raises ``EmulationError``; so does a copy into an element a
  ``wgmma`` read before the next barrier. Results are computed when the ``wgmma`` is issued
  (``wgmma.wait_group`` is not modelled).

``run_kernel(func_op, grid, block, args)`` runs a kernel over numpy arrays (outputs in place).
May import: the MLIR shim, numpy, ``tf32``.
"""

from __future__ import annotations

import numpy as np
from aic.mlir_api import ir
from aic.passes.hw.mma_lib.tf32 import tf32, tf32_bits, tf32_round  # noqa: F401 (re-exported)


class EmulationError(Exception):
    pass


def mma_reference(a: np.ndarray, b: np.ndarray, dtype: str = "f32") -> np.ndarray:
    """``a @ b`` as the kernels compute it: f16 inputs, or f32 inputs rounded to TF32
    (``cvt.rna``, then read by the tensor core), and f32 accumulation."""
    if dtype == "f16":
        return a.astype(np.float16).astype(np.float32) @ b.astype(np.float16).astype(np.float32)
    return tf32_round(a) @ tf32_round(b)


_BINARY = {"arith.addi": np.add, "arith.subi": np.subtract, "arith.andi": np.bitwise_and,
           "arith.ori": np.bitwise_or, "arith.shli": np.left_shift,
           "arith.shrui": np.right_shift,
           "arith.muli": np.multiply, "arith.divui": np.floor_divide,
           "arith.remui": np.remainder, "arith.addf": np.add, "arith.mulf": np.multiply,
           "arith.subf": np.subtract, "arith.divf": np.divide, "arith.maximumf": np.maximum,
           "arith.minimumf": np.minimum, "arith.maxnumf": np.fmax, "arith.minnumf": np.fmin}
_CMP = {0: np.equal, 1: np.not_equal, 2: np.less, 3: np.less_equal, 4: np.greater,
        5: np.greater_equal, 6: np.less, 7: np.less_equal, 8: np.greater, 9: np.greater_equal}


class _Shared:
    """One block-local shared buffer per block, with per-phase writer/reader thread ids."""

    def __init__(self, blocks: int, shape, dtype, base: int = 0):
        self.data = np.zeros((blocks, *shape), dtype)
        self.base = base  # its shared-memory address
        self.bytes = self.data[0].nbytes
        self.unfenced = np.zeros(self.data.shape, bool)  # generic writes not yet fenced
        self.reset()

    def reset(self):
        self.writer = np.full(self.data.shape, -1, np.int64)
        self.reader = np.full(self.data.shape, -1, np.int64)

    def write(self, where, values, tid) -> None:
        """A generic-proxy write by threads ``tid`` (after the race checks)."""
        self.data[where] = values
        self.writer[where] = tid
        self.unfenced[where] = True


class _Emulator:
    def __init__(self, grid, block, args):
        self.grid, self.threads = grid, block
        self.blocks = grid[0] * grid[1] * grid[2]
        self.env, self.shared = dict(args), {}
        self.pending = []  # groups of (buffer, index tuple, values, thread ids)
        self.issued = []
        flat = np.arange(self.blocks)[:, None]
        self.ids = {"block_id x": flat % grid[0], "block_id y": flat // grid[0] % grid[1],
                    "block_id z": flat // (grid[0] * grid[1]),
                    "thread_id x": np.arange(block)[None, :]}
        self.bidx = np.broadcast_to(flat, (self.blocks, block))
        self.tidx = np.broadcast_to(np.arange(block)[None, :], (self.blocks, block))

    def full(self, v):
        return np.broadcast_to(np.asarray(v), (self.blocks, self.threads))

    def run_block(self, block) -> list:
        for op in block.operations:
            op = op.operation
            if op.name in ("scf.yield", "gpu.return"):
                return [self.env[v] for v in op.operands]
            self.step(op)
        return []

    def step(self, op) -> None:
        name = op.name
        handler = getattr(self, "op_" + name.replace(".", "_"), None)
        if name in _BINARY:
            x, y = (self.env[v] for v in op.operands)
            out = _BINARY[name](x, y)
        elif handler is None:
            raise EmulationError(f"no emulation for {name}")
        else:
            out = handler(op)
        if out is not None:
            results = out if isinstance(out, list) else [out]
            for r, value in zip(op.results, results):
                self.env[r] = value

    # -- scalars ------------------------------------------------------------------------------

    def op_arith_constant(self, op):
        attr = op.attributes["value"]
        if isinstance(attr.type, (ir.IndexType, ir.IntegerType)):
            return np.int64(ir.IntegerAttr(attr).value)
        if isinstance(attr, ir.FloatAttr):
            return np.float32(ir.FloatAttr(attr).value)
        dense = ir.DenseElementsAttr(attr)
        shape = ir.VectorType(dense.type).shape
        return np.full(shape, np.float32(ir.FloatAttr(dense.get_splat_value()).value))

    def op_arith_cmpi(self, op):
        x, y = (self.env[v] for v in op.operands)
        return _CMP[ir.IntegerAttr(op.attributes["predicate"]).value](x, y)

    def op_arith_select(self, op):
        c, x, y = (self.env[v] for v in op.operands)
        return np.where(c, x, y)

    def op_nvvm_convert_float_to_tf32(self, op):
        return tf32_bits(self.env[op.operands[0]])

    def op_arith_bitcast(self, op):
        x = np.asarray(self.env[op.operands[0]])
        return x.view(np.uint32) if x.dtype == np.float32 else x.astype(np.uint32).view(np.float32)

    def op_arith_truncf(self, op):
        return self.env[op.operands[0]].astype(np.float16)

    def op_arith_extf(self, op):
        return self.env[op.operands[0]].astype(np.float32)

    def op_gpu_thread_id(self, op):
        return self.ids["thread_id " + _dim(op)]

    def op_gpu_block_id(self, op):
        return self.ids["block_id " + _dim(op)]

    def op_vector_from_elements(self, op):
        shape = ir.VectorType(op.results[0].type).shape
        parts = [self.full(self.env[v]) for v in op.operands]
        return np.stack(parts, -1).reshape(self.blocks, self.threads, *shape)

    def op_vector_extract(self, op):
        positions = list(ir.DenseI64ArrayAttr(op.attributes["static_position"]))
        value = self.env[op.operands[0]]
        for p in positions:
            value = value[..., p] if value.ndim == 3 else value[:, :, p]
        return value

    def op_scf_for(self, op):
        lo, hi, step = (int(self.env[v]) for v in list(op.operands)[:3])
        carried = [self.env[v] for v in list(op.operands)[3:]]
        body = op.regions[0].blocks[0]
        for i in range(lo, hi, step):
            self.env[body.arguments[0]] = np.int64(i)
            for arg, value in zip(list(body.arguments)[1:], carried):
                self.env[arg] = value
            carried = self.run_block(body)
        return carried

    # -- memory ---------------------------------------------------------------------------------

    def buffer(self, value):
        if value in self.shared:
            return self.shared[value]
        return self.env[value]

    def indices(self, op, first: int, count: int):
        return tuple(self.full(self.env[v]) for v in list(op.operands)[first:first + count])

    def op_memref_load(self, op):
        buf = self.buffer(op.operands[0])
        idx = self.indices(op, 1, len(op.operands) - 1)
        if isinstance(buf, _Shared):
            self.check_read(buf, (self.bidx, *idx))
            return buf.data[(self.bidx, *idx)]
        return buf[idx]

    def check_read(self, buf: _Shared, where) -> None:
        w = buf.writer[where]
        tid = self.tidx.reshape(self.tidx.shape + (1,) * (w.ndim - 2))
        if np.any((w >= 0) & (w != tid)):
            raise EmulationError("race: a thread reads shared memory another thread wrote "
                                 "since the last barrier")
        r = buf.reader[where]
        buf.reader[where] = np.where((r >= 0) & (r != tid), -2, tid)

    def op_vector_store(self, op):
        value, buf = self.env[op.operands[0]], self.buffer(op.operands[1])
        idx = self.indices(op, 2, len(op.operands) - 2)
        width = value.shape[-1]
        last = idx[-1][..., None] + np.arange(width)
        where = tuple(i[..., None] for i in idx[:-1]) + (last,)
        if isinstance(buf, _Shared):
            self.shared_store(buf, (self.bidx[..., None],) + where, value,
                              self.tidx[..., None])
        else:
            buf[where] = value

    def op_vector_load(self, op):
        buf = self.buffer(op.operands[0])
        idx = self.indices(op, 1, len(op.operands) - 1)
        width = ir.VectorType(op.results[0].type).shape[-1]
        where = tuple(i[..., None] for i in idx[:-1]) + (idx[-1][..., None] + np.arange(width),)
        if isinstance(buf, _Shared):
            where = (self.bidx[..., None],) + where
            self.check_read(buf, where)
            return buf.data[where]
        return buf[where]

    def op_memref_store(self, op):
        value, buf = self.full(self.env[op.operands[0]]), self.buffer(op.operands[1])
        idx = self.indices(op, 2, len(op.operands) - 2)
        if isinstance(buf, _Shared):
            self.shared_store(buf, (self.bidx, *idx), value, self.tidx)
        else:
            buf[idx] = value

    def shared_store(self, buf: _Shared, where, value, tid) -> None:
        r = buf.reader[where]
        if np.any((r != -1) & (r != tid)):
            raise EmulationError("race: a thread overwrites shared memory another thread "
                                 "read since the last barrier")
        w = buf.writer[where]
        if np.any((w >= 0) & (w != tid)):
            raise EmulationError("race: two threads write the same shared element between "
                                 "barriers")
        buf.write(where, value, tid)

    def op_memref_extract_aligned_pointer_as_index(self, op):
        buf = self.buffer(op.operands[0])
        if not isinstance(buf, _Shared):
            raise EmulationError("the address of a global buffer is not emulated")
        return np.int64(buf.base)

    def op_arith_index_cast(self, op):
        return np.asarray(self.env[op.operands[0]]).astype(np.int64)

    def op_nvgpu_device_async_copy(self, op):
        # operands: dst, dst indices, src, src indices, [src elements]
        operands = list(op.operands)
        dst = self.shared[operands[0]]
        d_rank = ir.MemRefType(operands[0].type).rank
        src = self.env[operands[1 + d_rank]]
        s_rank = ir.MemRefType(operands[1 + d_rank].type).rank
        didx = self.indices(op, 1, d_rank)
        sidx = self.indices(op, 2 + d_rank, s_rank)
        n = ir.IntegerAttr(op.attributes["dstElements"]).value
        lanes = np.arange(n)
        values = src[tuple(i[..., None] for i in sidx[:-1]) + (sidx[-1][..., None] + lanes,)]
        if len(operands) > 2 + s_rank + d_rank:
            size = self.full(self.env[operands[2 + s_rank + d_rank]])
            values = np.where(lanes < size[..., None], values, 0)
        where = (self.bidx[..., None],) + tuple(i[..., None] for i in didx[:-1]) \
            + (didx[-1][..., None] + lanes,)
        r = dst.reader[where]
        if np.any((r != -1) & (r != self.tidx[..., None])):
            raise EmulationError("race: a cp.async overwrites shared memory another thread "
                                 "read since the last barrier")
        self.issued.append((dst, where, values))
        return np.int64(0)

    def op_nvgpu_device_async_create_group(self, op):
        self.pending.append(self.issued)
        self.issued = []
        return np.int64(len(self.pending))

    def op_nvgpu_device_async_wait(self, op):
        keep = ir.IntegerAttr(op.attributes["numGroups"]).value if "numGroups" in \
            op.attributes else 0
        while len(self.pending) > keep:
            for dst, where, values in self.pending.pop(0):
                dst.write(where, values, self.tidx[..., None])

    def op_gpu_barrier(self, op):
        for buf in self.shared.values():
            buf.reset()

    # -- tensor cores -----------------------------------------------------------------------------

    def op_nvgpu_ldmatrix(self, op):
        buf = self.shared[op.operands[0]]
        idx = self.indices(op, 1, len(op.operands) - 1)
        tiles = ir.IntegerAttr(op.attributes["numTiles"]).value
        trans = ir.BoolAttr(op.attributes["transpose"]).value
        cols = idx[-1][..., None] + np.arange(8)
        where = (self.bidx[..., None],) + tuple(i[..., None] for i in idx[:-1]) + (cols,)
        self.check_read(buf, where)
        mats = buf.data[where].reshape(self.blocks, -1, 4, 8, 8)[:, :, :tiles]  # lane 8i + r
        if trans:
            mats = mats.swapaxes(-1, -2)
        lane = np.arange(32)
        rows, cols = (lane // 4)[:, None], (2 * (lane % 4))[:, None] + np.arange(2)
        frag = mats[:, :, :, rows, cols]  # (blocks, warps, tiles, lane, 2)
        return frag.transpose(0, 1, 3, 2, 4).reshape(self.blocks, self.threads, tiles, 2)

    def op_nvgpu_mma_sync(self, op):
        a, b, c = (np.broadcast_to(self.env[v], (self.blocks, self.threads,
                                                  *ir.VectorType(v.type).shape))
                   for v in op.operands)
        w = self.threads // 32
        a, b, c = (x.reshape(self.blocks, w, 32, *x.shape[2:]) for x in (a, b, c))
        lane = np.arange(32)
        g, q = lane // 4, lane % 4
        k = ir.ArrayAttr(op.attributes["mmaShape"])
        kdim = ir.IntegerAttr(k[2]).value
        am = np.zeros((self.blocks, w, 16, kdim), np.float32)
        bm = np.zeros((self.blocks, w, kdim, 8), np.float32)
        if kdim == 8:  # tf32
            for r, (dr, dc) in enumerate(((0, 0), (8, 0), (0, 4), (8, 4))):
                am[:, :, g + dr, q + dc] = a[:, :, :, r, 0]
            for r in (0, 1):
                bm[:, :, q + 4 * r, g] = b[:, :, :, r, 0]
            am, bm = tf32(am), tf32(bm)
        else:  # f16 m16n8k16
            for r, (dr, dc) in enumerate(((0, 0), (8, 0), (0, 8), (8, 8))):
                for e in (0, 1):
                    am[:, :, g + dr, 2 * q + dc + e] = a[:, :, :, r, e]
            for r in (0, 1):
                for e in (0, 1):
                    bm[:, :, 2 * q + 8 * r + e, g] = b[:, :, :, r, e]
        cm = np.zeros((self.blocks, w, 16, 8), np.float32)
        for r in (0, 1):
            for e in (0, 1):
                cm[:, :, g + 8 * r, 2 * q + e] = c[:, :, :, r, e]
        d = cm + np.matmul(am, bm)
        out = np.stack([np.stack([d[:, :, g + 8 * r, 2 * q + e] for e in (0, 1)], -1)
                        for r in (0, 1)], -2)  # (B, W, 32, 2, 2)
        return out.reshape(self.blocks, self.threads, 2, 2).astype(np.float32)


    # -- warpgroup mma (sm_90) -------------------------------------------------------------

    def op_llvm_mlir_undef(self, op):
        count = str(op.results[0].type).count("f32")
        return np.full((self.blocks, self.threads, count), np.nan, np.float32)

    def op_llvm_insertvalue(self, op):
        container, value = (self.env[v] for v in op.operands)
        out = np.array(container)
        out[..., _position(op)] = self.full(value)
        return out

    def op_llvm_extractvalue(self, op):
        return self.env[op.operands[0]][..., _position(op)]

    def op_nvvm_fence_proxy(self, op):
        if "async.shared" not in str(op.attributes["kind"]):
            raise EmulationError(f"no emulation for {op}")
        for buf in self.shared.values():
            buf.unfenced[:] = False

    def op_nvvm_wgmma_fence_aligned(self, op):
        pass

    def op_nvvm_wgmma_commit_group_sync_aligned(self, op):
        pass

    def op_nvvm_wgmma_wait_group_sync_aligned(self, op):
        pass

    def op_nvvm_wgmma_mma_async(self, op):
        text = " ".join(str(op.attributes[a]) for a in ("typeA", "typeB", "typeD", "layoutA",
                                                         "layoutB", "scaleA", "scaleB",
                                                         "scaleD"))
        want = ["tf32", "tf32", "f32", "row", "col", "one", "one", "one"]
        if [w for w in want if w not in text] or "two" in text or "minus" in text:
            raise EmulationError(f"only f32 += tf32 x tf32 (row x col, unscaled) wgmma is "
                                 f"emulated: {text}")
        m, n, k = (int(v) for v in str(op.attributes["shape"]).split("<")[1].rstrip(">")
                   .replace(" ", "").replace("m=", "").replace("n=", "").replace("k=", "")
                   .split(","))
        if (m, k) != (64, 8) or self.threads % 128:
            raise EmulationError(f"wgmma m{m}n{n}k{k} in blocks of {self.threads} threads")
        groups = self.threads // 128
        acc = np.broadcast_to(self.env[op.operands[0]], (self.blocks, self.threads, n // 2))
        a = self.operand(self.env[op.operands[1]], 64, groups)
        b = self.operand(self.env[op.operands[2]], n, groups)
        rows, cols = _d_fragment(n)
        c = np.zeros((self.blocks, groups, 64, n), np.float32)
        c[:, :, rows, cols] = acc.reshape(self.blocks, groups, 4, 32, n // 2)
        d = c + np.matmul(tf32(a), tf32(b).swapaxes(-1, -2))
        return d[:, :, rows, cols].reshape(self.blocks, self.threads, n // 2).astype(np.float32)

    def operand(self, desc, rows: int, groups: int) -> np.ndarray:
        """The ``rows x 8`` K-major f32 matrix each warpgroup's descriptor ``desc`` names:
        (blocks, groups, rows, 8)."""
        d = self.full(desc).astype(np.int64).reshape(self.blocks, groups, 128)
        if np.any(d != d[..., :1]):
            raise EmulationError("a wgmma descriptor differs between the threads of a "
                                 "warpgroup")
        d = d[..., 0]
        if np.any(d >> 62):
            raise EmulationError("swizzled wgmma layouts are not emulated")
        start, lbo, sbo = ((d >> s & 0x3FFF) << 4 for s in (0, 16, 32))
        r, k = np.arange(rows)[:, None], np.arange(8)[None, :]
        byte = (start[..., None, None] + (r // 8) * sbo[..., None, None] + (r % 8) * 16
                + (k // 4) * lbo[..., None, None] + (k % 4) * 4)
        found = [b for b in self.shared.values()
                 if np.all((byte >= b.base) & (byte < b.base + b.bytes))]
        if not found:
            raise EmulationError("a wgmma descriptor points outside one shared buffer")
        buf = found[0]
        flat = (byte - buf.base) // buf.data.itemsize
        where = (np.arange(self.blocks)[:, None, None, None], flat)
        data, writer = (x.reshape(self.blocks, -1) for x in (buf.data, buf.writer))
        if np.any(writer[where] >= 0):
            raise EmulationError("race: a wgmma reads shared memory written since the last "
                                 "barrier")
        if np.any(buf.unfenced.reshape(self.blocks, -1)[where]):
            raise EmulationError("a wgmma reads shared memory written through the generic "
                                 "proxy without a fence.proxy.async since")
        buf.reader.reshape(self.blocks, -1)[where] = -2  # read by the async proxy
        return data[where].astype(np.float32)


def _position(op) -> int:
    (p,) = list(ir.DenseI64ArrayAttr(op.attributes["position"]))
    return p


def _d_fragment(n: int):
    """(row, column) in a warpgroup's 64 x n tile of accumulator register ``r`` of lane
    ``l`` of warp ``w``: arrays of shape (4, 32, n / 2)."""
    w, lane, r = np.arange(4)[:, None, None], np.arange(32)[None, :, None], \
        np.arange(n // 2)[None, None, :]
    rows = 16 * w + lane // 4 + 8 * ((r // 2) % 2)
    cols = 8 * (r // 4) + 2 * (lane % 4) + r % 2
    return rows + 0 * cols, cols + 0 * rows


def _dim(op) -> str:
    return str(op.attributes["dimension"]).split()[-1].rstrip(">")


def run_kernel(func, grid, block: int, args: list[np.ndarray]) -> None:
    """Run the `gpu.func` ``func`` on ``grid`` blocks of ``block`` threads over ``args``
    (numpy arrays for its memref arguments, written in place)."""
    em = _Emulator(tuple(grid), block, {})
    body = func.regions[0].blocks[0]
    n_args = len(args)
    for arg, value in zip(list(body.arguments)[:n_args], args):
        em.env[arg] = value
    base = 0
    for arg in list(body.arguments)[n_args:]:  # workgroup attributions
        t = ir.MemRefType(arg.type)
        dtype = np.float16 if isinstance(t.element_type, ir.F16Type) else np.float32
        em.shared[arg] = _Shared(em.blocks, t.shape, dtype, base)
        base += -(-em.shared[arg].bytes // 128) * 128
    em.run_block(body)
