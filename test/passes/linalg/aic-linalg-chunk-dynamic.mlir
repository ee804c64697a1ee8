// RUN: aic-opt %s -p "aic-linalg-chunk-dynamic{rows=8,4},canonicalize,cse" --split-input-file | FileCheck %s

// A matmul's dynamic rows: full chunks of each `rows` size in turn (8, then 4 in what is
// left), then the remainder one row at a time.
// CHECK-LABEL: func.func @matmul_rows
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8x16xf32>, %[[C:.*]]: tensor<?x16xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %c0
// CHECK: %[[Q:.*]] = arith.floordivsi %[[M]], %c8
// CHECK: %[[FULL:.*]] = arith.muli %[[Q]], %c8
// CHECK: %[[R1:.*]] = scf.for %[[I:.*]] = %c0 to %[[FULL]] step %c8 iter_args(%[[ACC:.*]] = %[[C]])
// CHECK: %[[AT:.*]] = tensor.extract_slice %[[A]][%[[I]], 0] [8, 8] [1, 1] : tensor<?x8xf32> to tensor<8x8xf32>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[AT]], %[[B]] : tensor<8x8xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK: tensor.insert_slice %[[MM]] into %[[ACC]][%[[I]], 0] [8, 16]
// CHECK: %[[LEFT:.*]] = arith.subi %[[M]], %[[FULL]]
// CHECK: %[[Q4:.*]] = arith.floordivsi %[[LEFT]], %c4
// CHECK: %[[FULL4:.*]] = arith.muli %[[Q4]], %c4
// CHECK: %[[END4:.*]] = arith.addi %[[FULL]], %[[FULL4]]
// CHECK: %[[R2:.*]] = scf.for %{{.*}} = %[[FULL]] to %[[END4]] step %c4 iter_args(%{{.*}} = %[[R1]])
// CHECK: linalg.matmul ins(%{{.*}}, %[[B]] : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK: %[[R3:.*]] = scf.for %{{.*}} = %[[END4]] to %[[M]] step %c1 iter_args(%{{.*}} = %[[R2]])
// CHECK: linalg.matmul ins(%{{.*}}, %[[B]] : tensor<1x8xf32>, tensor<8x16xf32>)
// CHECK: return %[[R3]]
func.func @matmul_rows(%a: tensor<?x8xf32>, %b: tensor<8x16xf32>, %c: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x16xf32>) outs(%c : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}

// -----

// A batch-like dim goes one at a time.
// CHECK-LABEL: func.func @relu_batch
// CHECK: scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1
// CHECK: tensor.extract_slice %{{.*}}[%[[N]], 0, 0, 0] [1, 4, 6, 6]
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x4x6x6xf32>) outs(%{{.*}} : tensor<1x4x6x6xf32>)
// CHECK-NOT: scf.for
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @relu_batch(%x: tensor<?x4x6x6xf32>, %init: tensor<?x4x6x6xf32>) -> tensor<?x4x6x6xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x4x6x6xf32>) outs(%init : tensor<?x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<?x4x6x6xf32>
  return %r : tensor<?x4x6x6xf32>
}

// -----

