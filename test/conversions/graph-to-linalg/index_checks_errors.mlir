// RUN: not aic-opt %s -p aic-convert-graph-to-linalg 2>&1 | FileCheck %s

// Constant indices out of range fail the pass at compile time, naming the index and the range.

// CHECK: index_checks_errors.mlir:[[# @LINE + 3]]:8: error: aic-convert-graph-to-linalg: index 10 is out of range [-10, 10)
func.func @constant_out_of_range(%x: tensor<10x4xf32>) -> tensor<2x4xf32> {
  %i = "graph.constant"() {value = dense<[1, 10]> : tensor<2xi64>} : () -> tensor<2xi64>
  %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}
