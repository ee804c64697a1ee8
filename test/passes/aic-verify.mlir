// RUN: aic-opt %s --split-input-file --no-verify-aic -p aic-verify --verify-diagnostics

// The pass reports semantic errors IRDL cannot state, one per problem, at the op.
func.func @bad_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'graph.transpose' op}}
  %r = "graph.transpose"(%x) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

func.func @two_problems(%x: tensor<2x3xf32>, %y: tensor<4xf32>) -> (tensor<2x3xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'graph.add' op}}
  %a = "graph.add"(%x, %y) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  // expected-error @+1 {{'graph.reduce' op}}
  %b = "graph.reduce"(%y) {axes = array<i64: 3>, keepdims = true, kind = "sum"} : (tensor<4xf32>) -> tensor<4xf32>
  return %a, %b : tensor<2x3xf32>, tensor<4xf32>
}

// -----

// negative_: valid IR passes untouched.
func.func @negative_valid(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %r = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}
