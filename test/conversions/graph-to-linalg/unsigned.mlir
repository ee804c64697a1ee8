// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// Unsigned element types: unsigned arith ops, then every uiN becomes iN (signatures too).

// CHECK-LABEL: func.func @div_ui32
// CHECK-SAME: (%{{.*}}: tensor<4xi32>, %{{.*}}: tensor<4xi32>) -> tensor<4xi32>
// CHECK: linalg.generic
// CHECK: arith.divui
// CHECK-NOT: ui32
func.func @div_ui32(%a: tensor<4xui32>, %b: tensor<4xui32>) -> tensor<4xui32> {
  %r = "graph.div"(%a, %b) : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %r : tensor<4xui32>
}

// -----

// CHECK-LABEL: func.func @mod_max_ui8
// CHECK: arith.remui
// CHECK-NOT: arith.select
// CHECK: arith.maxui
func.func @mod_max_ui8(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %m = "graph.mod"(%a, %b) {fmod = false} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %r = "graph.max"(%m, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @less_ui64
// CHECK-SAME: (%{{.*}}: tensor<4xi64>, %{{.*}}: tensor<4xi64>) -> tensor<4xi1>
// CHECK: arith.cmpi ult
func.func @less_ui64(%a: tensor<4xui64>, %b: tensor<4xui64>) -> tensor<4xi1> {
  %r = "graph.compare"(%a, %b) {predicate = "lt"} : (tensor<4xui64>, tensor<4xui64>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @casts_ui8
// CHECK: arith.uitofp %{{.*}} : i8 to f32
// CHECK: arith.extui %{{.*}} : i8 to i64
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @casts_ui8(%x: tensor<4xui8>, %f: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi64>, tensor<4xui8>) {
  %a = "graph.cast"(%x) : (tensor<4xui8>) -> tensor<4xf32>
  %b = "graph.cast"(%x) : (tensor<4xui8>) -> tensor<4xi64>
  %c = "graph.cast"(%f) : (tensor<4xf32>) -> tensor<4xui8>
  return %a, %b, %c : tensor<4xf32>, tensor<4xi64>, tensor<4xui8>
}

// -----

// CHECK-LABEL: func.func @constant_ui8
// CHECK: arith.constant dense<[-1, 1]> : tensor<2xi8>
func.func @constant_ui8() -> tensor<2xui8> {
  %c = "graph.constant"() {value = dense<[255, 1]> : tensor<2xui8>} : () -> tensor<2xui8>
  return %c : tensor<2xui8>
}

// -----

// CHECK-LABEL: func.func @reduce_min_ui16
// CHECK: %[[INIT:.*]] = arith.constant -1 : i16
// CHECK: linalg.fill ins(%[[INIT]] : i16)
// CHECK: arith.minui
func.func @reduce_min_ui16(%x: tensor<2x8xui16>) -> tensor<2x1xui16> {
  %r = "graph.reduce"(%x) {axes = array<i64: 1>, keepdims = true, kind = "min"} : (tensor<2x8xui16>) -> tensor<2x1xui16>
  return %r : tensor<2x1xui16>
}

// -----

// CHECK-LABEL: func.func @maxpool_ui8
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i8
// CHECK: linalg.fill ins(%[[ZERO]] : i8)
// CHECK-NOT: linalg.pooling_nchw_max
// CHECK: linalg.generic
// CHECK: arith.maxui
func.func @maxpool_ui8(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  %r = "graph.pool"(%x) {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8>
  return %r : tensor<1x1x2x2xui8>
}

// -----

// CHECK-LABEL: func.func @negative_div_i32_stays_signed
// CHECK: arith.divsi
// CHECK-NOT: arith.divui
func.func @negative_div_i32_stays_signed(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  %r = "graph.div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}
