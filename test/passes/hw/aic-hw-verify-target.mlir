// RUN: aic-opt %s --split-input-file --verify-diagnostics -p aic-hw-verify-target | FileCheck %s

// CHECK-LABEL: func.func @valid_cpu
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @valid_cpu() {
    return
  }
}

// -----

// expected-error@+1 {{invalid hw.target: hw.target (cpu) is missing 'l3'}}
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
}

// -----

// expected-error@+1 {{vector_bits must be 128, 256 or 512, got 100}}
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 1 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 100 : i64}} {
}

// -----

// expected-error@+1 {{unknown target kind 'tpu' (cpu or cuda)}}
module attributes {hw.target = {kind = "tpu"}} {
}

// -----

// expected-error@+1 {{hw.target field 'sm': expected int, got "80"}}
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = "80", smem = 166912 : i64, warp = 32 : i64}} {
}

// -----

module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @shared_on_cpu() {
    // expected-error@+1 {{hw.shared_alloc needs a cuda target}}
    %s = "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
    return
  }
}

// -----

module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 1024 : i64, warp = 32 : i64}} {
  func.func @too_much_shared() {
    // expected-error@+1 {{shared memory use 4096 B exceeds the target's 1024 B}}
    %s = "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
    return
  }
}
