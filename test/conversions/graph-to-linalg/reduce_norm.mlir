// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reduce_max_keepdims
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<2x8xf32>) outs(%[[INIT]] : tensor<2xf32>)
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %[[R]] {{.*}} : tensor<2xf32> into tensor<2x1xf32>
func.func @reduce_max_keepdims(%x: tensor<2x8xf32>) -> tensor<2x1xf32> {
  %r = "graph.reduce"(%x) {axes = array<i64: 1>, keepdims = true, kind = "max"} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return %r : tensor<2x1xf32>
}

// -----

// The row max skips NaNs (maxnumf): a NaN still reaches every output through exp and the sum.
// CHECK-LABEL: func.func @softmax_subtracts_max
// CHECK: arith.maxnumf
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax_subtracts_max(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %r = "graph.softmax"(%x) {axis = -1 : i64, log = false} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm_per_channel
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[C:.*]], #[[C]], #[[C]], #[[C]], #{{.*}}]
// CHECK: math.rsqrt
func.func @batch_norm_per_channel(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %r = "graph.batch_norm"(%x, %s, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// An f16 layer norm computes its statistics and normalised values in f32 (ONNX's stash_type
// 1), rounds them to f16, then applies scale and bias in f16 (ONNX's function body).
// CHECK-LABEL: func.func @layer_norm_f16_stashes_in_f32
// CHECK: arith.extf {{.*}} : f16 to f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} outs(%{{.*}} : tensor<2xf32>)
// CHECK: arith.addf {{.*}} : f32
// CHECK: math.rsqrt {{.*}} : f32
// CHECK: arith.truncf {{.*}} : f32 to f16
// CHECK: arith.mulf {{.*}} : f16
// CHECK: arith.addf {{.*}} : f16
func.func @layer_norm_f16_stashes_in_f32(%x: tensor<2x16xf16>, %g: tensor<16xf16>, %b: tensor<16xf16>) -> tensor<2x16xf16> {
  %r = "graph.layer_norm"(%x, %g, %b) {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x16xf16>, tensor<16xf16>, tensor<16xf16>) -> tensor<2x16xf16>
  return %r : tensor<2x16xf16>
}
