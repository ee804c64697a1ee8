// RUN: aic-opt %s -p "aic-convert-graph-to-linalg,canonicalize,cse" --split-input-file | FileCheck %s

// Dynamic dims: an elementwise op reads its extent from its operand.
// CHECK-LABEL: func.func @unary_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<?x4xf32>) outs(%[[E]] : tensor<?x4xf32>)
func.func @unary_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = "graph.unary"(%x) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// -----

// Named dims (aic.dims) resolve to the arguments' dims: batch*seq rows, one 2-D matmul,
// and the result re-shaped from the same two extents.
// CHECK-LABEL: func.func @matmul_named
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32> {{.*}}, %[[W:.*]]: tensor<8x16xf32>)
// CHECK-DAG: %[[B:.*]] = tensor.dim %[[X]], %c0
// CHECK-DAG: %[[S:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[ROWS:.*]] = arith.muli %[[S]], %[[B]] : index
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x?x8xf32> into tensor<?x8xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[ROWS]]) : tensor<?x16xf32>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[FLAT]], %[[W]] : {{.*}}) outs(%{{.*}} : tensor<?x16xf32>)
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %[[B]], %[[S]], %c16 : tensor<3xindex>
// CHECK: tensor.reshape %[[MM]](%[[SHAPE]])
func.func @matmul_named(%x: tensor<?x?x8xf32> {aic.dims = ["batch", "seq", ""]}, %w: tensor<8x16xf32>) -> tensor<?x?x16xf32> {
  %r = "graph.matmul"(%x, %w) {aic.dims = ["batch", "seq", ""]} : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  return %r : tensor<?x?x16xf32>
}

// -----

// A product of names groups the dims it multiplies.
// CHECK-LABEL: func.func @reshape_product
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<?x?x8xf32> into tensor<?x8xf32>
// CHECK: return %[[R]]
func.func @reshape_product(%x: tensor<?x?x8xf32> {aic.dims = ["batch", "seq", ""]}) -> tensor<?x8xf32> {
  %r = "graph.reshape"(%x) {aic.dims = ["batch*seq", ""]} : (tensor<?x?x8xf32>) -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// A slice of a static buffer to a named dim (position ids [:, :seq]).
// CHECK-LABEL: func.func @slice_to_named
// CHECK-SAME: (%[[IDS:.*]]: tensor<?x?xi64> {{.*}}, %[[BUF:.*]]: tensor<1x64xi64>)
// CHECK: %[[SEQ:.*]] = tensor.dim %[[IDS]], %c1
// CHECK: tensor.extract_slice %[[BUF]][0, 0] [1, %[[SEQ]]] [1, 1] : tensor<1x64xi64> to tensor<1x?xi64>
func.func @slice_to_named(%ids: tensor<?x?xi64> {aic.dims = ["batch", "seq"]}, %buf: tensor<1x64xi64>) -> tensor<1x?xi64> {
  %r = "graph.slice"(%buf) {aic.dims = ["", "seq"], starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<1x64xi64>) -> tensor<1x?xi64>
  return %r : tensor<1x?xi64>
}

// -----

// A convolution over a dynamic batch: a loop over the images, each the static batch-1
// convolution (so its kernels are the specialised model's).
// CHECK-LABEL: func.func @conv_dynamic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x6x6xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %c0
// CHECK: scf.for %[[I:.*]] = %c0 to %[[N]] step %c1 iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<?x4x4x4xf32>)
// CHECK: %[[IMG:.*]] = tensor.extract_slice %[[X]][%[[I]], 0, 0, 0] [1, 2, 6, 6] [1, 1, 1, 1] : tensor<?x2x6x6xf32> to tensor<1x2x6x6xf32>
// CHECK: linalg.matmul
// CHECK: tensor.insert_slice %{{.*}} into %[[ACC]][%[[I]], 0, 0, 0] [1, 4, 4, 4]
func.func @conv_dynamic_batch(%x: tensor<?x2x6x6xf32> {aic.dims = ["batch", "", "", ""]}, %w: tensor<4x2x3x3xf32>) -> tensor<?x4x4x4xf32> {
  %r = "graph.conv"(%x, %w) {aic.dims = ["batch", "", "", ""], dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<?x2x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<?x4x4x4xf32>
  return %r : tensor<?x4x4x4xf32>
}
