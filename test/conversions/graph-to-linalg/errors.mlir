// RUN: not aic-opt %s -p aic-convert-graph-to-linalg 2>&1 | FileCheck %s

// CHECK: {{.*}}errors.mlir:5:8: error: aic-convert-graph-to-linalg: dynamic shapes are not supported
func.func @negative_dynamic_shape(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = "graph.unary"(%x) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
