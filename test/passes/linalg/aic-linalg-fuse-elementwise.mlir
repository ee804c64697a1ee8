// RUN: aic-opt %s --split-input-file -p aic-linalg-fuse-elementwise | FileCheck %s

// A DAG (x is read by the first and the last op) becomes one generic that reads x once; the
// bias keeps its broadcast map; the bodies follow in program order.
// CHECK-LABEL: func.func @gelu_like
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[BIAS:.*]]: tensor<8xf32>)
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[BCAST:.*]], #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[BIAS]] : tensor<4x8xf32>, tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[E:.*]] = math.erf %[[SUM]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[E]] : f32
// CHECK-NEXT: linalg.yield %[[P]] : f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @gelu_like(%x: tensor<4x8xf32>, %bias: tensor<8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %bias : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %f = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %f : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %p : tensor<4x8xf32>
}

// -----

// A value also used outside the group stays its own op (it must be materialized anyway).
// CHECK-LABEL: func.func @used_outside
// CHECK: %[[S:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[S]] : tensor<4xf32>)
// CHECK: arith.negf
// CHECK: return %[[S]], %[[N]]
#id1 = affine_map<(d0) -> (d0)>
func.func @used_outside(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]} ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %n = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%s : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %s, %n : tensor<4xf32>, tensor<4xf32>
}

// -----

