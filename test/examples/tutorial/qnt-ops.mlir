// The tutorial's qnt dialect (docs/tutorial/qnt.py) round-trips and is rejected without the
// plugin.
// RUN: aic-opt %s --plugin %tutorial/qnt.py | FileCheck %s
// RUN: aic-opt %s --plugin %tutorial/qnt.py | aic-opt - --plugin %tutorial/qnt.py | FileCheck %s
// RUN: not aic-opt %s 2>&1 | FileCheck %s --check-prefix=NO-PLUGIN

// CHECK-LABEL: func.func @ops
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Q:.*]] = "qnt.quantize"(%[[X]]) {scale = 5.000000e-01 : f32, zero_point = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi8>
// CHECK: %[[D:.*]] = "qnt.dequantize"(%[[Q]]) {scale = 5.000000e-01 : f32, zero_point = 3 : i64} : (tensor<2x3xi8>) -> tensor<2x3xf32>
// CHECK: %[[F:.*]] = "qnt.fake_quant"(%[[X]]) {qmax = 255 : i64, qmin = 0 : i64, scale = 2.500000e-01 : f32, zero_point = 0 : i64}
// CHECK: return %[[D]], %[[F]]
func.func @ops(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 3 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 3 : i64} : (tensor<2x3xi8>) -> tensor<2x3xf32>
  %f = "qnt.fake_quant"(%x) {scale = 0.25 : f32, zero_point = 0 : i64, qmin = 0 : i64, qmax = 255 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %d, %f : tensor<2x3xf32>, tensor<2x3xf32>
}

// NO-PLUGIN: qnt-ops.mlir:[[# @LINE - 6]]:{{[0-9]+}}: error: {{.*}}unregistered dialect
// NO-PLUGIN-NOT: Traceback
