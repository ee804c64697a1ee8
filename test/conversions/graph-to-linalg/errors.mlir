// RUN: not aic-opt %s -p aic-convert-graph-to-linalg 2>&1 | FileCheck %s

// CHECK: {{.*}}errors.mlir:5:8: error: aic-convert-graph-to-linalg: dynamic dims are not supported by this lowering (cannot tell the dynamic dims of the result); give the model's input shapes (--input-shape) to compile it
func.func @negative_unnamed_dynamic_reshape(%x: tensor<?x4xf32>) -> tensor<?x2x2xf32> {
  %r = "graph.reshape"(%x) : (tensor<?x4xf32>) -> tensor<?x2x2xf32>
  return %r : tensor<?x2x2xf32>
}
