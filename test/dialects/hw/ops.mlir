// Round trip of the hw ops and the hw.target attribute.
// RUN: aic-opt %s --split-input-file | aic-opt --split-input-file | FileCheck %s

// CHECK: module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu"
// CHECK-LABEL: func.func @parallel_microkernel
// CHECK: "hw.parallel"(%{{.*}}) ({
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[OUT:.*]]: tensor<256x192xf32>):
// CHECK: "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 8 : i64, nr = 32 : i64}
// CHECK: gpu.yield %{{.*}}, %[[I]], %[[J]] : tensor<64x64xf32>, index, index
// CHECK: }) {mapping = ["core", "core"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>}
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @parallel_microkernel(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %init: tensor<256x192xf32>) -> tensor<256x192xf32> {
    %r = "hw.parallel"(%init) ({
    ^bb0(%i: index, %j: index, %out: tensor<256x192xf32>):
      %c = tensor.extract_slice %out[%i, %j] [64, 64] [1, 1] : tensor<256x192xf32> to tensor<64x64xf32>
      %ta = tensor.extract_slice %a[%i, 0] [64, 128] [1, 1] : tensor<256x128xf32> to tensor<64x128xf32>
      %tb = tensor.extract_slice %b[0, %j] [128, 64] [1, 1] : tensor<128x192xf32> to tensor<128x64xf32>
      %m = "hw.microkernel"(%ta, %tb, %c) {mr = 8 : i64, nr = 32 : i64} : (tensor<64x128xf32>, tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m, %i, %j) : (tensor<64x64xf32>, index, index) -> ()
    }) {mapping = ["core", "core"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    return %r : tensor<256x192xf32>
  }
}

// -----

// A packed B: ceil(N/nr) x K x nr column panels.
// CHECK-LABEL: func.func @microkernel_packed_b
// CHECK: "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 8 : i64, nr = 32 : i64} : (tensor<8x16xf32>, tensor<2x16x32xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
func.func @microkernel_packed_b(%a: tensor<8x16xf32>, %b: tensor<2x16x32xf32>, %c: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %m = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 32 : i64} : (tensor<8x16xf32>, tensor<2x16x32xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
  return %m : tensor<8x40xf32>
}

// -----

// f16 inputs with an f32 accumulator (an f16 matmul's, CUDA tensor cores).
// CHECK-LABEL: func.func @microkernel_f16_f32_accumulator
// CHECK: "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x16xf16>, tensor<16x8xf16>, tensor<16x8xf32>) -> tensor<16x8xf32>
func.func @microkernel_f16_f32_accumulator(%a: tensor<16x16xf16>, %b: tensor<16x8xf16>, %c: tensor<16x8xf32>) -> tensor<16x8xf32> {
  %m = "hw.microkernel"(%a, %b, %c) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x16xf16>, tensor<16x8xf16>, tensor<16x8xf32>) -> tensor<16x8xf32>
  return %m : tensor<16x8xf32>
}

// -----

// CHECK: module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64
// CHECK-LABEL: func.func @shared_and_barrier
// CHECK: "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
// CHECK: "hw.barrier"() {scope = "block"}
// CHECK: "hw.barrier"() {scope = "warp"}
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @shared_and_barrier() {
    %s = "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
    "hw.barrier"() {scope = "block"} : () -> ()
    "hw.barrier"() {scope = "warp"} : () -> ()
    return
  }
}
