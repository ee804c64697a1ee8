// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @and_broadcast
// CHECK:         linalg.generic
// CHECK:           %[[R:.*]] = arith.andi %{{.*}}, %{{.*}} : i32
// CHECK:           linalg.yield %[[R]]
func.func @and_broadcast(%a: tensor<2x3xi32>, %b: tensor<3xi32>) -> tensor<2x3xi32> {
  %r = "graph.bitwise"(%a, %b) {kind = "and"} : (tensor<2x3xi32>, tensor<3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// Unsigned shr is logical; an amount >= the width (unsigned compare) gives 0.
// CHECK-LABEL: func.func @shr_unsigned
// CHECK:         ^bb0(%[[A:[^:]*]]: i8, %[[B:[^:]*]]: i8, %{{.*}}: i8):
// CHECK:           %[[INSIDE:.*]] = arith.cmpi ult, %[[B]], %{{.*}} : i8
// CHECK:           %[[S:.*]] = arith.shrui %[[A]], %[[B]] : i8
// CHECK:           %[[R:.*]] = arith.select %[[INSIDE]], %[[S]], %{{.*}} : i8
func.func @shr_unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %r = "graph.bitwise"(%a, %b) {kind = "shr"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}

// -----

// Signed shr is arithmetic; out of range it gives the sign fill (a shift by width - 1).
// CHECK-LABEL: func.func @shr_signed
// CHECK:         ^bb0(%[[A:[^:]*]]: i16, %[[B:[^:]*]]: i16, %{{.*}}: i16):
// CHECK:           %[[INSIDE:.*]] = arith.cmpi ult, %[[B]], %{{.*}} : i16
// CHECK:           %[[C15:.*]] = arith.constant 15 : i16
// CHECK:           %[[FILL:.*]] = arith.shrsi %[[A]], %[[C15]] : i16
// CHECK:           %[[S:.*]] = arith.shrsi %[[A]], %[[B]] : i16
// CHECK:           arith.select %[[INSIDE]], %[[S]], %[[FILL]] : i16
func.func @shr_signed(%a: tensor<4xi16>, %b: tensor<4xi16>) -> tensor<4xi16> {
  %r = "graph.bitwise"(%a, %b) {kind = "shr"} : (tensor<4xi16>, tensor<4xi16>) -> tensor<4xi16>
  return %r : tensor<4xi16>
}

// -----

// CHECK-LABEL: func.func @shl
// CHECK:           arith.shli
func.func @shl(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %r = "graph.bitwise"(%a, %b) {kind = "shl"} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

// bitcast: the same bits per element.
// CHECK-LABEL: func.func @bitcast_f32_to_i32
// CHECK:         ^bb0(%[[X:[^:]*]]: f32, %{{.*}}: i32):
// CHECK:           %[[R:.*]] = arith.bitcast %[[X]] : f32 to i32
// CHECK:           linalg.yield %[[R]]
func.func @bitcast_f32_to_i32(%x: tensor<3xf32>) -> tensor<3xi32> {
  %r = "graph.bitcast"(%x) : (tensor<3xf32>) -> tensor<3xi32>
  return %r : tensor<3xi32>
}

// -----

// bitcast from i1: a byte holding 0 or 1.
// CHECK-LABEL: func.func @bitcast_bool_to_ui8
// CHECK:         ^bb0(%[[X:[^:]*]]: i1, %{{.*}}: i8):
// CHECK:           %[[R:.*]] = arith.extui %[[X]] : i1 to i8
// CHECK:           linalg.yield %[[R]]
func.func @bitcast_bool_to_ui8(%x: tensor<4xi1>) -> tensor<4xui8> {
  %r = "graph.bitcast"(%x) : (tensor<4xi1>) -> tensor<4xui8>
  return %r : tensor<4xui8>
}
