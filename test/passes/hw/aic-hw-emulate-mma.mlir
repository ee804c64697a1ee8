// RUN: aic-opt %s --split-input-file -p aic-hw-emulate-mma | FileCheck %s

// In a tensor-core block (hw.mma_stages), an f32 micro-kernel reads TF32 inputs as the
// kernel's cvt.rna.tf32.f32 makes them: A and B, when finite (exponent bits not all ones),
// get half an ulp of the 10-bit mantissa added (0x1000 = 4096) and their low 13 bits
// cleared (mask 0xFFFFE000 = -8192); NaN becomes 0x7FFFFFFF, infinities stay; then an f32
// matmul.
// CHECK-LABEL: func.func @tf32
// CHECK-SAME: (%[[A:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8x8xf32>
// CHECK: %[[RA:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<16x8xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[BITS:.*]] = arith.bitcast %[[X]] : f32 to i32
// CHECK: %[[EXP:.*]] = arith.constant 2139095040 : i32
// CHECK: %[[E:.*]] = arith.andi %[[BITS]], %[[EXP]] : i32
// CHECK: %[[FINITE:.*]] = arith.cmpi ne, %[[E]], %[[EXP]] : i32
// CHECK: %[[HALF:.*]] = arith.constant 4096 : i32
// CHECK: %[[UP:.*]] = arith.addi %[[BITS]], %[[HALF]] : i32
// CHECK: %[[MASK:.*]] = arith.constant -8192 : i32
// CHECK: %[[ROUNDED:.*]] = arith.andi %[[UP]], %[[MASK]] : i32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[QNAN:.*]] = arith.constant 2147483647 : i32
// CHECK: %[[SPECIAL:.*]] = arith.select %[[NAN]], %[[QNAN]], %[[BITS]] : i32
// CHECK: %[[R:.*]] = arith.select %[[FINITE]], %[[ROUNDED]], %[[SPECIAL]] : i32
// CHECK: arith.bitcast %[[R]] : i32 to f32
// CHECK: %[[RB:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<8x8xf32>)
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[RA]], %[[RB]] : tensor<16x8xf32>, tensor<8x8xf32>) outs(%{{.*}} : tensor<16x8xf32>)
// CHECK: gpu.yield %[[M]]
// CHECK-NOT: hw.microkernel
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @tf32(%a: tensor<16x8xf32>, %b: tensor<8x8xf32>, %c: tensor<16x8xf32>) -> tensor<16x8xf32> {
    %r = "hw.parallel"(%c) ({
    ^bb0(%i: index, %j: index, %out: tensor<16x8xf32>):
      %m = "hw.microkernel"(%a, %b, %out) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x8xf32>, tensor<8x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
      gpu.yield %m, %i, %j : tensor<16x8xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf32>) -> tensor<16x8xf32>
    return %r : tensor<16x8xf32>
  }
}

// -----

// f16: f16 inputs widened to f32, an f32 matmul (f32 accumulation), the result narrowed.
// CHECK-LABEL: func.func @f16
// CHECK-COUNT-3: arith.extf %{{.*}} : f16 to f32
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x8xf32>) outs(%{{.*}} : tensor<16x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<16x8xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @f16(%a: tensor<16x16xf16>, %b: tensor<16x8xf16>, %c: tensor<16x8xf16>) -> tensor<16x8xf16> {
    %r = "hw.parallel"(%c) ({
    ^bb0(%i: index, %j: index, %out: tensor<16x8xf16>):
      %m = "hw.microkernel"(%a, %b, %out) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x16xf16>, tensor<16x8xf16>, tensor<16x8xf16>) -> tensor<16x8xf16>
      gpu.yield %m, %i, %j : tensor<16x8xf16>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf16>) -> tensor<16x8xf16>
    return %r : tensor<16x8xf16>
  }
}

// -----

// Outside a tensor-core block (the generic CUDA mapping, or gpu-precision=f32): plain f32.
// CHECK-LABEL: func.func @negative_plain_block
// CHECK: "hw.microkernel"
// CHECK-NOT: arith.andi
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_plain_block(%a: tensor<16x8xf32>, %b: tensor<8x8xf32>, %c: tensor<16x8xf32>) -> tensor<16x8xf32> {
    %r = "hw.parallel"(%c) ({
    ^bb0(%i: index, %j: index, %out: tensor<16x8xf32>):
      %m = "hw.microkernel"(%a, %b, %out) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x8xf32>, tensor<8x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
      gpu.yield %m, %i, %j : tensor<16x8xf32>, index, index
    }) {mapping = ["block_y", "block_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf32>) -> tensor<16x8xf32>
    return %r : tensor<16x8xf32>
  }
}
