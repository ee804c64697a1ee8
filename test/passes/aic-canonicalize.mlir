// aic-canonicalize: upstream canonicalize, then fold/canonicalize hooks, dead-code removal and
// CSE of ops declared pure (graph ops, the toy plugin's ops). Upstream canonicalize,cse alone
// leave them all in place (IRDL ops have no traits, not even Pure).
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --allow-unregistered-dialect --split-input-file -p aic-canonicalize | FileCheck %s
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --allow-unregistered-dialect --split-input-file -p canonicalize,cse | FileCheck %s --check-prefix=UPSTREAM
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --allow-unregistered-dialect --split-input-file -p 'aic-canonicalize{cse=false}' | FileCheck %s --check-prefix=NOCSE
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --allow-unregistered-dialect --split-input-file -p 'func.func(aic-canonicalize)' | FileCheck %s --check-prefix=NESTED

// Unused pure plugin ops go, a dead chain in one run.
// CHECK-LABEL: func.func @dead_toy_chain
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
// UPSTREAM-LABEL: func.func @dead_toy_chain
// UPSTREAM-COUNT-2: "toy.
func.func @dead_toy_chain(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = "toy.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %a = "toy.add"(%x, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %x : tensor<4xf32>
}

// -----
// Unused graph ops go too, constants and multi-result ops included.
// CHECK-LABEL: func.func @dead_graph_ops
// CHECK-NOT: "graph.
// CHECK: return
// UPSTREAM-LABEL: func.func @dead_graph_ops
// UPSTREAM: "graph.constant"
func.func @dead_graph_ops(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = "graph.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %a = "graph.mul"(%x, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %v, %i = "graph.topk"(%a) {axis = 0 : i64, k = 2 : i64, largest = true} : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xi64>)
  return %x : tensor<4xf32>
}

// -----
// Identical pure ops (name, operands, attributes, result types) become one, and the hooks
// then see add(a, a) (it becomes a scale, and the scale of a scale one scale).
// CHECK-LABEL: func.func @duplicate_toy_ops
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[S:.*]] = "toy.scale"(%[[X]]) {factor = 6.000000e+00 : f32}
// CHECK-NEXT: return %[[S]]
// NOCSE-LABEL: func.func @duplicate_toy_ops
// NOCSE-COUNT-2: "toy.scale"(%{{.*}}) {factor = 3.000000e+00 : f32}
// NOCSE-NEXT: "toy.add"
func.func @duplicate_toy_ops(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "toy.scale"(%x) {factor = 3.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "toy.scale"(%x) {factor = 3.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %s = "toy.add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----
// Graph duplicates merge; ops differing in an attribute do not.
// CHECK-LABEL: func.func @duplicate_graph_ops
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[E:.*]] = "graph.unary"(%[[X]]) {{.*}}fn = "exp"
// CHECK-NEXT: %[[T:.*]] = "graph.unary"(%[[X]]) {{.*}}fn = "tanh"
// CHECK-NEXT: %[[S:.*]] = "graph.add"(%[[E]], %[[E]])
// CHECK-NEXT: %[[R:.*]] = "graph.add"(%[[S]], %[[T]])
// CHECK-NEXT: return %[[R]]
func.func @duplicate_graph_ops(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %t = "graph.unary"(%x) {fn = "tanh", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %s = "graph.add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %r = "graph.add"(%s, %t) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----
// A duplicate inside a graph.fused body reuses the op above it (the body sees values from
// above); the fused op itself has a region and is never merged.
// CHECK-LABEL: func.func @duplicate_in_fused_body
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[E:.*]] = "graph.unary"(%[[X]])
// CHECK-NEXT: %[[F:.*]] = "graph.fused"() ({
// CHECK-NEXT: %[[S:.*]] = "graph.add"(%[[E]], %[[E]])
// CHECK-NEXT: gpu.yield %[[S]]
func.func @duplicate_in_fused_body(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %f = "graph.fused"() ({
    %e2 = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
    %s = "graph.add"(%e, %e2) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "gpu.yield"(%s) : (tensor<4xf32>) -> ()
  }) {kind = "exp_add"} : () -> tensor<4xf32>
  return %e, %f : tensor<4xf32>, tensor<4xf32>
}

// -----
// The Python hooks: fold (scale by 1.0 is the operand) and canonicalize (a scale of a scale is
// one scale; add(x, x) is scale(x, 2.0)).
// CHECK-LABEL: func.func @hooks
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[S:.*]] = "toy.scale"(%[[X]]) {factor = 1.200000e+01 : f32}
// CHECK-NEXT: return %[[S]]
func.func @hooks(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = "toy.scale"(%x) {factor = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %d = "toy.add"(%one, %one) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s = "toy.scale"(%d) {factor = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----
// Upstream canonicalize runs first: arith folds, and what it leaves dead among aic ops goes.
// Nested in func.func, the upstream part runs on each function.
// CHECK-LABEL: func.func @upstream_first
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: i32)
// CHECK-NEXT: return %[[X]], %[[I]]
// NESTED-LABEL: func.func @upstream_first
// NESTED-SAME: (%[[X:.*]]: tensor<4xf32>, %[[I:.*]]: i32)
// NESTED-NEXT: return %[[X]], %[[I]]
func.func @upstream_first(%x: tensor<4xf32>, %i: i32) -> (tensor<4xf32>, i32) {
  %z = arith.constant 0 : i32
  %j = arith.addi %i, %z : i32
  %u = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %x, %j : tensor<4xf32>, i32
}

// -----
// Ops not declared pure (hw.shared_alloc allocates) are neither erased nor merged, and a pure
// op used by an unknown op stays.
// CHECK-LABEL: func.func @negative_not_pure
// CHECK-COUNT-2: "hw.shared_alloc"
// CHECK: scf.if
// CHECK-NEXT: "toy.constant"
func.func @negative_not_pure(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %s1 = "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
  %s2 = "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
  scf.if %c {
    %k = "toy.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
    "test.use"(%k) : (tensor<4xf32>) -> ()
  }
  return %x : tensor<4xf32>
}
