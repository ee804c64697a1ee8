"""This core's f32 FMA peak, measured (``python -m benchmarks.peak``).

The nominal estimate (``aic.targets.cpu.host().peak_gflops``: cores x nominal GHz x FMA units
x 2 x lanes) can be off both ways: a VM reports its base clock while the core runs at turbo,
and some cores issue fewer full-width FMAs than they have FMA units (Zen 4 splits a 512-bit
FMA over its two 256-bit pipes: half the estimate). ``measured_gflops_per_core`` times
``peak.c`` -- 16 independent vector FMA chains at the target's vector width, built with the C
compiler for this CPU -- on one thread, best of a few runs: the yardstick the benchmark's
``%peak`` column divides by.
"""

from __future__ import annotations

import ctypes
import functools
import time
from pathlib import Path

from aic.compiler.native import shared_object

SOURCE = Path(__file__).with_name("peak.c")
CHAINS = 16
ITERATIONS = 2_000_000


@functools.cache
def measured_gflops_per_core(vector_bits: int) -> float:
    """f32 GFLOP/s of one thread running FMAs ``vector_bits`` wide, best of 5 runs."""
    lib = ctypes.CDLL(shared_object(
        SOURCE, f"aic_peak{vector_bits}",
        (f"-DVECTOR_BYTES={vector_bits // 8}", "-march=native", "-ffp-contract=fast"),
        "the FMA peak probe"))
    fn = lib.aic_peak_fma
    fn.argtypes, fn.restype = [ctypes.c_long, ctypes.c_float, ctypes.c_float], ctypes.c_float
    fn(ITERATIONS // 10, 0.999, 0.001)  # warm-up: let the clock rise
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        fn(ITERATIONS, 0.999, 0.001)
        best = min(best, time.perf_counter() - start)
    flops = 2.0 * CHAINS * (vector_bits // 32) * ITERATIONS
    return flops / best / 1e9


def main() -> None:
    from aic.targets.cpu import host

    target = host()
    print(f"{target.isa}, {target.vector_bits}-bit vectors: measured "
          f"{measured_gflops_per_core(target.vector_bits):.1f} GFLOP/s per core; nominal "
          f"estimate {target.peak_gflops / target.cores:.1f}")


if __name__ == "__main__":
    main()
