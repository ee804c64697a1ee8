// Every diagnostic of the graph dialect: IRDL's structural checks, then aic's semantic ones.
// RUN: aic-opt %s --split-input-file --verify-diagnostics

func.func @add_missing_operand(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.add' op expects exactly 2 operands, but got 1}}
  %r = "graph.add"(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @add_not_a_tensor(%a: f32, %b: f32) -> f32 {
  // expected-error @+1 {{expected base type 'builtin.tensor' but got 'builtin.f32'}}
  %r = "graph.add"(%a, %b) : (f32, f32) -> f32
  return %r : f32
}

// -----

func.func @softmax_missing_attribute(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'graph.softmax' op attribute "log" is expected but not provided}}
  %r = "graph.softmax"(%x) {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

func.func @transpose_perm_wrong_kind(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.array'}}
  %r = "graph.transpose"(%x) {perm = [1, 0]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

func.func @compare_bad_predicate(%a: tensor<4xf32>) -> tensor<4xi1> {
  // expected-error @+1 {{'"lesser"' does not satisfy the constraint}}
  %r = "graph.compare"(%a, %a) {predicate = "lesser"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

func.func @conv_i64_input(%x: tensor<1x3x8x8xi64>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{operand 'x': element type i64 is not one of f16, bf16, f32, f64, i32}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi64>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_mixed_integer_float(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'graph.conv' op expects operands of one element type, got i32, f32}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xi32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.add' op expects broadcast-compatible shapes, got 2x3, 4}}
  %r = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @add_mixed_elements(%a: tensor<4xf32>, %b: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.add' op expects operands of one element type, got f32, i32}}
  %r = "graph.add"(%a, %b) : (tensor<4xf32>, tensor<4xi32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @add_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'graph.add' op expects result #0 of type tensor<2x3xf32> (? allowed), got tensor<2x4xf32>}}
  %r = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

func.func @compare_result_not_i1(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result 'out': element type f32 is not one of i1}}
  %r = "graph.compare"(%a, %a) {predicate = "lt"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @mod_float_without_fmod(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.mod' op expects fmod = true for floating-point operands}}
  %r = "graph.mod"(%a, %a) {fmod = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @unary_exp_of_integer(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'graph.unary' op expects a floating-point operand for 'exp', got i32}}
  %r = "graph.unary"(%x) {alpha = 0.0 : f32, beta = 0.0 : f32, fn = "exp"} : (tensor<4xi32>) -> tensor<4xi32>
  return %r : tensor<4xi32>
}

// -----

func.func @matmul_inner_dims(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'graph.matmul' op expects matching contraction dims, got 2x3 and 4x5}}
  %r = "graph.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

func.func @dense_bias_shape(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<5xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'graph.dense' op expects 'c' of shape 5 to broadcast to 4x16}}
  %r = "graph.dense"(%x, %w, %c) {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = false} : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<5xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

func.func @conv_pads_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'graph.conv' op expects 4 pads for 2 spatial dims, got 2}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_strides_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'graph.conv' op expects 2 strides for 2 spatial dims, got 3}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_group_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'graph.conv' op expects input channels (4) = weight dim 1 (4) * group (2)}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'graph.conv' op expects result #0 of type tensor<1x4x6x6xf32> (? allowed), got tensor<1x4x8x8xf32>}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32> {
  // expected-error @+1 {{'graph.conv_transpose' op expects 2 output_padding for 2 spatial dims, got 1}}
  %r = "graph.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32>
  return %r : tensor<1x2x8x8xf32>
}

// -----

func.func @pool_kernel_length(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'graph.pool' op expects 2 kernel for 2 spatial dims, got 1}}
  %r = "graph.pool"(%x) {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

func.func @pool_ceil_mode_result(%x: tensor<1x4x5x5xf32>) -> tensor<1x4x2x2xf32> {
  // expected-error @+1 {{'graph.pool' op expects result #0 of type tensor<1x4x3x3xf32>}}
  %r = "graph.pool"(%x) {ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x2x2xf32>
  return %r : tensor<1x4x2x2xf32>
}

// -----

func.func @batch_norm_param_size(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'graph.batch_norm' op expects var of shape 4, got 3}}
  %r = "graph.batch_norm"(%x, %p, %p, %p, %q) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

func.func @group_norm_groups(%x: tensor<1x6x8x8xf32>, %p: tensor<6xf32>) -> tensor<1x6x8x8xf32> {
  // expected-error @+1 {{'graph.group_norm' op expects channels (6) divisible by num_groups (4)}}
  %r = "graph.group_norm"(%x, %p, %p) {epsilon = 1.0e-05 : f32, num_groups = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<6xf32>, tensor<6xf32>) -> tensor<1x6x8x8xf32>
  return %r : tensor<1x6x8x8xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'graph.softmax' op expects axis in [-2, 2) for rank 2, got 2}}
  %r = "graph.softmax"(%x) {axis = 2 : i64, log = false} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

func.func @reduce_axes(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'graph.reduce' op expects axes in [-2, 2) for rank 2, got 5}}
  %r = "graph.reduce"(%x) {axes = array<i64: 5>, keepdims = true, kind = "sum"} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

func.func @topk_k_too_large(%x: tensor<3x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xi64>) {
  // expected-error @+1 {{'graph.topk' op expects k (5) <= size of dim 1 (4)}}
  %v, %i = "graph.topk"(%x) {axis = -1 : i64, k = 5 : i64, largest = true} : (tensor<3x4xf32>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return %v, %i : tensor<3x5xf32>, tensor<3x5xi64>
}

// -----

func.func @transpose_not_a_permutation(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{'graph.transpose' op expects perm to be a permutation of 0..1, got [1, 1]}}
  %r = "graph.transpose"(%x) {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

func.func @concat_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'graph.concat' op expects axis < rank (2), got 2}}
  %r = "graph.concat"(%a, %a) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

func.func @concat_other_dims(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+1 {{'graph.concat' op}}
  %r = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  return %r : tensor<2x6xf32>
}

// -----

func.func @concat_three_operands(%a: tensor<2x3xf32>) -> tensor<2x9xf32> {
  // expected-error @+1 {{op expects exactly 2 operands, but got 3}}
  %r = "graph.concat"(%a, %a, %a) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x9xf32>
  return %r : tensor<2x9xf32>
}

// -----

func.func @gather_axis(%x: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<3x4xf32> {
  // expected-error @+1 {{'graph.gather' op expects axis < rank (2), got 2}}
  %r = "graph.gather"(%x, %i) {axis = 2 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<10x4xf32>, %i: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{operand 'indices': element type f32 is not one of i32, i64}}
  %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

func.func @pad_length(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'graph.pad' op expects 4 pads for rank 2, got 2}}
  %r = "graph.pad"(%x) {mode = "constant", pads = array<i64: 1, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

func.func @reshape_element_count(%x: tensor<2x3xf32>) -> tensor<7xf32> {
  // expected-error @+1 {{'graph.reshape' op expects the same number of elements, got 6 (2x3) and 7 (7)}}
  %r = "graph.reshape"(%x) : (tensor<2x3xf32>) -> tensor<7xf32>
  return %r : tensor<7xf32>
}

// -----

func.func @expand_not_broadcastable(%x: tensor<3x2xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{'graph.expand' op expects the operand shape 3x2 to broadcast to the result shape 2x3x4}}
  %r = "graph.expand"(%x) : (tensor<3x2xf32>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

func.func @slice_out_of_range(%x: tensor<2x8xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'graph.slice' op expects dim 1 indices 1..9 (step 2) within size 8}}
  %r = "graph.slice"(%x) {starts = array<i64: 0, 1>, steps = array<i64: 1, 2>} : (tensor<2x8xf32>) -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

func.func @resize_scales_length(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'graph.resize' op expects 4 scales and result rank 4, got 2 scales and rank 4}}
  %r = "graph.resize"(%x) {coordinate_mode = "asymmetric", cubic_coeff = -7.5e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", scales = array<f32: 2.0, 2.0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}

// -----

func.func @cast_shape(%x: tensor<4xf32>) -> tensor<5xi32> {
  // expected-error @+1 {{'graph.cast' op expects the result shape 5 to match the operand's 4}}
  %r = "graph.cast"(%x) : (tensor<4xf32>) -> tensor<5xi32>
  return %r : tensor<5xi32>
}

// -----

func.func @one_hot_result_shape(%i: tensor<3xi64>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'graph.one_hot' op expects result shape 3x4, got 4x3}}
  %r = "graph.one_hot"(%i) {axis = 1 : i64, depth = 4 : i64, off_value = 0.0 : f32, on_value = 1.0 : f32} : (tensor<3xi64>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

func.func @constant_type_mismatch() -> tensor<3xf32> {
  // expected-error @+1 {{'graph.constant' op expects result type tensor<4xf32> (the value's type), got tensor<3xf32>}}
  %r = "graph.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

func.func @fused_without_terminator(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.fused' op expects the body to end in 'gpu.yield'}}
  %r = "graph.fused"() ({
    %a = "graph.add"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "ub.unreachable"() : () -> ()
  }) {kind = ""} : () -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @fused_yield_type(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'graph.fused' op expects the yielded value of type tensor<8xf32>, got tensor<4xf32>}}
  %r = "graph.fused"() ({
    %a = "graph.add"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    "gpu.yield"(%a) : (tensor<4xf32>) -> ()
  }) {kind = ""} : () -> tensor<8xf32>
  return %r : tensor<8xf32>
}
