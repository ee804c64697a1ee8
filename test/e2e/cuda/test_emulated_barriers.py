"""The emulation keeps CUDA's barrier semantics: a kernel that stages data through shared
memory is right with its barrier and wrong without it (the emulation does not hide the bug)."""

import numpy as np
from aic.compiler.driver import run_pipeline
from aic.compiler.stages import EMULATE
from aic.context import make_context
from aic.mlir_api import ir
from aic.runtime.jit import JitFunction, Signature

KERNEL = """
func.func @main(%x: memref<128xf32>, %y: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c63 = arith.constant 63 : index
  %c64 = arith.constant 64 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1)
             workgroup(%s : memref<64xf32, #gpu.address_space<workgroup>>) {
    %base = arith.muli %bx, %c64 : index
    %i = arith.addi %base, %tx : index
    %v = memref.load %x[%i] : memref<128xf32>
    memref.store %v, %s[%tx] : memref<64xf32, #gpu.address_space<workgroup>>
    BARRIER
    %r = arith.subi %c63, %tx : index
    %w = memref.load %s[%r] : memref<64xf32, #gpu.address_space<workgroup>>
    memref.store %w, %y[%i] : memref<128xf32>
    gpu.terminator
  }
  return
}
"""


def _run(text: str, x: np.ndarray) -> np.ndarray:
    ctx = make_context()
    with ctx:
        module = ir.Module.parse(text)
    run_pipeline(module, EMULATE, "emulate")
    with ctx:
        fn = JitFunction(module, "main", Signature([((128,), np.float32)],
                                                   [((128,), np.float32)]))
        return fn([x])[0]


def test_block_reverse_through_shared_memory():
    x = np.arange(128, dtype=np.float32)
    got = _run(KERNEL.replace("BARRIER", "gpu.barrier"), x)
    want = np.concatenate([x[:64][::-1], x[64:][::-1]])
    np.testing.assert_array_equal(got, want)


def test_a_missing_barrier_gives_wrong_numbers():
    x = np.arange(128, dtype=np.float32) + 1
    got = _run(KERNEL.replace("BARRIER", ""), x)
    want = np.concatenate([x[:64][::-1], x[64:][::-1]])
    assert not np.array_equal(got, want)
