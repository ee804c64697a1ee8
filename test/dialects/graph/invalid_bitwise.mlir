// Diagnostics of graph.bitwise (ops_bitwise.py).
// RUN: aic-opt %s --split-input-file --verify-diagnostics

func.func @float_operands(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+4 {{operand 'lhs': element type f32 is not one of i1, i8, i16, i32, i64, ui8, ui16, ui32, ui64}}
  // expected-error @+3 {{operand 'rhs': element type f32 is not one of}}
  // expected-error @+2 {{result 'out': element type f32 is not one of}}
  // Only integers.
  %r = "graph.bitwise"(%a, %b) {kind = "and"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @mixed_types(%a: tensor<4xi32>, %b: tensor<4xi8>) -> tensor<4xi32> {
  // expected-error @+1 {{'graph.bitwise' op expects operands of one element type, got i32, i8}}
  %r = "graph.bitwise"(%a, %b) {kind = "or"} : (tensor<4xi32>, tensor<4xi8>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

func.func @unknown_kind(%a: tensor<4xi32>, %b: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{kind}}
  %r = "graph.bitwise"(%a, %b) {kind = "rotl"} : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

func.func @bitcast_widths(%x: tensor<4xf32>) -> tensor<4xi64> {
  // expected-error @+1 {{'graph.bitcast' op expects element types of the same width, got f32 and i64}}
  %r = "graph.bitcast"(%x) : (tensor<4xf32>) -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

func.func @bitcast_shapes(%x: tensor<4xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{'graph.bitcast' op expects the result shape}}
  %r = "graph.bitcast"(%x) : (tensor<4xf32>) -> tensor<2xi32>
  return %r : tensor<2xi32>
}
