// Round trip of the data-sized ops (ops_selection.py): each parses, verifies, prints, parses again.
// RUN: aic-opt %s --split-input-file | aic-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @non_max_suppression(
// CHECK-SAME:    %[[B:[^:]*]]: tensor<2x6x4xf32>
// CHECK-SAME:    %[[S:[^:]*]]: tensor<2x3x6xf32>
// CHECK-SAME:    %[[M:[^:]*]]: tensor<i64>
// CHECK-SAME:    %[[T:[^:]*]]: tensor<f32>
// CHECK:         %[[R:[^ :]*]] = "graph.non_max_suppression"(%[[B]], %[[S]], %[[M]], %[[T]]) {center_point_box = true} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
// CHECK:         return %[[R]] :
func.func @non_max_suppression(%b: tensor<2x6x4xf32>, %s: tensor<2x3x6xf32>, %m: tensor<i64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  %r = "graph.non_max_suppression"(%b, %s, %m, %t) {center_point_box = true} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// -----

// CHECK-LABEL: func.func @unique_axis(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4x3xi32>
// CHECK:         %[[R:[^ :]*]]:4 = "graph.unique"(%[[X]]) {axis = 1 : i64, sorted = false} : (tensor<2x4x3xi32>) -> (tensor<2x?x3xi32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
// CHECK:         return %[[R]]#0, %[[R]]#2 :
func.func @unique_axis(%x: tensor<2x4x3xi32>) -> (tensor<2x?x3xi32>, tensor<4xi64>) {
  %y, %i, %inv, %c = "graph.unique"(%x) {axis = 1 : i64, sorted = false} : (tensor<2x4x3xi32>) -> (tensor<2x?x3xi32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %y, %inv : tensor<2x?x3xi32>, tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @nonzero(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x5xi1>
// CHECK:         %[[R:[^ :]*]] = "graph.nonzero"(%[[X]]) : (tensor<2x5xi1>) -> tensor<2x?xi64>
// CHECK:         return %[[R]] :
func.func @nonzero(%x: tensor<2x5xi1>) -> tensor<2x?xi64> {
  %r = "graph.nonzero"(%x) : (tensor<2x5xi1>) -> tensor<2x?xi64>
  return %r : tensor<2x?xi64>
}
