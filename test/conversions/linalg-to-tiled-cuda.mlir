// RUN: aic-opt %s --split-input-file -p aic-convert-linalg-to-tiled | FileCheck %s

// On a CUDA target a matmul is tiled by blocks of tensor-core tiles: the largest block tile
// giving at least 32 blocks (1024^2: 128x128, 64 blocks), a k tile of 32.
// CHECK-LABEL: func.func @matmul_1024
// CHECK: "tiled.kernel"
// CHECK: tile_sizes = array<i64: 128, 128, 32>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @matmul_1024(%a: tensor<1024x1024xf32>, %b: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1024x1024xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
    %r = linalg.matmul ins(%a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32>) outs(%init : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
    return %r : tensor<1024x1024xf32>
  }
}

// -----

// A small GEMM (the 3x3 conv's im2col product, 32 x 1024): smaller blocks, so that there are
// 32 of them; k 144 -> the largest divisor <= 32.
// CHECK-LABEL: func.func @conv_gemm
// CHECK: tile_sizes = array<i64: 32, 32, 24>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @conv_gemm(%a: tensor<32x144xf32>, %b: tensor<144x1024xf32>) -> tensor<32x1024xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<32x1024xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<32x1024xf32>) -> tensor<32x1024xf32>
    %r = linalg.matmul ins(%a, %b : tensor<32x144xf32>, tensor<144x1024xf32>) outs(%init : tensor<32x1024xf32>) -> tensor<32x1024xf32>
    return %r : tensor<32x1024xf32>
  }
}

// -----

// No block tile of whole mma tiles divides 40 rows: the default CUDA tiles (64 x 64 x 32 as
// divisors: 40 x 64), halved while the kernel has fewer than 256 blocks and a tile holds more
// than 256 elements: 16 blocks of 10 x 16.
// CHECK-LABEL: func.func @negative_ragged
// CHECK: tile_sizes = array<i64: 10, 16, 32>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_ragged(%a: tensor<40x64xf32>, %b: tensor<64x64xf32>) -> tensor<40x64xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<40x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<40x64xf32>) -> tensor<40x64xf32>
    %r = linalg.matmul ins(%a, %b : tensor<40x64xf32>, tensor<64x64xf32>) outs(%init : tensor<40x64xf32>) -> tensor<40x64xf32>
    return %r : tensor<40x64xf32>
  }
}