// A reduction is not a member: the elementwise producer stays apart from it.
// CHECK-LABEL: func.func @negative_reduction
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#red = affine_map<(d0, d1) -> (d0)>
func.func @negative_reduction(%x: tensor<4x8xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %x2 = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id2, #red], iterator_types = ["parallel", "reduction"]} ins(%x2 : tensor<4x8xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// An elementwise op reading an expand_shape result moves above it (collapsed operands, its
// per-channel operand renumbered: the unit batch dim may be missing from its group), so it
// meets the matmul; the dead expand is erased.
// CHECK-LABEL: func.func @sink_expand
// CHECK-SAME: (%[[M:.*]]: tensor<4x6xf32>, %[[R:.*]]: tensor<1x4x2x3xf32>, %[[S:.*]]: tensor<4xf32>)
// CHECK-DAG: %[[RC:.*]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1], [2, 3]] : tensor<1x4x2x3xf32> into tensor<4x6xf32>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID:.*]], #[[ID]], #[[ROW:.*]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[M]], %[[RC]], %[[S]] : tensor<4x6xf32>, tensor<4x6xf32>, tensor<4xf32>)
// CHECK: %[[E:.*]] = tensor.expand_shape %[[G]] {{\[\[}}0, 1], [2, 3]] output_shape [1, 4, 2, 3] : tensor<4x6xf32> into tensor<1x4x2x3xf32>
// CHECK: return %[[E]]
#i4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#c4 = affine_map<(d0, d1, d2, d3) -> (d1)>
func.func @sink_expand(%m: tensor<4x6xf32>, %res: tensor<1x4x2x3xf32>, %scale: tensor<4xf32>) -> tensor<1x4x2x3xf32> {
  %x = tensor.expand_shape %m [[0, 1], [2, 3]] output_shape [1, 4, 2, 3] : tensor<4x6xf32> into tensor<1x4x2x3xf32>
  %e = tensor.empty() : tensor<1x4x2x3xf32>
  %r = linalg.generic {indexing_maps = [#i4, #i4, #c4, #i4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %res, %scale : tensor<1x4x2x3xf32>, tensor<1x4x2x3xf32>, tensor<4xf32>) outs(%e : tensor<1x4x2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %t = arith.mulf %s, %c : f32
    linalg.yield %t : f32
  } -> tensor<1x4x2x3xf32>
  return %r : tensor<1x4x2x3xf32>
}

// -----

// A map that splits a group of the reassociation (reads d2 without d3) blocks the move.
// CHECK-LABEL: func.func @negative_sink_split_group
// CHECK: tensor.expand_shape
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]
#j4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#h4 = affine_map<(d0, d1, d2, d3) -> (d2)>
func.func @negative_sink_split_group(%m: tensor<4x6xf32>, %h: tensor<2xf32>) -> tensor<1x4x2x3xf32> {
  %x = tensor.expand_shape %m [[0, 1], [2, 3]] output_shape [1, 4, 2, 3] : tensor<4x6xf32> into tensor<1x4x2x3xf32>
  %e = tensor.empty() : tensor<1x4x2x3xf32>
  %r = linalg.generic {indexing_maps = [#j4, #h4, #j4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %h : tensor<1x4x2x3xf32>, tensor<2xf32>) outs(%e : tensor<1x4x2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x2x3xf32>
  return %r : tensor<1x4x2x3xf32>
}

// -----

// An expanded value with another reader (softmax's max reads the scores too) stays where it
// is: moving one reader would not make the producer's result single-use.
// CHECK-LABEL: func.func @negative_sink_shared_expand
// CHECK: %[[X:.*]] = tensor.expand_shape
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<1x4x6xf32>)
// CHECK: return
#k3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @negative_sink_shared_expand(%m: tensor<4x6xf32>) -> (tensor<1x4x6xf32>, tensor<1x4x6xf32>) {
  %x = tensor.expand_shape %m [[0, 1], [2]] output_shape [1, 4, 6] : tensor<4x6xf32> into tensor<1x4x6xf32>
  %e = tensor.empty() : tensor<1x4x6xf32>
  %r = linalg.generic {indexing_maps = [#k3, #k3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x6xf32>) outs(%e : tensor<1x4x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6xf32>
  return %r, %x : tensor<1x4x6xf32>, tensor<1x4x6xf32>
}

// -----

// A transpose becomes a generic reading its input through the inverse permutation, and
// merges with the elementwise op after it.
// CHECK: #[[PERM:.*]] = affine_map<(d0, d1, d2) -> (d1, d2, d0)>
// CHECK-LABEL: func.func @transpose_then_neg
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[PERM]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[X]] : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[A]] : f32
// CHECK-NEXT: linalg.yield %[[N]] : f32
// CHECK-NOT: linalg.transpose
#t3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @transpose_then_neg(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %e = tensor.empty() : tensor<4x2x3xf32>
  %t = linalg.transpose ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<4x2x3xf32>) permutation = [2, 0, 1]
  %r = linalg.generic {indexing_maps = [#t3, #t3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<4x2x3xf32>) outs(%e : tensor<4x2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<4x2x3xf32>
  return %r : tensor<4x2x3xf32>
}

// -----

// A scalar expanded to 1x1 (no reassociation groups) is left alone.
// CHECK-LABEL: func.func @negative_sink_rank0
// CHECK: tensor.expand_shape
// CHECK: linalg.generic
#q2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @negative_sink_rank0(%m: tensor<f32>) -> tensor<1x1xf32> {
  %x = tensor.expand_shape %m [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
  %e = tensor.empty() : tensor<1x1xf32>
  %r = linalg.generic {indexing_maps = [#q2, #q2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x1xf32>) outs(%e : tensor<1x1xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  } -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}

// -----

// A chain inside an scf.for body (a recurrence's cell in its time loop) fuses like
// straight-line code: one generic per step, the carried value read once.
// CHECK-LABEL: func.func @chain_in_loop_body
// CHECK: scf.for {{.*}} iter_args(%[[H:.*]] = %{{.*}}) -> (tensor<8xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<8xf32>)
// CHECK: math.tanh
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: scf.yield %[[R]]
#v = affine_map<(d0) -> (d0)>
func.func @chain_in_loop_body(%h0: tensor<8xf32>) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty() : tensor<8xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%h = %h0) -> (tensor<8xf32>) {
    %t = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%h : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %y = math.tanh %a : f32
      linalg.yield %y : f32
    } -> tensor<8xf32>
    %m = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]} ins(%t, %h : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %y = arith.mulf %a, %b : f32
      linalg.yield %y : f32
    } -> tensor<8xf32>
    scf.yield %m : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}

