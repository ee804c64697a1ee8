// The last chunk's error needs IR that aic's verifier would reject on input, hence
// --no-verify-aic; --verify-diagnostics matches that error.
// RUN: aic-opt %s --split-input-file --no-verify-aic --verify-diagnostics -p aic-graph-infer-shapes | FileCheck %s
// Idempotent: a second run changes nothing.
// RUN: aic-opt %s --split-input-file --no-verify-aic --verify-diagnostics -p aic-graph-infer-shapes > %t.once.mlir
// RUN: aic-opt %t.once.mlir --split-input-file -p aic-graph-infer-shapes > %t.twice.mlir
// RUN: diff %t.once.mlir %t.twice.mlir

// A chain: each refined result feeds the next op, and the function signature follows.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME:    -> tensor<2x4xf32>
// CHECK:         %[[S:.*]] = "graph.add"({{.*}}) -> tensor<2x3xf32>
// CHECK:         %[[M:.*]] = "graph.matmul"(%[[S]], {{.*}}) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK:         return %[[M]] : tensor<2x4xf32>
func.func @chain(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %w: tensor<3x4xf32>) -> tensor<?x?xf32> {
  %s = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<?x?xf32>
  %m = "graph.matmul"(%s, %w) : (tensor<?x?xf32>, tensor<3x4xf32>) -> tensor<?x?xf32>
  return %m : tensor<?x?xf32>
}

// -----

// Windows: conv with stride and padding, then max pool with ceil_mode.
// CHECK-LABEL: func.func @conv_pool(
// CHECK-SAME:    -> tensor<1x4x2x2xf32>
// CHECK:         "graph.conv"{{.*}} -> tensor<1x4x4x4xf32>
// CHECK:         "graph.pool"{{.*}} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
func.func @conv_pool(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32> {
  %c = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x?x?x?xf32>
  %p = "graph.pool"(%c) {ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %p : tensor<?x?x?x?xf32>
}

// -----

// Several results: topk is refined result by result, and so is a concat chain.
// CHECK-LABEL: func.func @multi_result(
// CHECK-SAME:    -> (tensor<2x13xf32>, tensor<2x2xi64>)
// CHECK:         "graph.concat"{{.*}} -> tensor<2x13xf32>
// CHECK:         "graph.topk"{{.*}} -> (tensor<2x2xf32>, tensor<2x2xi64>)
func.func @multi_result(%x: tensor<2x8xf32>, %y: tensor<2x5xf32>) -> (tensor<?x?xf32>, tensor<?x?xi64>) {
  %s = "graph.concat"(%x, %y) {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2x5xf32>) -> tensor<?x?xf32>
  %t:2 = "graph.topk"(%s) {axis = -1 : i64, k = 2 : i64, largest = true} : (tensor<?x?xf32>) -> (tensor<?x?xf32>, tensor<?x?xi64>)
  return %s, %t#1 : tensor<?x?xf32>, tensor<?x?xi64>
}

// -----

// Unknown input dims stay unknown; known dims are filled in around them.
// CHECK-LABEL: func.func @dynamic_batch(
// CHECK-SAME:    -> tensor<?x1xf32>
// CHECK:         "graph.dense"{{.*}} -> tensor<?x16xf32>
// CHECK:         "graph.reduce"{{.*}} : (tensor<?x16xf32>) -> tensor<?x1xf32>
func.func @dynamic_batch(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) -> tensor<?x?xf32> {
  %d = "graph.dense"(%x, %w) {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x?xf32>
  %r = "graph.reduce"(%d) {axes = array<i64: 1>, keepdims = true, kind = "sum"} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

// Ops whose result type is not inferable (reshape) keep it; inference resumes after them.
// CHECK-LABEL: func.func @negative_reshape(
// CHECK:         "graph.reshape"{{.*}} -> tensor<?x4xf32>
// CHECK:         "graph.transpose"{{.*}} : (tensor<?x4xf32>) -> tensor<4x?xf32>
func.func @negative_reshape(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %r = "graph.reshape"(%x) : (tensor<2x3x4xf32>) -> tensor<?x4xf32>
  %t = "graph.transpose"(%r) {perm = array<i64: 1, 0>} : (tensor<?x4xf32>) -> tensor<?x?xf32>
  return %t : tensor<?x?xf32>
}

// -----

// Already static types are left alone (nothing to do, the function is unchanged).
// CHECK-LABEL: func.func @negative_static(
// CHECK-SAME:    -> tensor<4x2xf32>
// CHECK:         "graph.transpose"{{.*}} -> tensor<4x2xf32>
func.func @negative_static(%x: tensor<2x4xf32>) -> tensor<4x2xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x4xf32>) -> tensor<4x2xf32>
  return %t : tensor<4x2xf32>
}

// -----

// Call sites follow a refined callee signature, and the caller's ops are refined from the
// call's new result types even though the caller comes first.
// CHECK-LABEL: func.func @caller(
// CHECK-SAME:    -> tensor<3x2xf32>
// CHECK:         %[[C:.*]] = call @callee({{.*}}) : (tensor<2x3xf32>) -> tensor<3x2xf32>
// CHECK:         "graph.unary"(%[[C]]) {{.*}} : (tensor<3x2xf32>) -> tensor<3x2xf32>
// CHECK-LABEL: func.func @callee(
// CHECK-SAME:    -> tensor<3x2xf32>
func.func @caller(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %c = call @callee(%x) : (tensor<2x3xf32>) -> tensor<?x?xf32>
  %u = "graph.unary"(%c) {alpha = 0.0 : f32, beta = 0.0 : f32, fn = "relu"} : (tensor<?x?xf32>) -> tensor<?x?xf32>
  return %u : tensor<?x?xf32>
}
func.func @callee(%x: tensor<2x3xf32>) -> tensor<?x?xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<?x?xf32>
  return %t : tensor<?x?xf32>
}

// -----

// A known dim that contradicts inference is an error, not silently overwritten.
func.func @conflict(%a: tensor<2x3xf32>) -> tensor<?x5xf32> {
  // expected-error @+1 {{aic-graph-infer-shapes: result type tensor<?x5xf32> conflicts with inferred type tensor<2x3xf32>}}
  %s = "graph.unary"(%a) {alpha = 0.0 : f32, beta = 0.0 : f32, fn = "relu"} : (tensor<2x3xf32>) -> tensor<?x5xf32>
  return %s : tensor<?x5xf32>
}
