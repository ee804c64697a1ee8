// Round trip of the indexing ops (ops_index.py): each parses, verifies, prints, parses again.
// RUN: aic-opt %s --split-input-file | aic-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @gather_nd(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x4xf32>
// CHECK-SAME:    %[[I:[^:]*]]: tensor<2x5x1xi64>
// CHECK:         %[[R:[^ :]*]] = "graph.gather_nd"(%[[X]], %[[I]]) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x1xi64>) -> tensor<2x5x4xf32>
// CHECK:         return %[[R]] :
func.func @gather_nd(%x: tensor<2x3x4xf32>, %i: tensor<2x5x1xi64>) -> tensor<2x5x4xf32> {
  %r = "graph.gather_nd"(%x, %i) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x1xi64>) -> tensor<2x5x4xf32>
  return %r : tensor<2x5x4xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_nd(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x3xf32>
// CHECK-SAME:    %[[I:[^:]*]]: tensor<2x1xi64>
// CHECK-SAME:    %[[U:[^:]*]]: tensor<2x3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.scatter_nd"(%[[X]], %[[I]], %[[U]]) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK:         return %[[R]] :
func.func @scatter_nd(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %r = "graph.scatter_nd"(%x, %i, %u) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_elements(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<3x5xf32>
// CHECK-SAME:    %[[I:[^:]*]]: tensor<2x2xi32>
// CHECK-SAME:    %[[U:[^:]*]]: tensor<2x2xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.scatter_elements"(%[[X]], %[[I]], %[[U]]) {axis = 1 : i64, reduction = "none"} : (tensor<3x5xf32>, tensor<2x2xi32>, tensor<2x2xf32>) -> tensor<3x5xf32>
// CHECK:         return %[[R]] :
func.func @scatter_elements(%x: tensor<3x5xf32>, %i: tensor<2x2xi32>, %u: tensor<2x2xf32>) -> tensor<3x5xf32> {
  %r = "graph.scatter_elements"(%x, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<3x5xf32>, tensor<2x2xi32>, tensor<2x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @grid_sample(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x2x4x4xf32>
// CHECK-SAME:    %[[G:[^:]*]]: tensor<1x3x5x2xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.grid_sample"(%[[X]], %[[G]]) {align_corners = true, mode = "cubic", padding_mode = "reflection"} : (tensor<1x2x4x4xf32>, tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32>
// CHECK:         return %[[R]] :
func.func @grid_sample(%x: tensor<1x2x4x4xf32>, %g: tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32> {
  %r = "graph.grid_sample"(%x, %g) {align_corners = true, mode = "cubic", padding_mode = "reflection"} : (tensor<1x2x4x4xf32>, tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32>
  return %r : tensor<1x2x3x5xf32>
}
