// RUN: aic-opt %s --split-input-file -p aic-convert-linalg-to-tiled | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-convert-linalg-to-tiled{gpu-precision=f32}' | FileCheck %s --check-prefix=F32

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

// No block tile of whole mma tiles divides 40 rows: the matmul is padded with zero rows to
// 48 (A padded, the fill made at 48 x 64), tiled by tensor-core blocks (16 x 8: 24 blocks),
// and the result sliced back to 40 rows.
// With gpu-precision=f32 no tensor core runs it: no padding.
// CHECK-LABEL: func.func @ragged_rows_padded
// F32-LABEL: func.func @ragged_rows_padded
// F32-NOT: tensor.pad
// F32: space = array<i64: 40, 64, 64>
// CHECK-SAME: (%[[A:.*]]: tensor<40x64xf32>, %[[B:.*]]: tensor<64x64xf32>)
// CHECK: %[[PA:.*]] = tensor.pad %[[A]] low[0, 0] high[8, 0]
// CHECK: %[[K:.*]] = "tiled.kernel"
// CHECK: space = array<i64: 48, 64, 64>, tile_sizes = array<i64: 16, 8, 32>
// CHECK: %[[R:.*]] = tensor.extract_slice %[[K]][0, 0] [40, 64] [1, 1] : tensor<48x64xf32> to tensor<40x64xf32>
// CHECK: return %[[R]]
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @ragged_rows_padded(%a: tensor<40x64xf32>, %b: tensor<64x64xf32>) -> tensor<40x64xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<40x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<40x64xf32>) -> tensor<40x64xf32>
    %r = linalg.matmul ins(%a, %b : tensor<40x64xf32>, tensor<64x64xf32>) outs(%init : tensor<40x64xf32>) -> tensor<40x64xf32>
    return %r : tensor<40x64xf32>
  }
}

// -----

// N = 196 columns (a 14x14 feature map) and K = 36: padded to 224 (the largest multiple of
// 64/32/16/8 wasting at most an eighth) and 40 with zeros; the bias + relu chain runs on the
// padded columns too (its row bias needs no padding) and the slice comes after it.
// CHECK-LABEL: func.func @ragged_columns_padded
// CHECK-SAME: (%[[A:.*]]: tensor<64x36xf32>, %[[B:.*]]: tensor<36x196xf32>, %[[BIAS:.*]]: tensor<64xf32>)
// CHECK-DAG: tensor.pad %[[A]] low[0, 0] high[0, 4]
// CHECK-DAG: tensor.pad %[[B]] low[0, 0] high[4, 28]
// CHECK: %[[K:.*]] = "tiled.kernel"
// CHECK: arith.maximumf
// CHECK: space = array<i64: 64, 224, 40>
// CHECK: %[[R:.*]] = tensor.extract_slice %[[K]][0, 0] [64, 196] [1, 1] : tensor<64x224xf32> to tensor<64x196xf32>
// CHECK: return %[[R]]
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @ragged_columns_padded(%a: tensor<64x36xf32>, %b: tensor<36x196xf32>, %bias: tensor<64xf32>) -> tensor<64x196xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x196xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x196xf32>) -> tensor<64x196xf32>
    %r = linalg.matmul ins(%a, %b : tensor<64x36xf32>, tensor<36x196xf32>) outs(%init : tensor<64x196xf32>) -> tensor<64x196xf32>
    %o = tensor.empty() : tensor<64x196xf32>
    %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r, %bias : tensor<64x196xf32>, tensor<64xf32>) outs(%o : tensor<64x196xf32>) {
    ^bb0(%x: f32, %c: f32, %out: f32):
      %s = arith.addf %x, %c : f32
      %m = arith.maximumf %s, %zero : f32
      linalg.yield %m : f32
    } -> tensor<64x196xf32>
    return %y : tensor<64x196xf32>
  }
}

// -----

// Four rows would be three quarters padding: no padding, the generic CUDA tiling.
// CHECK-LABEL: func.func @negative_too_few_rows
// CHECK-NOT: tensor.pad
// CHECK: space = array<i64: 4, 64, 64>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_too_few_rows(%a: tensor<4x64xf32>, %b: tensor<64x64xf32>) -> tensor<4x64xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x64xf32>) -> tensor<4x64xf32>
    %r = linalg.matmul ins(%a, %b : tensor<4x64xf32>, tensor<64x64xf32>) outs(%init : tensor<4x64xf32>) -> tensor<4x64xf32>
    return %r : tensor<4x64xf32>
  }
}

// -----

// A 3x3 convolution's patch copy whose patch matrix is only the B of a matmul: a kernel of
// its own that carries the padding, strides and dilations (the tiles pad whole planes, so the
// kernel reads the unpadded image and the pad is folded into `pads`), for aic-hw-lower-mma to
// gather B from the image inside the tensor-core kernel.
// CHECK-LABEL: func.func @conv_patches_for_mma
// CHECK-NOT: tensor.pad
// CHECK: %[[COPY:.*]] = "tiled.kernel"
// CHECK: aic.im2col = {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, strides = array<i64: 1, 1>}
// CHECK-SAME: kind = "generic"
// CHECK: %[[P:.*]] = tensor.collapse_shape %[[COPY]]
// CHECK: "tiled.kernel"
// CHECK: linalg.matmul
#patch = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @conv_patches_for_mma(%x: tensor<1x4x8x8xf32>, %w: tensor<16x36xf32>) -> tensor<16x64xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %zero : f32
    } : tensor<1x4x8x8xf32> to tensor<1x4x10x10xf32>
    %e = tensor.empty() : tensor<1x4x3x3x8x8xf32>
    %copy = linalg.generic {indexing_maps = [#patch, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%padded : tensor<1x4x10x10xf32>) outs(%e : tensor<1x4x3x3x8x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x4x3x3x8x8xf32>
    %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x4x3x3x8x8xf32> into tensor<36x64xf32>
    %o = tensor.empty() : tensor<16x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%o : tensor<16x64xf32>) -> tensor<16x64xf32>
    %r = linalg.matmul ins(%w, %p : tensor<16x36xf32>, tensor<36x64xf32>) outs(%init : tensor<16x64xf32>) -> tensor<16x64xf32>
    return %r : tensor<16x64xf32>
  }
}

// -----

// The patch matrix read as a matmul's A (not B): the copy's kernel carries no aic.im2col.
// CHECK-LABEL: func.func @negative_patches_as_a
// CHECK-NOT: aic.im2col
// CHECK: return
#patch = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_patches_as_a(%x: tensor<1x4x10x10xf32>, %w: tensor<64x16xf32>) -> tensor<36x16xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %e = tensor.empty() : tensor<1x4x3x3x8x8xf32>
    %copy = linalg.generic {indexing_maps = [#patch, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x10x10xf32>) outs(%e : tensor<1x4x3x3x8x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x4x3x3x8x8xf32>
    %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x4x3x3x8x8xf32> into tensor<36x64xf32>
    %o = tensor.empty() : tensor<36x16xf32>
    %init = linalg.fill ins(%zero : f32) outs(%o : tensor<36x16xf32>) -> tensor<36x16xf32>
    %r = linalg.matmul ins(%p, %w : tensor<36x64xf32>, tensor<64x16xf32>) outs(%init : tensor<36x16xf32>) -> tensor<36x16xf32>
    return %r : tensor<36x16xf32>
  }
}
