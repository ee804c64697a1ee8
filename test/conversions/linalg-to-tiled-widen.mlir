// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cpu-avx512},aic-convert-linalg-to-tiled' | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cuda-sm80},aic-convert-linalg-to-tiled' | FileCheck %s --check-prefix=CUDA

// A bf16 matmul into f32 accumulators: the constant weight becomes an f32 constant at compile
// time, the run-time operand is widened by an element-wise kernel (arith.extf), and the
// matmul kernel multiplies f32 tiles (the CPU micro-kernel's type).
// CHECK-LABEL: func.func @bf16_widened
// CHECK-SAME: (%[[X:.*]]: tensor<8x16xbf16>)
// CHECK: %[[X32:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[X]],
// CHECK: arith.extf {{.*}} : bf16 to f32
// CHECK: %[[W:.*]] = arith.constant {{.*}} : tensor<16x32xf32>
// CHECK: %[[C:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[X32]],
// CHECK: "tiled.load"(%[[W]],
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xf32>, tensor<{{.*}}xf32>)
// CHECK: kind = "matmul"
// CHECK: return %[[C]]
// On CUDA the f16/bf16 operands stay (tensor cores take them).
// CUDA-LABEL: func.func @bf16_widened
// CUDA-NOT: arith.extf
// CUDA: linalg.matmul ins({{.*}} : tensor<{{.*}}xbf16>, tensor<{{.*}}xbf16>)
func.func @bf16_widened(%x: tensor<8x16xbf16>) -> tensor<8x32xf32> {
  %w = arith.constant dense<0.5> : tensor<16x32xbf16>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %c = linalg.matmul ins(%x, %w : tensor<8x16xbf16>, tensor<16x32xbf16>) outs(%init : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %c : tensor<8x32xf32>
}

// -----

// A batched f16 matmul of two run-time operands: both widened, the batch_matmul kept.
// CHECK-LABEL: func.func @f16_batched
// CHECK-SAME: (%[[A:.*]]: tensor<2x8x16xf16>, %[[B:.*]]: tensor<2x16x32xf16>)
// CHECK: %[[A32:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[A]],
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: %[[B32:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[B]],
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: "tiled.kernel"
// CHECK: "tiled.load"(%[[A32]],
// CHECK: "tiled.load"(%[[B32]],
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xf32>, tensor<{{.*}}xf32>)
// CUDA-LABEL: func.func @f16_batched
// CUDA-NOT: arith.extf
func.func @f16_batched(%a: tensor<2x8x16xf16>, %b: tensor<2x16x32xf16>) -> tensor<2x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
  %c = linalg.batch_matmul ins(%a, %b : tensor<2x8x16xf16>, tensor<2x16x32xf16>) outs(%init : tensor<2x8x32xf32>) -> tensor<2x8x32xf32>
  return %c : tensor<2x8x32xf32>
}

// -----

// Not widened: an f16 matmul that accumulates in f16 (not what graph -> linalg emits, but
// the rewrite would change its sums).
// CHECK-LABEL: func.func @f16_accumulated_in_f16
// CHECK-NOT: arith.extf
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xf16>, tensor<{{.*}}xf16>)
func.func @f16_accumulated_in_f16(%a: tensor<8x16xf16>, %b: tensor<16x32xf16>) -> tensor<8x32xf16> {
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<8x32xf16>
  %init = linalg.fill ins(%zero : f16) outs(%e : tensor<8x32xf16>) -> tensor<8x32xf16>
  %c = linalg.matmul ins(%a, %b : tensor<8x16xf16>, tensor<16x32xf16>) outs(%init : tensor<8x32xf16>) -> tensor<8x32xf16>
  return %c : tensor<8x32xf16>
}