// A dynamic reduction dim: chunks accumulate into the whole (unsliced) outs.
// CHECK-LABEL: func.func @row_sum
// CHECK-SAME: (%[[X:.*]]: tensor<4x?xf32>, %[[INIT:.*]]: tensor<4xf32>)
// CHECK: %[[R1:.*]] = scf.for %[[K:.*]] = %c0 to %{{.*}} step %c8 iter_args(%[[ACC:.*]] = %[[INIT]])
// CHECK: %[[XT:.*]] = tensor.extract_slice %[[X]][0, %[[K]]] [4, 8]
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[XT]] : tensor<4x8xf32>) outs(%[[ACC]] : tensor<4xf32>)
// CHECK: scf.yield %[[S]]
// CHECK: %[[R2:.*]] = scf.for %{{.*}} step %c4 iter_args(%{{.*}} = %[[R1]])
// CHECK: tensor<4x4xf32>
// CHECK: scf.for %{{.*}} step %c1 iter_args(%{{.*}} = %[[R2]])
// CHECK: tensor<4x1xf32>
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
func.func @row_sum(%x: tensor<4x?xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x?xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Static ops are left alone.
// CHECK-LABEL: func.func @static_untouched
// CHECK-NOT: scf.for
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>)
func.func @static_untouched(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// A contraction's elementwise epilogue (bias add) is chunked in the same loop, right after
// it, so the kernel formers fuse it; the loop carries the epilogue's outs.
#rows = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @matmul_bias
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xf32>, %[[B:.*]]: tensor<8x16xf32>, %[[BIAS:.*]]: tensor<16xf32>, %[[C:.*]]: tensor<?x16xf32>, %[[OUT:.*]]: tensor<?x16xf32>)
// CHECK: scf.for %[[I:.*]] = %c0 to %{{.*}} step %c8 iter_args(%[[ACC:.*]] = %[[OUT]])
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %[[B]] : tensor<8x8xf32>, tensor<8x16xf32>)
// CHECK: %[[EP:.*]] = linalg.generic {{.*}} ins(%[[MM]], %[[BIAS]] : tensor<8x16xf32>, tensor<16xf32>)
// CHECK: tensor.insert_slice %[[EP]] into %[[ACC]][%[[I]], 0] [8, 16]
// CHECK: scf.for
// CHECK: linalg.matmul {{.*}} tensor<4x8xf32>
// CHECK: linalg.generic {{.*}} tensor<4x16xf32>
// CHECK: scf.for
// CHECK: linalg.matmul {{.*}} tensor<1x8xf32>
// CHECK: linalg.generic {{.*}} tensor<1x16xf32>
// CHECK-NOT: linalg.generic
func.func @matmul_bias(%a: tensor<?x8xf32>, %b: tensor<8x16xf32>, %bias: tensor<16xf32>, %c: tensor<?x16xf32>, %out: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<?x8xf32>, tensor<8x16xf32>) outs(%c : tensor<?x16xf32>) -> tensor<?x16xf32>
  %r = linalg.generic {indexing_maps = [#rows, #bias, #rows], iterator_types = ["parallel", "parallel"]} ins(%m, %bias : tensor<?x16xf32>, tensor<16xf32>) outs(%out : tensor<?x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}

// -----

// A batch dim known to be a multiple of a constant (12*batch heads merged by a
// collapse_shape) goes in chunks of that constant, with no remainder loop.
// CHECK-LABEL: func.func @batch_matmul_heads
// CHECK-SAME: (%[[Q:.*]]: tensor<?x3x?x8xf32>, %[[K:.*]]: tensor<?x3x8x?xf32>, %[[C:.*]]: tensor<?x?x?xf32>)
// CHECK: %[[QC:.*]] = tensor.collapse_shape %[[Q]]
// CHECK: %[[BH:.*]] = tensor.dim %[[QC]], %c0
// CHECK: %[[R:.*]] = scf.for %[[H:.*]] = %c0 to %[[BH]] step %c3 iter_args
// CHECK: tensor.extract_slice %[[QC]][%[[H]], 0, 0] [3, %{{.*}}, 8]
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<3x8x8xf32>, tensor<3x8x8xf32>)
// CHECK: return %[[R]]
func.func @batch_matmul_heads(%q: tensor<?x3x?x8xf32>, %k: tensor<?x3x8x?xf32>, %c: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %qc = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<?x3x?x8xf32> into tensor<?x?x8xf32>
  %kc = tensor.collapse_shape %k [[0, 1], [2], [3]] : tensor<?x3x8x?xf32> into tensor<?x8x?xf32>
  %r = linalg.batch_matmul ins(%qc, %kc : tensor<?x?x8xf32>, tensor<?x8x?xf32>) outs(%c : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

// -----

// negative: a batch dim with no known factor still goes one at a time.
// CHECK-LABEL: func.func @negative_batch_matmul_no_factor
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1 iter_args
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<1x8x8xf32>, tensor<1x8x8xf32>)
func.func @negative_batch_matmul_no_factor(%q: tensor<?x?x8xf32>, %k: tensor<?x8x?xf32>, %c: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %r = linalg.batch_matmul ins(%q, %k : tensor<?x?x8xf32>, tensor<?x8x?xf32>) outs(%c : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

// -----

// A row group (a reduction of the rows and the elementwise ops over them: softmax, layer
// norm) is chunked in one loop over whole rows, so each chunk forms one row kernel.
#x = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_group
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>, %[[OUT:.*]]: tensor<?x8xf32>)
// CHECK: scf.for %[[I:.*]] = %c0 to %{{.*}} step %c8 iter_args(%[[ACC:.*]] = %[[OUT]])
// CHECK: %[[XT:.*]] = tensor.extract_slice %[[X]][%[[I]], 0] [8, 8]
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[XT]] : tensor<8x8xf32>) outs(%[[ZERO]] : tensor<8xf32>)
// CHECK: %[[DIV:.*]] = linalg.generic {{.*}} ins(%[[XT]], %[[SUM]] : tensor<8x8xf32>, tensor<8xf32>)
// CHECK: tensor.insert_slice %[[DIV]] into %[[ACC]][%[[I]], 0] [8, 8]
// CHECK: scf.for {{.*}} step %c4
// CHECK: linalg.generic {{.*}} tensor<4x8xf32>
// CHECK: linalg.generic {{.*}} tensor<4x8xf32>
// CHECK: scf.for {{.*}} step %c1
// CHECK: linalg.generic {{.*}} tensor<1x8xf32>
// CHECK: linalg.generic {{.*}} tensor<1x8xf32>
// CHECK-NOT: scf.for
func.func @row_group(%x: tensor<?x8xf32>, %out: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %sum = linalg.generic {indexing_maps = [#x, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x8xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#x, #row, #x], iterator_types = ["parallel", "parallel"]} ins(%x, %sum : tensor<?x8xf32>, tensor<?xf32>) outs(%out : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %q = arith.divf %a, %b : f32
    linalg.yield %q : f32
  } -> tensor<?x8xf32>
  return %r : tensor<?x8xf32>
}

// -----

// negative: a row group whose rows have a dynamic length (softmax over the keys) cannot be
// chunked into whole rows: its ops are chunked each in its own loops.
#x = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @negative_row_group_dynamic_length
// CHECK: scf.for
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<4x8xf32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: scf.yield
// CHECK: scf.for
// CHECK: scf.for
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4xf32>)
func.func @negative_row_group_dynamic_length(%x: tensor<4x?xf32>, %out: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#x, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x?xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#x, #row, #x], iterator_types = ["parallel", "parallel"]} ins(%x, %sum : tensor<4x?xf32>, tensor<4xf32>) outs(%out : tensor<4x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %q = arith.divf %a, %b : f32
    linalg.yield %q : f32
  } -> tensor<4x?xf32>
  return %r : tensor<4x?xf32>
}

