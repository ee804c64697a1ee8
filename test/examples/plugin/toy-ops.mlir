// The toy dialect from examples/plugin round-trips, is rejected without the plugin, and its
// IRDL (from --emit-irdl) loads in stock mlir-opt.
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py | FileCheck %s
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py | aic-opt - --plugin %examples/plugin/toy_plugin.py | FileCheck %s
// RUN: not aic-opt %s 2>&1 | FileCheck %s --check-prefix=NO-PLUGIN
// RUN: aic-opt --emit-irdl --plugin %examples/plugin/toy_plugin.py | FileCheck %s --check-prefix=IRDL

// CHECK-LABEL: func.func @ops
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>)
// CHECK: %[[C:.*]] = "toy.constant"() {value = dense<1.500000e+00> : tensor<4xf32>}
// CHECK: %[[S:.*]] = "toy.scale"(%[[X]]) {factor = 2.000000e+00 : f32}
// CHECK: %[[A:.*]] = "toy.add"(%[[S]], %[[C]])
// CHECK: return %[[A]]
func.func @ops(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %c = "toy.constant"() {value = dense<1.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = "toy.scale"(%x) {factor = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %a = "toy.add"(%s, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// NO-PLUGIN: toy-ops.mlir:[[# @LINE - 6]]:{{[0-9]+}}: error: {{.*}}unregistered dialect
// NO-PLUGIN-NOT: Traceback

// IRDL: irdl.dialect @toy {
// IRDL: irdl.operation @constant {
// IRDL: irdl.operation @scale {
// IRDL: irdl.operation @add {
