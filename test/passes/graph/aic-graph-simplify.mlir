// RUN: aic-opt %s --split-input-file -p aic-graph-simplify,aic-graph-dce | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-graph-simplify{max-iterations=1},aic-graph-dce' | FileCheck %s --check-prefix=ONE

// CHECK-LABEL: func.func @transpose_transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: "graph.transpose"
// CHECK: return %[[X]]
func.func @transpose_transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %u = "graph.transpose"(%t) {perm = array<i64: 1, 0>} : (tensor<3x2xf32>) -> tensor<2x3xf32>
  return %u : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @transpose_transpose_compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[T:.*]] = "graph.transpose"(%[[X]]) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %u = "graph.transpose"(%t) {perm = array<i64: 1, 2, 0>} : (tensor<3x4x2xf32>) -> tensor<4x2x3xf32>
  return %u : tensor<4x2x3xf32>
}

// CHECK-LABEL: func.func @transpose_identity_perm
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity_perm(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %t : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @negative_transpose_single
// CHECK: "graph.transpose"
func.func @negative_transpose_single(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[R:.*]] = "graph.reshape"(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %a = "graph.reshape"(%x) : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %b = "graph.reshape"(%a) : (tensor<24xf32>) -> tensor<4x6xf32>
  return %b : tensor<4x6xf32>
}

// The composed reshape has the input's type: a second sweep removes it.
// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
// ONE-LABEL: func.func @reshape_round_trip
// ONE: "graph.reshape"
// ONE-SAME: (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @reshape_round_trip(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = "graph.reshape"(%x) : (tensor<2x3xf32>) -> tensor<6xf32>
  %b = "graph.reshape"(%a) : (tensor<6xf32>) -> tensor<2x3xf32>
  return %b : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @same_type_noops
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: "graph.
// CHECK: return %[[X]]
func.func @same_type_noops(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %a = "graph.expand"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = "graph.cast"(%a) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = "graph.pad"(%b) {mode = "constant", pads = array<i64: 0, 0, 0, 0>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %d = "graph.slice"(%c) {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %e = "graph.tile"(%d) {repeats = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %e : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @negative_changing_shape_or_type
// CHECK: "graph.expand"
// CHECK: "graph.cast"
// CHECK: "graph.pad"
// CHECK: "graph.slice"
func.func @negative_changing_shape_or_type(%x: tensor<2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3xf16>, tensor<2x5xf32>, tensor<2x3xf32>) {
  %a = "graph.expand"(%x) : (tensor<2x3xf32>) -> tensor<4x2x3xf32>
  %b = "graph.cast"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf16>
  %c = "graph.pad"(%x) {mode = "constant", pads = array<i64: 0, 1, 0, 1>, value = 0.0 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  %d = "graph.slice"(%x) {starts = array<i64: 1, 2>, steps = array<i64: -1, -1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %a, %b, %c, %d : tensor<4x2x3xf32>, tensor<2x3xf16>, tensor<2x5xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @arith_identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NOT: "graph.mul"
// CHECK-NOT: "graph.add"
// CHECK-NOT: "graph.sub"
// CHECK-NOT: "graph.div"
// CHECK: return %[[X]]
func.func @arith_identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %one = "graph.constant"() {value = dense<1.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %zero = "graph.constant"() {value = dense<0.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %a = "graph.mul"(%x, %one) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %b = "graph.mul"(%one, %a) : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = "graph.add"(%zero, %b) : (tensor<1x1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %d = "graph.sub"(%c, %zero) : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  %e = "graph.div"(%d, %one) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %e : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @non_splat_ones
// CHECK-SAME: (%[[X:.*]]: tensor<2xi64>)
// CHECK-NOT: "graph.mul"
// CHECK: return %[[X]]
func.func @non_splat_ones(%x: tensor<2xi64>) -> tensor<2xi64> {
  %one = "graph.constant"() {value = dense<[1, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %a = "graph.mul"(%x, %one) : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %a : tensor<2xi64>
}

// x * 0 is NaN for x = NaN or inf; 0 - x is not x; broadcasting against a bigger constant
// widens x; a dynamic dim of x may be 1 at run time and widen too.
// CHECK-LABEL: func.func @negative_arith
// CHECK: "graph.mul"
// CHECK: "graph.sub"
// CHECK: "graph.add"
// CHECK: "graph.mul"
// CHECK: "graph.add"
func.func @negative_arith(%x: tensor<3xf32>, %y: tensor<?xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<?xf32>) {
  %zero = "graph.constant"() {value = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %zeros = "graph.constant"() {value = dense<0.0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %two = "graph.constant"() {value = dense<[1.0, 2.0, 1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %a = "graph.mul"(%x, %zero) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %b = "graph.sub"(%zero, %x) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %c = "graph.add"(%x, %zeros) : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %d = "graph.mul"(%x, %two) : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %e = "graph.add"(%y, %zero) : (tensor<?xf32>, tensor<3xf32>) -> tensor<?xf32>
  return %a, %b, %c, %d, %e : tensor<3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @unary_pairs
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = "graph.unary"(%[[X]]) {{.*}}fn = "relu"
// CHECK-NOT: "graph.unary"
// CHECK: return %[[R]]
func.func @unary_pairs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "graph.unary"(%x) {fn = "neg", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "graph.unary"(%a) {fn = "neg", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %c = "graph.unary"(%b) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %d = "graph.unary"(%c) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// CHECK-LABEL: func.func @negative_unary_mixed
// CHECK: "graph.unary"{{.*}}fn = "relu"
// CHECK: "graph.unary"{{.*}}fn = "neg"
// CHECK: "graph.unary"{{.*}}fn = "exp"
// CHECK: "graph.unary"{{.*}}fn = "exp"
func.func @negative_unary_mixed(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = "graph.unary"(%x) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "graph.unary"(%a) {fn = "neg", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %c = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %d = "graph.unary"(%c) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %b, %d : tensor<4xf32>, tensor<4xf32>
}

// -----

// Gemm's trans_b on a constant weight is done once, on the data.
// CHECK-LABEL: func.func @dense_constant_weight_pretransposed
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xf32>)
// CHECK: %[[W:.*]] = "graph.constant"() {value = dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>}
// CHECK: "graph.dense"(%[[X]], %[[W]]) {{.*}}trans_b = false
func.func @dense_constant_weight_pretransposed(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w = "graph.constant"() {value = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %y = "graph.dense"(%x, %w) {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// CHECK-LABEL: func.func @negative_dense_runtime_weight
// CHECK: "graph.dense"({{.*}}) {{.*}}trans_b = true
func.func @negative_dense_runtime_weight(%x: tensor<4x3xf32>, %w: tensor<2x3xf32>) -> tensor<4x2xf32> {
  %y = "graph.dense"(%x, %w) {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<4x3xf32>, tensor<2x3xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// A transposed conv whose kernel equals its stride: a 1x1 conv to M*KH*KW channels (its
// bias: each channel's bias repeated over the KH x KW block), then a pixel shuffle
// (reshape, transpose, reshape).
// CHECK-LABEL: func.func @conv_transpose_kernel_is_stride
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x5x6xf32>, %[[W:.*]]: tensor<8x3x2x2xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[FLAT:.*]] = "graph.reshape"(%[[W]]) : (tensor<8x3x2x2xf32>) -> tensor<8x12xf32>
// CHECK: %[[ROWS:.*]] = "graph.transpose"(%[[FLAT]]) {perm = array<i64: 1, 0>} : (tensor<8x12xf32>) -> tensor<12x8xf32>
// CHECK: %[[W1:.*]] = "graph.reshape"(%[[ROWS]]) : (tensor<12x8xf32>) -> tensor<12x8x1x1xf32>
// CHECK: %[[COL:.*]] = "graph.reshape"(%[[B]]) : (tensor<3xf32>) -> tensor<3x1xf32>
// CHECK: %[[BLOCK:.*]] = "graph.expand"(%[[COL]]) : (tensor<3x1xf32>) -> tensor<3x4xf32>
// CHECK: %[[B1:.*]] = "graph.reshape"(%[[BLOCK]]) : (tensor<3x4xf32>) -> tensor<12xf32>
// CHECK: %[[Y:.*]] = "graph.conv"(%[[X]], %[[W1]], %[[B1]]) {{.*}}strides = array<i64: 1, 1>} : (tensor<1x8x5x6xf32>, tensor<12x8x1x1xf32>, tensor<12xf32>) -> tensor<1x12x5x6xf32>
// CHECK: %[[BLOCKS:.*]] = "graph.reshape"(%[[Y]]) : (tensor<1x12x5x6xf32>) -> tensor<1x3x2x2x5x6xf32>
// CHECK: %[[SHUF:.*]] = "graph.transpose"(%[[BLOCKS]]) {perm = array<i64: 0, 1, 4, 2, 5, 3>}
// CHECK: %[[OUT:.*]] = "graph.reshape"(%[[SHUF]]) : (tensor<1x3x5x2x6x2xf32>) -> tensor<1x3x10x12xf32>
// CHECK: return %[[OUT]]
func.func @conv_transpose_kernel_is_stride(%x: tensor<1x8x5x6xf32>, %w: tensor<8x3x2x2xf32>, %b: tensor<3xf32>) -> tensor<1x3x10x12xf32> {
  %y = "graph.conv_transpose"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x5x6xf32>, tensor<8x3x2x2xf32>, tensor<3xf32>) -> tensor<1x3x10x12xf32>
  return %y : tensor<1x3x10x12xf32>
}

// -----

// Overlapping windows (kernel 3, stride 2) keep the transposed conv.
// CHECK-LABEL: func.func @conv_transpose_overlapping_kept
// CHECK: "graph.conv_transpose"
// CHECK-NOT: "graph.conv"(
func.func @conv_transpose_overlapping_kept(%x: tensor<1x8x5x6xf32>, %w: tensor<8x3x3x3xf32>) -> tensor<1x3x11x13xf32> {
  %y = "graph.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x8x5x6xf32>, tensor<8x3x3x3xf32>) -> tensor<1x3x11x13xf32>
  return %y : tensor<1x3x11x13xf32>
}

// -----

// A float power by a splat 2 or 3 becomes products (one libm powf per element otherwise).
// CHECK-LABEL: func.func @small_powers
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK-NOT: graph.pow
// CHECK: %[[SQ:.*]] = "graph.mul"(%[[X]], %[[X]])
// CHECK: %[[SQ2:.*]] = "graph.mul"(%[[X]], %[[X]])
// CHECK: %[[CUBE:.*]] = "graph.mul"(%[[SQ2]], %[[X]])
// CHECK: return %[[SQ]], %[[CUBE]]
func.func @small_powers(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %two = "graph.constant"() {value = dense<2.0> : tensor<f32>} : () -> tensor<f32>
  %three = "graph.constant"() {value = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %sq = "graph.pow"(%x, %two) : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  %cube = "graph.pow"(%x, %three) : (tensor<4x8xf32>, tensor<1x1xf32>) -> tensor<4x8xf32>
  return %sq, %cube : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Other exponents, and integer powers (exact through f64), keep the pow.
// CHECK-LABEL: func.func @negative_other_powers
// CHECK: "graph.pow"
// CHECK: "graph.pow"
func.func @negative_other_powers(%x: tensor<4xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %half = "graph.constant"() {value = dense<2.5> : tensor<f32>} : () -> tensor<f32>
  %three = "graph.constant"() {value = dense<3> : tensor<i32>} : () -> tensor<i32>
  %p = "graph.pow"(%x, %half) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %q = "graph.pow"(%i, %three) : (tensor<4xi32>, tensor<i32>) -> tensor<4xi32>
  return %p, %q : tensor<4xf32>, tensor<4xi32>
}
