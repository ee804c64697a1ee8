// RUN: aic-opt %s -p "aic-convert-graph-to-linalg{check-indices=false}" --split-input-file | FileCheck %s
// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s --check-prefix=CHECKS

// gather_nd: index column j (an extract_slice) gives coordinate j; x is read with tensor.extract.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x4xf32>, %[[I:[^:]*]]: tensor<5x2xi64>
// CHECK:         %[[C0:.*]] = tensor.extract_slice %[[I]][0, 0] [5, 1] [1, 1]
// CHECK:         %[[C1:.*]] = tensor.extract_slice %[[I]][0, 1] [5, 1] [1, 1]
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK:           tensor.extract %[[X]][
// CHECK-NOT:     graph.
// CHECKS-LABEL: module attributes {aic.index_checks = {gather_nd = [{node = "graph.gather_nd", size = 2 : i64}, {node = "graph.gather_nd", size = 3 : i64}]}}
func.func @gather_nd(%x: tensor<2x3x4xf32>, %i: tensor<5x2xi64>) -> tensor<5x4xf32> {
  %r = "graph.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<2x3x4xf32>, tensor<5x2xi64>) -> tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}

// -----

// scatter_nd: a reduction over the index rows; the accumulator starts as x's element (the
// init is tensor.empty: x is only read); a row hits when its target is the result position.
// CHECK-LABEL: func.func @scatter_nd
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x3xf32>, %[[I:[^:]*]]: tensor<2x1xi64>, %[[U:[^:]*]]: tensor<2x3xf32>
// CHECK:         %[[INIT:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins({{.*}}%[[X]]{{.*}}) outs(%[[INIT]] : tensor<4x3xf32>)
// CHECK:           ^bb0(%{{.*}}: i64, %[[UPD:[^:]*]]: f32, %[[XV:[^:]*]]: f32, %{{.*}}: i64, %{{.*}}: i64, %[[ACC:[^:]*]]: f32):
// CHECK:           %[[HIT:.*]] = arith.cmpi eq
// CHECK:           %[[FIRST:.*]] = arith.cmpi eq
// CHECK:           %[[START:.*]] = arith.select %[[FIRST]], %[[XV]], %[[ACC]] : f32
// CHECK:           %[[SUM:.*]] = arith.addf %[[START]], %[[UPD]] : f32
// CHECK:           arith.select %[[HIT]], %[[SUM]], %[[START]] : f32
// CHECK:         return %[[R]]
func.func @scatter_nd(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %r = "graph.scatter_nd"(%x, %i, %u) {reduction = "add"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// scatter_elements: indices smaller than x off the axis -> positions past them never hit
// (a bounds compare); indices and updates are read with tensor.extract; reduction = none
// selects the update itself.
// CHECK-LABEL: func.func @scatter_elements
// CHECK-SAME:    %[[X:[^:]*]]: tensor<3x5xf32>, %[[I:[^:]*]]: tensor<2x2xi32>, %[[U:[^:]*]]: tensor<2x2xf32>
// CHECK:         %[[G:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[X]]
// CHECK:           tensor.extract %[[I]]
// CHECK:           %[[EQ:.*]] = arith.cmpi eq
// CHECK:           %[[INSIDE:.*]] = arith.cmpi slt
// CHECK:           %[[HIT:.*]] = arith.andi %[[EQ]], %[[INSIDE]] : i1
// CHECK:           %[[START:.*]] = arith.select
// CHECK:           %[[UPD:.*]] = tensor.extract %[[U]]
// CHECK:           %[[NEW:.*]] = arith.select %[[HIT]], %[[UPD]], %[[START]] : f32
// CHECK:           linalg.yield %[[NEW]]
// CHECK:         return %[[G]]
func.func @scatter_elements(%x: tensor<3x5xf32>, %i: tensor<2x2xi32>, %u: tensor<2x2xf32>) -> tensor<3x5xf32> {
  %r = "graph.scatter_elements"(%x, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<3x5xf32>, tensor<2x2xi32>, tensor<2x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// No updates: x unchanged.
// CHECK-LABEL: func.func @scatter_nd_empty
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x3xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[X]]
func.func @scatter_nd_empty(%x: tensor<4x3xf32>, %i: tensor<0x1xi64>, %u: tensor<0x3xf32>) -> tensor<4x3xf32> {
  %r = "graph.scatter_nd"(%x, %i, %u) {reduction = "mul"} : (tensor<4x3xf32>, tensor<0x1xi64>, tensor<0x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}
