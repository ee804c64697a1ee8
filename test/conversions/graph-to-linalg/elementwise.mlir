// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : {{.*}}) outs(%[[E]] : {{.*}})
// CHECK: arith.addf
// CHECK-NOT: graph.
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %r = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @div_int_truncates
// CHECK: arith.divsi
func.func @div_int_truncates(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %r = "graph.div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @max_propagates_nan
// CHECK: arith.maximumf
func.func @max_propagates_nan(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = "graph.max"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @compare_ne_unordered
// CHECK: arith.cmpf une
// CHECK: -> tensor<4xi1>
func.func @compare_ne_unordered(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xi1> {
  %r = "graph.compare"(%a, %b) {predicate = "ne"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @round_half_even
// CHECK: math.roundeven
func.func @round_half_even(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = "graph.unary"(%x) {fn = "round", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_f32_to_i64
// CHECK: arith.fptosi %{{.*}} : f32 to i64
func.func @cast_f32_to_i64(%x: tensor<4xf32>) -> tensor<4xi64> {
  %r = "graph.cast"(%x) : (tensor<4xf32>) -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @where_select
// CHECK: linalg.generic
// CHECK: arith.select
func.func @where_select(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<f32>) -> tensor<4xf32> {
  %r = "graph.where"(%c, %x, %y) : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
