// RUN: aic-opt %s --split-input-file -p aic-hw-lower-mma --verify-diagnostics

// A contraction block needs a CUDA target.
// expected-error @below {{aic-hw-lower-mma needs a cuda hw.target}}
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @negative_cpu(%a: tensor<16x8xf32>, %b: tensor<8x8xf32>) -> tensor<16x8xf32> {
    %c8 = arith.constant 8 : index
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.000000e+00 : f32
    %empty = tensor.empty() : tensor<16x8xf32>
    %r = "hw.parallel"(%empty) ({
    ^bb0(%i: index, %j: index, %out: tensor<16x8xf32>):
      %slice = tensor.extract_slice %out[%i, %j] [16, 8] [1, 1] : tensor<16x8xf32> to tensor<16x8xf32>
      %acc0 = linalg.fill ins(%zero : f32) outs(%slice : tensor<16x8xf32>) -> tensor<16x8xf32>
      gpu.yield %acc0, %i, %j : tensor<16x8xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["core", "core"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf32>) -> tensor<16x8xf32>
    return %r : tensor<16x8xf32>
  }
}

// -----

// A block marked for tensor cores without its k loop and warp tiles.
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_no_k_loop(%a: tensor<16x8xf32>) -> tensor<16x8xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %empty = tensor.empty() : tensor<16x8xf32>
    // expected-error @below {{a contraction block needs one linalg.fill and one scf.for}}
    %r = "hw.parallel"(%empty) ({
    ^bb0(%i: index, %j: index, %out: tensor<16x8xf32>):
      %slice = tensor.extract_slice %out[%i, %j] [16, 8] [1, 1] : tensor<16x8xf32> to tensor<16x8xf32>
      %acc0 = linalg.fill ins(%zero : f32) outs(%slice : tensor<16x8xf32>) -> tensor<16x8xf32>
      gpu.yield %acc0, %i, %j : tensor<16x8xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf32>) -> tensor<16x8xf32>
    return %r : tensor<16x8xf32>
  }
}
