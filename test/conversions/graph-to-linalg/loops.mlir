// RUN: aic-opt %s --split-input-file -p aic-convert-graph-to-linalg | FileCheck %s

// Graph ops inside an scf.for body (a recurrence's cell, as the ONNX importer builds it)
// lower in place: the loop, its carried tensors and the dynamic-offset slices stay.
// CHECK-LABEL: func.func @cell_in_time_loop
// CHECK-SAME: (%[[XW:.*]]: tensor<4x2x8xf32>, %[[R:.*]]: tensor<8x8xf32>, %[[H0:.*]]: tensor<2x8xf32>)
// CHECK: scf.for %[[T:.*]] = {{.*}} iter_args(%[[H:.*]] = %[[H0]]) -> (tensor<2x8xf32>)
// CHECK: %[[X:.*]] = tensor.extract_slice %[[XW]][%[[T]], 0, 0] [1, 2, 8] [1, 1, 1]
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[H]], %[[R]] : tensor<2x8xf32>, tensor<8x8xf32>)
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[M]] :
// CHECK: arith.addf
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%[[S]] :
// CHECK: math.tanh
// CHECK: scf.yield %[[A]]
// CHECK-NOT: graph.
func.func @cell_in_time_loop(%xw: tensor<4x2x8xf32>, %r: tensor<8x8xf32>, %h0: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %out = scf.for %t = %c0 to %c4 step %c1 iter_args(%h = %h0) -> (tensor<2x8xf32>) {
    %x = tensor.extract_slice %xw[%t, 0, 0] [1, 2, 8] [1, 1, 1] : tensor<4x2x8xf32> to tensor<2x8xf32>
    %m = "graph.matmul"(%h, %r) : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
    %s = "graph.add"(%x, %m) : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
    %a = "graph.unary"(%s) {fn = "tanh", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
    scf.yield %a : tensor<2x8xf32>
  }
  return %out : tensor<2x8xf32>
}
