// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s
// RUN: aic-opt %s -p "aic-convert-graph-to-linalg{check-indices=false}" --split-input-file | FileCheck %s --check-prefix=OFF

// Data-dependent indices wrap once, then clamp to [0, size): no read is ever out of bounds.
// A function reading at data-dependent indices returns its status last: min and max of each
// checked index tensor, described by the module's aic.index_checks.

// CHECK: module attributes {aic.index_checks = {gather = [{node = "emb(Gather)", size = 10 : i64}]}}
// CHECK-LABEL: func.func @gather
// CHECK-SAME: -> (tensor<3x4xf32>, tensor<2xi64> {aic.name = "aic.status"})
// CHECK-DAG: %[[MAX:.*]] = arith.constant 9223372036854775807 : i64
// CHECK-DAG: %[[MIN:.*]] = arith.constant -9223372036854775808 : i64
// CHECK-DAG: %[[HI:.*]] = linalg.fill ins(%[[MIN]] : i64)
// CHECK-DAG: %[[LO:.*]] = linalg.fill ins(%[[MAX]] : i64)
// CHECK: %[[B:.*]]:2 = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%{{.*}} : tensor<3xi64>) outs(%[[LO]], %[[HI]] : tensor<i64>, tensor<i64>)
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: linalg.generic
// CHECK: %[[NEG:.*]] = arith.cmpi slt, %[[I:.*]], %{{.*}} : index
// CHECK: %[[WRAPPED:.*]] = arith.addi %[[I]]
// CHECK: %[[SEL:.*]] = arith.select %[[NEG]], %[[WRAPPED]], %[[I]]
// CHECK: %[[LOW:.*]] = arith.maxsi %[[SEL]]
// CHECK: %[[POS:.*]] = arith.minsi %[[LOW]]
// CHECK: tensor.extract %{{.*}}[%[[POS]], %{{.*}}]
// CHECK: %[[L:.*]] = tensor.extract %[[B]]#0[]
// CHECK: %[[H:.*]] = tensor.extract %[[B]]#1[]
// CHECK: %[[S:.*]] = tensor.from_elements %[[L]], %[[H]] : tensor<2xi64>
// CHECK: return %{{.*}}, %[[S]]
// OFF-LABEL: func.func @gather
// OFF-SAME: -> tensor<3x4xf32>
// OFF-NOT: aic.status
func.func @gather(%x: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<3x4xf32> {
  %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32> loc("emb(Gather)")
  return %r : tensor<3x4xf32>
}

// -----

// Two checks in one function: one status slot pair each, in program order; i32 indices are
// sign-extended.

// CHECK: aic.index_checks = {two = [{node = "a", size = 10 : i64}, {node = "b", size = 4 : i64}]}
// CHECK-LABEL: func.func @two
// CHECK-SAME: -> (tensor<2x4xf32>, tensor<2x3xf32>, tensor<4xi64> {aic.name = "aic.status"})
// CHECK: arith.extsi %{{.*}} : i32 to i64
// CHECK: tensor.from_elements %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xi64>
func.func @two(%x: tensor<10x4xf32>, %i: tensor<2xi32>, %y: tensor<2x4xf32>, %j: tensor<2x3xi64>) -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2xi32>) -> tensor<2x4xf32> loc("a")
  %s = "graph.gather_elements"(%y, %j) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi64>) -> tensor<2x3xf32> loc("b")
  return %r, %s : tensor<2x4xf32>, tensor<2x3xf32>
}

// -----

// negative_: constant indices in range need no run-time check (no status result).

// CHECK-LABEL: func.func @negative_constant_indices
// CHECK-SAME: -> tensor<2x4xf32>
// CHECK-NOT: aic.status
func.func @negative_constant_indices(%x: tensor<10x4xf32>) -> tensor<2x4xf32> {
  %i = "graph.constant"() {value = dense<[9, -10]> : tensor<2xi64>} : () -> tensor<2xi64>
  %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}
