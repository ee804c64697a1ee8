// RUN: aic-opt %s --split-input-file -p aic-tensor-concat-in-place | FileCheck %s

// Both inputs of a concatenation start as tensor.empty: each producer now writes into the
// slice of the concatenation's tensor it is inserted at (that tensor moved up before the
// first producer).
// CHECK-LABEL: func.func @two_producers
// CHECK-SAME: (%[[A:.*]]: tensor<2x4xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK: %[[CAT:.*]] = tensor.empty() : tensor<5x4xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[CAT]][0, 0] [2, 4] [1, 1]
// CHECK: %[[X:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<2x4xf32>) outs(%[[S0]] : tensor<2x4xf32>)
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[X]] into %[[CAT]][0, 0] [2, 4] [1, 1]
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[I0]][2, 0] [3, 4] [1, 1]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<3x4xf32>) outs(%[[S1]] : tensor<3x4xf32>)
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[Y]] into %[[I0]][2, 0] [3, 4] [1, 1]
// CHECK: return %[[I1]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @two_producers(%a: tensor<2x4xf32>, %b: tensor<3x4xf32>) -> tensor<5x4xf32> {
  %ea = tensor.empty() : tensor<2x4xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<2x4xf32>) outs(%ea : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %eb = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<3x4xf32>) outs(%eb : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<3x4xf32>
  %cat = tensor.empty() : tensor<5x4xf32>
  %i0 = tensor.insert_slice %x into %cat[0, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<5x4xf32>
  %i1 = tensor.insert_slice %y into %i0[2, 0] [3, 4] [1, 1] : tensor<3x4xf32> into tensor<5x4xf32>
  return %i1 : tensor<5x4xf32>
}

// -----

// Through an scf.forall's shared output and reshapes: the slice is reshaped back to the type
// of the empty the kernel wrote into.
// CHECK-LABEL: func.func @through_forall_and_reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x3xf32>,
// CHECK: %[[CAT:.*]] = tensor.empty() : tensor<1x4x2x3xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %[[X]] into %[[CAT]][0, 0, 0, 0]
// CHECK: %[[S:.*]] = tensor.extract_slice %[[I0]][0, 2, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : tensor<1x4x2x3xf32> to tensor<1x2x2x3xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1], [2, 3]] : tensor<1x2x2x3xf32> into tensor<2x6xf32>
// CHECK: scf.forall {{.*}} shared_outs(%{{.*}} = %[[FLAT]])
func.func @through_forall_and_reshapes(%x: tensor<1x2x2x3xf32>, %z: tensor<2x6xf32>) -> tensor<1x4x2x3xf32> {
  %e = tensor.empty() : tensor<2x6xf32>
  %r = scf.forall (%i) in (2) shared_outs(%o = %e) -> (tensor<2x6xf32>) {
    %row = tensor.extract_slice %z[%i, 0] [1, 6] [1, 1] : tensor<2x6xf32> to tensor<1x6xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %row into %o[%i, 0] [1, 6] [1, 1] : tensor<1x6xf32> into tensor<2x6xf32>
    }
  }
  %y = tensor.expand_shape %r [[0, 1], [2, 3]] output_shape [1, 2, 2, 3] : tensor<2x6xf32> into tensor<1x2x2x3xf32>
  %cat = tensor.empty() : tensor<1x4x2x3xf32>
  %i0 = tensor.insert_slice %x into %cat[0, 0, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : tensor<1x2x2x3xf32> into tensor<1x4x2x3xf32>
  %i1 = tensor.insert_slice %y into %i0[0, 2, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : tensor<1x2x2x3xf32> into tensor<1x4x2x3xf32>
  return %i1 : tensor<1x4x2x3xf32>
}

// -----

// A concatenation of a concatenation (DenseNet): the inner one's tensor becomes a slice of the
// outer one's, so both inputs land in the outer tensor.
// CHECK-LABEL: func.func @nested
// CHECK: %[[OUTER:.*]] = tensor.empty() : tensor<6x4xf32>
// CHECK: %[[INNER:.*]] = tensor.extract_slice %[[OUTER]][0, 0] [4, 4] [1, 1]
// CHECK: tensor.extract_slice %[[INNER]][0, 0] [2, 4] [1, 1]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @nested(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>, %c: tensor<2x4xf32>) -> tensor<6x4xf32> {
  %ea = tensor.empty() : tensor<2x4xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<2x4xf32>) outs(%ea : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %inner = tensor.empty() : tensor<4x4xf32>
  %j0 = tensor.insert_slice %x into %inner[0, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<4x4xf32>
  %j1 = tensor.insert_slice %b into %j0[2, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<4x4xf32>
  %outer = tensor.empty() : tensor<6x4xf32>
  %k0 = tensor.insert_slice %j1 into %outer[0, 0] [4, 4] [1, 1] : tensor<4x4xf32> into tensor<6x4xf32>
  %k1 = tensor.insert_slice %c into %k0[4, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<6x4xf32>
  return %k1 : tensor<6x4xf32>
}

// -----

// One empty (CSE-merged) that two kernels write: only the use on the inserted value's chain
// becomes the slice; the other kernel keeps the empty.
// CHECK-LABEL: func.func @negative_shared_empty_other_use
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[CAT:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[CAT]][0, 0] [2, 4] [1, 1]
// CHECK: linalg.generic {{.*}} outs(%[[S]] : tensor<2x4xf32>)
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<2x4xf32>)
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @negative_shared_empty_other_use(%a: tensor<2x4xf32>) -> (tensor<4x4xf32>, tensor<2x4xf32>) {
  %e = tensor.empty() : tensor<2x4xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %cat = tensor.empty() : tensor<4x4xf32>
  %i0 = tensor.insert_slice %x into %cat[0, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<4x4xf32>
  %i1 = tensor.insert_slice %a into %i0[2, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<4x4xf32>
  return %i1, %y : tensor<4x4xf32>, tensor<2x4xf32>
}

// -----

// A dynamic offset: the insert is left as it is.
// CHECK-LABEL: func.func @negative_dynamic_offset
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: linalg.generic {{.*}} outs(%[[E]] : tensor<2x4xf32>)
// CHECK-NOT: tensor.extract_slice
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @negative_dynamic_offset(%a: tensor<2x4xf32>, %at: index) -> tensor<5x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x4xf32>
  %cat = tensor.empty() : tensor<5x4xf32>
  %i0 = tensor.insert_slice %x into %cat[%at, 0] [2, 4] [1, 1] : tensor<2x4xf32> into tensor<5x4xf32>
  return %i0 : tensor<5x4xf32>
}
