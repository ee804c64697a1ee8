// An IRDL verifier failure is one error line naming the op and the field that failed.
// RUN: not aic-opt %s --plugin %examples/plugin/toy_plugin.py 2>&1 | FileCheck %s

// CHECK: irdl-errors.mlir:[[# @LINE + 4]]:8: error: 'toy.scale' op attribute 'factor': expected base attribute 'builtin.float' but got 'builtin.integer'
// CHECK-NEXT: note: see current operation:
// CHECK-NOT: error
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "toy.scale"(%a) {factor = 2 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
