// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cpu-avx512},aic-convert-linalg-to-tiled' | FileCheck %s

// A narrow matmul with a constant A -- 64 filters x 9 pixels (9 columns would fill 16 lanes)
// -- is computed transposed: X^T by a transposing copy kernel, then C^T = X^T @ W^T (the
// filters as columns, W^T a constant made at compile time), and the bias + relu epilogue
// reads C^T through a transposed map, which is the transpose back.
// CHECK-LABEL: func.func @narrow_transposed
// CHECK-SAME: (%[[X:.*]]: tensor<16x9xf32>, %[[BIAS:.*]]: tensor<64xf32>)
// CHECK: arith.constant {{dense.*}} : tensor<16x64xf32>
// CHECK: %[[XT:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[X]],
// CHECK: space = array<i64: 9, 16>
// CHECK: %[[CT:.*]] = "tiled.kernel"
// CHECK: linalg.matmul
// CHECK: kind = "matmul", {{.*}}space = array<i64: 9, 64, 16>
// CHECK: %[[Y:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[CT]],
// CHECK: arith.maximumf
// CHECK: space = array<i64: 64, 9>
// CHECK: return %[[Y]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @narrow_transposed(%x: tensor<16x9xf32>, %bias: tensor<64xf32>) -> tensor<64x9xf32> {
  %wide = arith.constant dense<0.5> : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x9xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x9xf32>) -> tensor<64x9xf32>
  %c = linalg.matmul ins(%wide, %x : tensor<64x16xf32>, tensor<16x9xf32>) outs(%init : tensor<64x9xf32>) -> tensor<64x9xf32>
  %o = tensor.empty() : tensor<64x9xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%c, %bias : tensor<64x9xf32>, tensor<64xf32>) outs(%o : tensor<64x9xf32>) {
  ^bb0(%v: f32, %b: f32, %out: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x9xf32>
  return %y : tensor<64x9xf32>
}

// -----

// No element-wise reader: the transposed product is copied back by a transposing kernel.
// CHECK-LABEL: func.func @narrow_copied_back
// CHECK: "tiled.kernel"
// CHECK: space = array<i64: 9, 16>
// CHECK: %[[CT:.*]] = "tiled.kernel"
// CHECK: space = array<i64: 9, 64, 16>
// CHECK: %[[Y:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[CT]],
// CHECK: space = array<i64: 64, 9>
// CHECK: return %[[Y]]
func.func @narrow_copied_back(%x: tensor<16x9xf32>) -> tensor<64x9xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x9xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x9xf32>) -> tensor<64x9xf32>
  %c = linalg.matmul ins(%w, %x : tensor<64x16xf32>, tensor<16x9xf32>) outs(%init : tensor<64x9xf32>) -> tensor<64x9xf32>
  return %c : tensor<64x9xf32>
}

// -----

// 32 columns are two whole vectors (nothing to gain): the matmul stays as it is.
// CHECK-LABEL: func.func @negative_whole_vectors
// CHECK: "tiled.kernel"
// CHECK: space = array<i64: 256, 32, 16>
func.func @negative_whole_vectors(%x: tensor<16x32xf32>) -> tensor<256x32xf32> {
  %w = arith.constant dense<0.5> : tensor<256x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<256x32xf32>) -> tensor<256x32xf32>
  %c = linalg.matmul ins(%w, %x : tensor<256x16xf32>, tensor<16x32xf32>) outs(%init : tensor<256x32xf32>) -> tensor<256x32xf32>
  return %c : tensor<256x32xf32>
}

// -----

// A run-time A (not a weight to transpose at compile time): the matmul stays as it is.
// CHECK-LABEL: func.func @negative_runtime_a
// CHECK: "tiled.kernel"
// CHECK: space = array<i64: 64, 9, 16>
func.func @negative_runtime_a(%w: tensor<64x16xf32>, %x: tensor<16x9xf32>) -> tensor<64x9xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x9xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x9xf32>) -> tensor<64x9xf32>
  %c = linalg.matmul ins(%w, %x : tensor<64x16xf32>, tensor<16x9xf32>) outs(%init : tensor<64x9xf32>) -> tensor<64x9xf32>
  return %c : tensor<64x9xf32>
}

// -----

// Fewer than 4 times as many rows as columns: the matmul stays as it is.
// CHECK-LABEL: func.func @negative_few_rows
// CHECK: "tiled.kernel"
// CHECK: space = array<i64: 32, 9, 16>
func.func @negative_few_rows(%x: tensor<16x9xf32>) -> tensor<32x9xf32> {
  %w = arith.constant dense<0.5> : tensor<32x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<32x9xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<32x9xf32>) -> tensor<32x9xf32>
  %c = linalg.matmul ins(%w, %x : tensor<32x16xf32>, tensor<16x9xf32>) outs(%init : tensor<32x9xf32>) -> tensor<32x9xf32>
  return %c : tensor<32x9xf32>
}

// -----

// A weight whose data is not in the IR (elided, as in a dump): it cannot be transposed at
// compile time, so the matmul stays as it is.
// CHECK-LABEL: func.func @negative_elided_weight
// CHECK: space = array<i64: 64, 9, 16>
func.func @negative_elided_weight(%x: tensor<16x9xf32>) -> tensor<64x9xf32> {
  %w = arith.constant dense_resource<__elided__> : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x9xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x9xf32>) -> tensor<64x9xf32>
  %c = linalg.matmul ins(%w, %x : tensor<64x16xf32>, tensor<16x9xf32>) outs(%init : tensor<64x9xf32>) -> tensor<64x9xf32>
  return %c : tensor<64x9xf32>
}