// -----

// Dynamic extents: a producer read with the identity map has its consumer's extents, so the
// chain merges as with static shapes.
#dyn = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @dynamic_chain
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[E:.*]]: tensor<?x8xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<?x8xf32>) outs(%[[E]] : tensor<?x8xf32>)
// CHECK: arith.maximumf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @dynamic_chain(%x: tensor<?x8xf32>, %e: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %z = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#dyn, #dyn], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x8xf32>
  %s = linalg.generic {indexing_maps = [#dyn, #dyn], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<?x8xf32>
  return %s : tensor<?x8xf32>
}

// -----

// A dynamic-shape matmul's tokens split back into (batch, seq) by a tensor.reshape: the
// elementwise op (bias, residual) moves above the reshape and runs on the tokens; the
// reshape, to the same shape operand, follows it.
// CHECK-LABEL: func.func @sink_reshape
// CHECK-SAME: (%[[M:.*]]: tensor<?x6xf32>, %[[SHAPE:.*]]: tensor<3xindex>, %[[RES:.*]]: tensor<?x?x6xf32>, %[[B:.*]]: tensor<6xf32>, %[[INIT:.*]]: tensor<?x?x6xf32>)
// CHECK-DAG: %[[RC:.*]] = tensor.collapse_shape %[[RES]] {{\[\[}}0, 1], [2]] : tensor<?x?x6xf32> into tensor<?x6xf32>
// CHECK-DAG: %[[IC:.*]] = tensor.collapse_shape %[[INIT]] {{\[\[}}0, 1], [2]] : tensor<?x?x6xf32> into tensor<?x6xf32>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[M]], %[[RC]], %[[B]] : tensor<?x6xf32>, tensor<?x6xf32>, tensor<6xf32>) outs(%[[IC]] : tensor<?x6xf32>)
// CHECK: %[[R:.*]] = tensor.reshape %[[G]](%[[SHAPE]]) : (tensor<?x6xf32>, tensor<3xindex>) -> tensor<?x?x6xf32>
// CHECK: return %[[R]]
#t3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#n3 = affine_map<(d0, d1, d2) -> (d2)>
func.func @sink_reshape(%m: tensor<?x6xf32>, %shape: tensor<3xindex>, %res: tensor<?x?x6xf32>, %b: tensor<6xf32>, %init: tensor<?x?x6xf32>) -> tensor<?x?x6xf32> {
  %x = tensor.reshape %m(%shape) : (tensor<?x6xf32>, tensor<3xindex>) -> tensor<?x?x6xf32>
  %r = linalg.generic {indexing_maps = [#t3, #t3, #n3, #t3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %res, %b : tensor<?x?x6xf32>, tensor<?x?x6xf32>, tensor<6xf32>) outs(%init : tensor<?x?x6xf32>) {
  ^bb0(%a: f32, %c: f32, %d: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %t = arith.addf %s, %d : f32
    linalg.yield %t : f32
  } -> tensor<?x?x6xf32>
  return %r : tensor<?x?x6xf32>
}

// -----

// negative: a reshape that does more than split the leading dynamic dim stays above.
// CHECK-LABEL: func.func @negative_sink_reshape_not_a_split
// CHECK: tensor.reshape
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]
#u3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @negative_sink_reshape_not_a_split(%m: tensor<?x?xf32>, %shape: tensor<3xindex>, %init: tensor<?x?x6xf32>) -> tensor<?x?x6xf32> {
  %x = tensor.reshape %m(%shape) : (tensor<?x?xf32>, tensor<3xindex>) -> tensor<?x?x6xf32>
  %r = linalg.generic {indexing_maps = [#u3, #u3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<?x?x6xf32>) outs(%init : tensor<?x?x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.negf %a : f32
    linalg.yield %s : f32
  } -> tensor<?x?x6xf32>
  return %r : tensor<?x?x6xf32>
}
