// RUN: aic-opt %s --split-input-file -p aic-graph-dce | FileCheck %s

// A dead chain goes in one run, constants included.
// CHECK-LABEL: func.func @dead_chain
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: "graph.
// CHECK: return %[[X]]
func.func @dead_chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = "graph.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %a = "graph.mul"(%x, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %b = "graph.unary"(%a) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// One used result keeps a multi-result op.
// CHECK-LABEL: func.func @negative_one_result_used
// CHECK: "graph.topk"
func.func @negative_one_result_used(%x: tensor<4xf32>) -> tensor<2xi64> {
  %a, %b = "graph.topk"(%x) {axis = 0 : i64, k = 2 : i64, largest = true} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xi64>)
  return %b : tensor<2xi64>
}

// -----

// Other dialects' ops are not ours to erase, even when unused; what they use stays.
// CHECK-LABEL: func.func @negative_other_dialects
// CHECK: "graph.constant"
// CHECK: arith.addf
func.func @negative_other_dialects(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = "graph.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %a = arith.addf %x, %c : tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----

// Dead graph ops nested in other ops' regions go too; what the region yields stays.
// CHECK-LABEL: func.func @nested_region
// CHECK: scf.if
// CHECK-NOT: "graph.unary"
// CHECK: "graph.mul"
// CHECK-NEXT: scf.yield
func.func @nested_region(%c: i1, %x: tensor<4xf32>) -> tensor<4xf32> {
  %r = scf.if %c -> tensor<4xf32> {
    %dead = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
    %m = "graph.mul"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    scf.yield %m : tensor<4xf32>
  } else {
    scf.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
