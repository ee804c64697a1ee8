// RUN: aic-opt %s -p 'aic-hw-set-target{target=cpu-avx512}' | FileCheck %s --check-prefix=AVX512
// RUN: aic-opt %s -p 'aic-hw-set-target{target=cuda-sm90}' | FileCheck %s --check-prefix=SM90
// RUN: aic-opt %s -p 'aic-hw-set-target' | FileCheck %s --check-prefix=HOST
// RUN: not aic-opt %s -p 'aic-hw-set-target{target=tpu}' 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: aic-opt %s -p 'aic-hw-set-target{target=cpu-avx512 threads=4}' | FileCheck %s --check-prefix=THREADS
// RUN: not aic-opt %s -p 'aic-hw-set-target{target=cuda-sm90 threads=4}' 2>&1 | FileCheck %s --check-prefix=BADTHREADS

// AVX512: module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}}
// SM90: module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 90 : i64, smem = 232448 : i64, warp = 32 : i64}}
// HOST: module attributes {hw.target = {cores = {{[0-9]+}} : i64, {{.*}}kind = "cpu"
// BAD: error: aic-hw-set-target: unknown target 'tpu' (known: cpu, cpu-avx512, cpu-avx2, cpu-generic, cuda-sm80, cuda-sm86, cuda-sm89, cuda-sm90)
// `threads` replaces the cores (the peak follows them).
// THREADS: module attributes {hw.target = {cores = 4 : i64, {{.*}}isa = "avx512", {{.*}}peak_gflops = 6.656000e+02 : f64
// BADTHREADS: error: aic-hw-set-target: threads apply to CPU targets, not 'cuda'
func.func @f() {
  return
}
