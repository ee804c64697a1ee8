// RUN: aic-opt %s --plugin %tutorial/qnt_passes.py --split-input-file -p aic-qnt-quantize-weights | FileCheck %s
// RUN: aic-opt %s --plugin %tutorial/qnt_passes.py --split-input-file -p 'aic-qnt-quantize-weights{signed=false}' | FileCheck %s --check-prefix=UNSIGNED

// max |w| = 2.54: scale 0.02 (symmetric i8, zero point 0); the pair feeds the matmul.
// CHECK-LABEL: func.func @matmul_weight
// CHECK-SAME: (%[[X:.*]]: tensor<2x2xf32>)
// CHECK: %[[W:.*]] = "graph.constant"()
// CHECK: %[[Q:.*]] = "qnt.quantize"(%[[W]]) {scale = 2.000000e-02 : f32, zero_point = 0 : i64} : (tensor<2x2xf32>) -> tensor<2x2xi8>
// CHECK: %[[D:.*]] = "qnt.dequantize"(%[[Q]]) {scale = 2.000000e-02 : f32, zero_point = 0 : i64}
// CHECK: %[[M:.*]] = "graph.matmul"(%[[X]], %[[D]])
// CHECK: return %[[M]]
// min -2.54, max 1.0: scale 3.54 / 255, zero point round(2.54 / scale) = 183.
// UNSIGNED-LABEL: func.func @matmul_weight
// UNSIGNED: "qnt.quantize"(%{{.*}}) {scale = 0.0138823{{[0-9]+}} : f32, zero_point = 183 : i64} : (tensor<2x2xf32>) -> tensor<2x2xui8>
func.func @matmul_weight(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = "graph.constant"() {value = dense<[[1.0, -2.54], [0.5, 0.25]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %m = "graph.matmul"(%x, %w) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

// -----
// A weight shared with another op: only the dense's operand is quantized.
// CHECK-LABEL: func.func @dense_shared_weight
// CHECK: %[[W:.*]] = "graph.constant"()
// CHECK: %[[D:.*]] = "qnt.dequantize"
// CHECK: "graph.dense"(%{{.*}}, %[[D]])
// CHECK: "graph.add"(%[[W]], %[[W]])
func.func @dense_shared_weight(%x: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %w = "graph.constant"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %m = "graph.dense"(%x, %w) {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %a = "graph.add"(%w, %w) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m, %a : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----
// A weight that is an argument (not a constant) is left alone; so is an all-zero weight.
// CHECK-LABEL: func.func @negative_not_constant
// CHECK-NOT: qnt.
// CHECK: return
func.func @negative_not_constant(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %m = "graph.matmul"(%x, %w) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

// -----
// CHECK-LABEL: func.func @negative_zero_weight
// CHECK-NOT: qnt.
// CHECK: return
func.func @negative_zero_weight(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = "graph.constant"() {value = dense<0.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %m = "graph.matmul"(%x, %w) : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}
