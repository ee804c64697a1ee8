// Broken IR: a one-line error with file:line:col, non-zero exit, no traceback.
// RUN: not aic-opt %s 2>&1 | FileCheck %s

func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: errors.mlir:[[@LINE+1]]:8: error:
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// CHECK-NOT: Traceback
