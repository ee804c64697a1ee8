// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @constant_keeps_attribute
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @constant_keeps_attribute() -> tensor<2xf32> {
  %c = "graph.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  return %c : tensor<2xf32>
}
