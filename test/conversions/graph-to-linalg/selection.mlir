// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// non_max_suppression: loops over batches and classes fill a buffer with room for every box
// (2 x 3 x 6 rows) while counting; the result is its first `count` rows.
// CHECK-LABEL: func.func @non_max_suppression
// CHECK-SAME:    %[[B:[^:]*]]: tensor<2x6x4xf32>, %[[S:[^:]*]]: tensor<2x3x6xf32>, %[[M:[^:]*]]: tensor<i64>
// CHECK:         %[[LIMIT:.*]] = tensor.extract %[[M]][] : tensor<i64>
// CHECK:         arith.maxsi %[[LIMIT]]
// CHECK:         %[[BUF:.*]] = tensor.empty() : tensor<36x3xi64>
// CHECK:         %[[R:.*]]:2 = scf.for {{.*}} iter_args(%{{.*}} = %[[BUF]], %{{.*}} = %{{.*}}) -> (tensor<36x3xi64>, index)
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               tensor.insert
// CHECK:         %[[OUT:.*]] = tensor.extract_slice %[[R]]#0[0, 0] [%[[R]]#1, 3] [1, 1] : tensor<36x3xi64> to tensor<?x3xi64>
// CHECK:         return %[[OUT]]
func.func @non_max_suppression(%b: tensor<2x6x4xf32>, %s: tensor<2x3x6xf32>, %m: tensor<i64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  %r = "graph.non_max_suppression"(%b, %s, %m, %t) {center_point_box = false} : (tensor<2x6x4xf32>, tensor<2x3x6xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// -----

// non_max_suppression with a score threshold: the candidates are the boxes scoring above it.
// CHECK-LABEL: func.func @nms_score_threshold
// CHECK-SAME:    %[[ST:[^:]*]]: tensor<f32>) -> tensor<?x3xi64>
// CHECK:         %[[FLOOR:.*]] = tensor.extract %[[ST]][] : tensor<f32>
// CHECK:         arith.cmpf ogt, %{{.*}}, %[[FLOOR]] : f32
func.func @nms_score_threshold(%b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<i64>, %t: tensor<f32>, %st: tensor<f32>) -> tensor<?x3xi64> {
  %r = "graph.non_max_suppression"(%b, %s, %m, %t, %st) {center_point_box = false} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// -----

// unique along a middle axis: y's leading part is strided in its buffer, so it is copied to
// a dense tensor; indices and counts are leading parts of 1-D buffers; inverse is static.
// CHECK-LABEL: func.func @unique_axis
// CHECK:         %[[R:.*]]:4 = scf.for {{.*}} -> (tensor<2x4x3xi32>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>)
// CHECK:         %[[PART:.*]] = tensor.extract_slice %[[R]]#0[0, 0, 0] [2, %[[U:.*]], 3] [1, 1, 1] : tensor<2x4x3xi32> to tensor<2x?x3xi32>
// CHECK:         %[[DENSE:.*]] = tensor.empty(%[[U]]) : tensor<2x?x3xi32>
// CHECK:         %[[Y:.*]] = linalg.copy {{.*}}ins(%[[PART]] : tensor<2x?x3xi32>) outs(%[[DENSE]] : tensor<2x?x3xi32>)
// CHECK:         %[[I:.*]] = tensor.extract_slice %[[R]]#1[0] [%[[U]]] [1] : tensor<4xi64> to tensor<?xi64>
// CHECK:         %[[C:.*]] = tensor.extract_slice %[[R]]#3[0] [%[[U]]] [1] : tensor<4xi64> to tensor<?xi64>
// CHECK:         return %[[Y]], %[[I]], %[[R]]#2, %[[C]]
func.func @unique_axis(%x: tensor<2x4x3xi32>) -> (tensor<2x?x3xi32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>) {
  %y, %i, %inv, %c = "graph.unique"(%x) {axis = 1 : i64, sorted = true} : (tensor<2x4x3xi32>) -> (tensor<2x?x3xi32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>)
  return %y, %i, %inv, %c : tensor<2x?x3xi32>, tensor<?xi64>, tensor<4xi64>, tensor<?xi64>
}

// -----

// nonzero: one pass over the elements writes each hit's coordinates as the next column.
// CHECK-LABEL: func.func @nonzero
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x5xi1>
// CHECK:         %[[R:.*]]:2 = scf.for {{.*}} -> (tensor<2x10xi64>, index)
// CHECK:           %[[V:.*]] = tensor.extract %[[X]]
// CHECK:           %[[HIT:.*]] = arith.cmpi ne, %[[V]]
// CHECK:           scf.if %[[HIT]]
// CHECK:         %[[PART:.*]] = tensor.extract_slice %[[R]]#0[0, 0] [2, %[[R]]#1] [1, 1] : tensor<2x10xi64> to tensor<2x?xi64>
// CHECK:         linalg.copy {{.*}}ins(%[[PART]]
func.func @nonzero(%x: tensor<2x5xi1>) -> tensor<2x?xi64> {
  %r = "graph.nonzero"(%x) : (tensor<2x5xi1>) -> tensor<2x?xi64>
  return %r : tensor<2x?xi64>
}