// -----

// A generic that reads its own position (a gather's `linalg.index`) along the chunked dim:
// each chunk's index counts from the chunk's start.
// CHECK-LABEL: func.func @index_of_chunked_dim
// CHECK-SAME:    %[[SRC:[^:]*]]: tensor<?x3xi64>
// CHECK:         scf.for %[[IV:.*]] = %{{.*}} to %{{.*}} step %{{.*}}
// CHECK:           linalg.generic
// CHECK:             %[[I:.*]] = linalg.index 0 : index
// CHECK:             %[[ROW:.*]] = arith.addi %[[I]], %[[IV]] : index
// CHECK:             tensor.extract %[[SRC]][%[[ROW]], %{{.*}}] : tensor<?x3xi64>
// CHECK:         scf.for %[[IV4:.*]] = %{{.*}} to %{{.*}} step %[[C4:[^ ]*]]
// CHECK:             arith.addi %{{.*}}, %[[IV4]] : index
// CHECK:         scf.for %[[IV1:.*]] = %{{.*}} to %{{.*}} step %[[C1:[^ ]*]] iter_args
// CHECK:           linalg.generic
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:        tensor.extract %[[SRC]][%[[IV1]], %{{.*}}] : tensor<?x3xi64>
#id = affine_map<(d0) -> (d0)>
func.func @index_of_chunked_dim(%src: tensor<?x3xi64>) -> tensor<?xi64> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %src, %c0 : tensor<?x3xi64>
  %e = tensor.empty(%n) : tensor<?xi64>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%e : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %v = tensor.extract %src[%i, %c2] : tensor<?x3xi64>
    linalg.yield %v : i64
  } -> tensor<?xi64>
  return %r : tensor<?xi64>
}
