// The toy dialect's checks: IRDL structure and the Python verify() hooks.
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --split-input-file --verify-diagnostics

func.func @add_types_differ(%a: tensor<4xf32>, %b: tensor<2xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'toy.add' op operands and result must have the same type}}
  %0 = "toy.add"(%a, %b) : (tensor<4xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
func.func @scale_integer(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+2 {{'toy.scale' op operand 'x': element type i32 is not one of f16, bf16, f32, f64}}
  // expected-error @+1 {{'toy.scale' op result 'out': element type i32}}
  %0 = "toy.scale"(%a) {factor = 2.0 : f32} : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----
func.func @scale_no_factor(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{attribute "factor" is expected but not provided}}
  %0 = "toy.scale"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// IRDL's own messages name neither the op nor the field; aic adds both.
func.func @scale_integer_factor(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'toy.scale' op attribute 'factor': expected base attribute 'builtin.float' but got 'builtin.integer'}}
  %0 = "toy.scale"(%a) {factor = 2 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
func.func @add_vector_rhs(%a: tensor<4xf32>, %b: vector<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'toy.add' op operand 'rhs': expected base type 'builtin.tensor' but got 'builtin.vector'}}
  %0 = "toy.add"(%a, %b) : (tensor<4xf32>, vector<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
func.func @constant_memref_result() -> memref<4xf32> {
  // expected-error @+1 {{'toy.constant' op result 'out': expected base type 'builtin.tensor' but got 'builtin.memref'}}
  %0 = "toy.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> memref<4xf32>
  return %0 : memref<4xf32>
}
