// Round trip of graph.bitwise (ops_bitwise.py).
// RUN: aic-opt %s --split-input-file | aic-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @shift(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xui8>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<ui8>
// CHECK:         %[[R:[^ :]*]] = "graph.bitwise"(%[[A]], %[[B]]) {kind = "shl"} : (tensor<4xui8>, tensor<ui8>) -> tensor<4xui8>
// CHECK:         return %[[R]] :
func.func @shift(%a: tensor<4xui8>, %b: tensor<ui8>) -> tensor<4xui8> {
  %r = "graph.bitwise"(%a, %b) {kind = "shl"} : (tensor<4xui8>, tensor<ui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @xor(
// CHECK:         "graph.bitwise"(%{{.*}}, %{{.*}}) {kind = "xor"} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
func.func @xor(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %r = "graph.bitwise"(%a, %b) {kind = "xor"} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @bitcast(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.bitcast"(%[[X]]) : (tensor<2x3xf32>) -> tensor<2x3xi32>
// CHECK:         return %[[R]] :
func.func @bitcast(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  %r = "graph.bitcast"(%x) : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}
