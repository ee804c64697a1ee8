// RUN: aic-opt %s --split-input-file -p aic-graph-fold-constants | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-graph-fold-constants{max-elements=4}' | FileCheck %s --check-prefix=SMALL

// CHECK-LABEL: func.func @fold_chain
// CHECK-NEXT: %[[C:.*]] = "graph.constant"() {value = dense<{{\[}}[3.000000e+00, 5.000000e+00], [4.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>}
// CHECK-NEXT: return %[[C]]
func.func @fold_chain() -> tensor<2x2xf32> {
  %a = "graph.constant"() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %b = "graph.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %s = "graph.add"(%a, %b) : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %t = "graph.transpose"(%s) {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

// CHECK-LABEL: func.func @fold_multi_result
// CHECK: %[[A:.*]] = "graph.constant"() {value = dense<[3, 2]> : tensor<2xi64>}
// CHECK: %[[B:.*]] = "graph.constant"() {value = dense<[3, 1]> : tensor<2xi64>}
// CHECK-NOT: "graph.topk"
// CHECK: return %[[A]], %[[B]]
func.func @fold_multi_result() -> (tensor<2xi64>, tensor<2xi64>) {
  %a = "graph.constant"() {value = dense<[0, 2, 1, 3]> : tensor<4xi64>} : () -> tensor<4xi64>
  %x, %y = "graph.topk"(%a) {axis = 0 : i64, k = 2 : i64, largest = true} : (tensor<4xi64>) -> (tensor<2xi64>, tensor<2xi64>)
  return %x, %y : tensor<2xi64>, tensor<2xi64>
}

// A constant still used elsewhere stays.
// CHECK-LABEL: func.func @keep_shared_operand
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK: %[[A:.*]] = "graph.constant"() {value = dense<[1.000000e+00, 4.000000e+00]> : tensor<2xf32>}
// CHECK: "graph.mul"(%[[X]], %[[A]])
// CHECK: %[[N:.*]] = "graph.constant"() {value = dense<[-1.000000e+00, -4.000000e+00]> : tensor<2xf32>}
// CHECK: return {{.*}}, %[[N]]
func.func @keep_shared_operand(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %a = "graph.constant"() {value = dense<[1.0, 4.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %m = "graph.mul"(%x, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %n = "graph.unary"(%a) {fn = "neg", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<2xf32>) -> tensor<2xf32>
  return %m, %n : tensor<2xf32>, tensor<2xf32>
}

// -----

// Results above 64 elements become dense_resource blobs, named after their content.
// CHECK-LABEL: func.func @fold_to_resource
// CHECK-NEXT: %[[C:.*]] = "graph.constant"() {value = dense_resource<aic_{{[0-9a-f]+}}> : tensor<10x10xf32>}
// CHECK-NEXT: return %[[C]]
// SMALL-LABEL: func.func @fold_to_resource
// SMALL: "graph.expand"
func.func @fold_to_resource() -> tensor<10x10xf32> {
  %a = "graph.constant"() {value = dense<1.5> : tensor<10x1xf32>} : () -> tensor<10x1xf32>
  %e = "graph.expand"(%a) : (tensor<10x1xf32>) -> tensor<10x10xf32>
  return %e : tensor<10x10xf32>
}
// CHECK: dialect_resources
// CHECK-NEXT: builtin
// CHECK-NEXT: aic_{{[0-9a-f]+}}: "0x04000000{{(0000C03F)+}}"

// -----

// Operands read from dense_resource blobs.
// CHECK-LABEL: func.func @fold_from_resource
// CHECK-NEXT: %[[C:.*]] = "graph.constant"() {value = dense<[0.000000e+00, 2.000000e+00, 4.000000e+00, 6.000000e+00]> : tensor<4xf32>}
// CHECK-NEXT: return %[[C]]
func.func @fold_from_resource() -> tensor<4xf32> {
  %a = "graph.constant"() {value = dense_resource<blob> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = "graph.add"(%a, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000000000000000803F0000004000004040"
    }
  }
#-}

// -----

// CHECK-LABEL: func.func @negative_not_all_constant
// CHECK: "graph.add"
func.func @negative_not_all_constant(%x: tensor<2xf32>) -> tensor<2xf32> {
  %a = "graph.constant"() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %s = "graph.add"(%x, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// Integer division by zero is undefined: leave it to run time.
// CHECK-LABEL: func.func @negative_int_div_by_zero
// CHECK: "graph.div"
func.func @negative_int_div_by_zero() -> tensor<2xi32> {
  %a = "graph.constant"() {value = dense<[4, 5]> : tensor<2xi32>} : () -> tensor<2xi32>
  %b = "graph.constant"() {value = dense<[2, 0]> : tensor<2xi32>} : () -> tensor<2xi32>
  %d = "graph.div"(%a, %b) : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %d : tensor<2xi32>
}

// CHECK-LABEL: func.func @negative_dynamic_result
// CHECK: "graph.reshape"
func.func @negative_dynamic_result() -> tensor<?xf32> {
  %a = "graph.constant"() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %r = "graph.reshape"(%a) : (tensor<2x2xf32>) -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// Integer division truncates toward zero.
// CHECK-LABEL: func.func @int_div_truncates
// CHECK: dense<[-2, 2, -2]> : tensor<3xi64>
func.func @int_div_truncates() -> tensor<3xi64> {
  %a = "graph.constant"() {value = dense<[-7, 7, 7]> : tensor<3xi64>} : () -> tensor<3xi64>
  %b = "graph.constant"() {value = dense<[3, 3, -3]> : tensor<3xi64>} : () -> tensor<3xi64>
  %d = "graph.div"(%a, %b) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  return %d : tensor<3xi64>
}
