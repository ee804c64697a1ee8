// Round trip: every graph op parses, verifies, prints, and parses again unchanged.
// RUN: aic-opt %s --split-input-file | aic-opt --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @constant(
// CHECK:         %[[W:[^ :]*]] = "graph.constant"() {value = dense<1.000000e+00> : tensor<4xf32>} : () -> tensor<4xf32>
// CHECK:         return %[[W]] :
func.func @constant() -> tensor<4xf32> {
  %w = "graph.constant"() {value = dense<1.000000e+00> : tensor<4xf32>} : () -> tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @add(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<2x3xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.add"(%[[A]], %[[B]]) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[R]] :
func.func @add(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %r = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @sub(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<2x3xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<2x3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.sub"(%[[A]], %[[B]]) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK:         return %[[R]] :
func.func @sub(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = "graph.sub"(%a, %b) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<2x3xi32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<1x3xi32>
// CHECK:         %[[R:[^ :]*]] = "graph.mul"(%[[A]], %[[B]]) : (tensor<2x3xi32>, tensor<1x3xi32>) -> tensor<2x3xi32>
// CHECK:         return %[[R]] :
func.func @mul(%a: tensor<2x3xi32>, %b: tensor<1x3xi32>) -> tensor<2x3xi32> {
  %r = "graph.mul"(%a, %b) : (tensor<2x3xi32>, tensor<1x3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @div(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<?x4xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.div"(%[[A]], %[[B]]) : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK:         return %[[R]] :
func.func @div(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %r = "graph.div"(%a, %b) : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @pow(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<i64>
// CHECK:         %[[R:[^ :]*]] = "graph.pow"(%[[A]], %[[B]]) : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
// CHECK:         return %[[R]] :
func.func @pow(%a: tensor<4xf32>, %b: tensor<i64>) -> tensor<4xf32> {
  %r = "graph.pow"(%a, %b) : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @max(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xf16>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<4xf16>
// CHECK:         %[[R:[^ :]*]] = "graph.max"(%[[A]], %[[B]]) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
// CHECK:         return %[[R]] :
func.func @max(%a: tensor<4xf16>, %b: tensor<4xf16>) -> tensor<4xf16> {
  %r = "graph.max"(%a, %b) : (tensor<4xf16>, tensor<4xf16>) -> tensor<4xf16>
  return %r : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @min(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xbf16>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<1xbf16>
// CHECK:         %[[R:[^ :]*]] = "graph.min"(%[[A]], %[[B]]) : (tensor<4xbf16>, tensor<1xbf16>) -> tensor<4xbf16>
// CHECK:         return %[[R]] :
func.func @min(%a: tensor<4xbf16>, %b: tensor<1xbf16>) -> tensor<4xbf16> {
  %r = "graph.min"(%a, %b) : (tensor<4xbf16>, tensor<1xbf16>) -> tensor<4xbf16>
  return %r : tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @mod(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.mod"(%[[A]], %[[B]]) {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK:         return %[[R]] :
func.func @mod(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = "graph.mod"(%a, %b) {fmod = true} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @compare(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<f32>
// CHECK:         %[[R:[^ :]*]] = "graph.compare"(%[[A]], %[[B]]) {predicate = "lt"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
// CHECK:         return %[[R]] :
func.func @compare(%a: tensor<4xf32>, %b: tensor<f32>) -> tensor<4xi1> {
  %r = "graph.compare"(%a, %b) {predicate = "lt"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @logical(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<4xi1>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<2x1xi1>
// CHECK:         %[[R:[^ :]*]] = "graph.logical"(%[[A]], %[[B]]) {kind = "xor"} : (tensor<4xi1>, tensor<2x1xi1>) -> tensor<2x4xi1>
// CHECK:         return %[[R]] :
func.func @logical(%a: tensor<4xi1>, %b: tensor<2x1xi1>) -> tensor<2x4xi1> {
  %r = "graph.logical"(%a, %b) {kind = "xor"} : (tensor<4xi1>, tensor<2x1xi1>) -> tensor<2x4xi1>
  return %r : tensor<2x4xi1>
}

// -----

// CHECK-LABEL: func.func @unary(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.unary"(%[[X]]) {alpha = 1.000000e-01 : f32, beta = 0.000000e+00 : f32, fn = "leaky_relu"} : (tensor<4xf32>) -> tensor<4xf32>
// CHECK:         return %[[R]] :
func.func @unary(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = "graph.unary"(%x) {alpha = 1.000000e-01 : f32, beta = 0.000000e+00 : f32, fn = "leaky_relu"} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @unary_isnan(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.unary"(%[[X]]) {alpha = 0.000000e+00 : f32, beta = 0.000000e+00 : f32, fn = "isnan"} : (tensor<4xf32>) -> tensor<4xi1>
// CHECK:         return %[[R]] :
func.func @unary_isnan(%x: tensor<4xf32>) -> tensor<4xi1> {
  %r = "graph.unary"(%x) {alpha = 0.000000e+00 : f32, beta = 0.000000e+00 : f32, fn = "isnan"} : (tensor<4xf32>) -> tensor<4xi1>
  return %r : tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @clip(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[LO:[^:]*]]: tensor<f32>
// CHECK-SAME:    %[[HI:[^:]*]]: tensor<f32>
// CHECK:         %[[R:[^ :]*]] = "graph.clip"(%[[X]], %[[LO]], %[[HI]]) {operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
// CHECK:         return %[[R]] :
func.func @clip(%x: tensor<4xf32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %r = "graph.clip"(%x, %lo, %hi) {operandSegmentSizes = array<i32: 1, 1, 1>} : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @clip_max_only(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[HI:[^:]*]]: tensor<f32>
// CHECK:         %[[R:[^ :]*]] = "graph.clip"(%[[X]], %[[HI]]) {operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK:         return %[[R]] :
func.func @clip_max_only(%x: tensor<4xf32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %r = "graph.clip"(%x, %hi) {operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @where(
// CHECK-SAME:    %[[C:[^:]*]]: tensor<4xi1>
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[Y:[^:]*]]: tensor<f32>
// CHECK:         %[[R:[^ :]*]] = "graph.where"(%[[C]], %[[X]], %[[Y]]) : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
// CHECK:         return %[[R]] :
func.func @where(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<f32>) -> tensor<4xf32> {
  %r = "graph.where"(%c, %x, %y) : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.cast"(%[[X]]) : (tensor<4xf32>) -> tensor<4xi64>
// CHECK:         return %[[R]] :
func.func @cast(%x: tensor<4xf32>) -> tensor<4xi64> {
  %r = "graph.cast"(%x) : (tensor<4xf32>) -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<8x16x32xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<32x64xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.matmul"(%[[A]], %[[B]]) : (tensor<8x16x32xf32>, tensor<32x64xf32>) -> tensor<8x16x64xf32>
// CHECK:         return %[[R]] :
func.func @matmul(%a: tensor<8x16x32xf32>, %b: tensor<32x64xf32>) -> tensor<8x16x64xf32> {
  %r = "graph.matmul"(%a, %b) : (tensor<8x16x32xf32>, tensor<32x64xf32>) -> tensor<8x16x64xf32>
  return %r : tensor<8x16x64xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_vector(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<32xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<32x64xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.matmul"(%[[A]], %[[B]]) : (tensor<32xf32>, tensor<32x64xf32>) -> tensor<64xf32>
// CHECK:         return %[[R]] :
func.func @matmul_vector(%a: tensor<32xf32>, %b: tensor<32x64xf32>) -> tensor<64xf32> {
  %r = "graph.matmul"(%a, %b) : (tensor<32xf32>, tensor<32x64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// CHECK-LABEL: func.func @dense(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x8xf32>
// CHECK-SAME:    %[[W:[^:]*]]: tensor<16x8xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<16xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.dense"(%[[X]], %[[W]], %[[B]]) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, trans_a = false, trans_b = true} : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK:         return %[[R]] :
func.func @dense(%x: tensor<4x8xf32>, %w: tensor<16x8xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %r = "graph.dense"(%x, %w, %b) {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, trans_a = false, trans_b = true} : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @conv(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x3x8x8xf32>
// CHECK-SAME:    %[[W:[^:]*]]: tensor<4x3x3x3xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.conv"(%[[X]], %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         return %[[R]] :
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %r = "graph.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @conv_depthwise(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x9x9xf32>
// CHECK-SAME:    %[[W:[^:]*]]: tensor<4x1x3x3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.conv"(%[[X]], %[[W]]) {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         return %[[R]] :
func.func @conv_depthwise(%x: tensor<1x4x9x9xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x9x9xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @conv_transpose(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x4x4xf32>
// CHECK-SAME:    %[[W:[^:]*]]: tensor<4x2x2x2xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.conv_transpose"(%[[X]], %[[W]]) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32>
// CHECK:         return %[[R]] :
func.func @conv_transpose(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32> {
  %r = "graph.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32>
  return %r : tensor<1x2x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @pool(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x8x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.pool"(%[[X]]) {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
// CHECK:         return %[[R]] :
func.func @pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %r = "graph.pool"(%x) {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @pool_ceil(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x5x5xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.pool"(%[[X]]) {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "avg", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32>
// CHECK:         return %[[R]] :
func.func @pool_ceil(%x: tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32> {
  %r = "graph.pool"(%x) {ceil_mode = true, count_include_pad = true, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "avg", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32>
  return %r : tensor<1x4x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @global_pool(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x8x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.global_pool"(%[[X]]) {kind = "avg"} : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
// CHECK:         return %[[R]] :
func.func @global_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32> {
  %r = "graph.global_pool"(%x) {kind = "avg"} : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
  return %r : tensor<1x4x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x8x8xf32>
// CHECK-SAME:    %[[S:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[M:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[V:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.batch_norm"(%[[X]], %[[S]], %[[B]], %[[M]], %[[V]]) {epsilon = 9.99999974E-6 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         return %[[R]] :
func.func @batch_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %r = "graph.batch_norm"(%x, %s, %b, %m, %v) {epsilon = 9.99999974E-6 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x8x16xf32>
// CHECK-SAME:    %[[G:[^:]*]]: tensor<16xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<16xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.layer_norm"(%[[X]], %[[G]], %[[B]]) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
// CHECK:         return %[[R]] :
func.func @layer_norm(%x: tensor<2x8x16xf32>, %g: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<2x8x16xf32> {
  %r = "graph.layer_norm"(%x, %g, %b) {axis = -1 : i64, epsilon = 9.99999974E-6 : f32} : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
  return %r : tensor<2x8x16xf32>
}

// -----

// CHECK-LABEL: func.func @group_norm(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x8x8xf32>
// CHECK-SAME:    %[[S:[^:]*]]: tensor<4xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.group_norm"(%[[X]], %[[S]], %[[B]]) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         return %[[R]] :
func.func @group_norm(%x: tensor<1x4x8x8xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %r = "graph.group_norm"(%x, %s, %b) {epsilon = 9.99999974E-6 : f32, num_groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @lrn(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x4x8x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.lrn"(%[[X]]) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 3 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         return %[[R]] :
func.func @lrn(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %r = "graph.lrn"(%x) {alpha = 9.99999974E-5 : f32, beta = 7.500000e-01 : f32, bias = 1.000000e+00 : f32, size = 3 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @softmax(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.softmax"(%[[X]]) {axis = -1 : i64, log = false} : (tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK:         return %[[R]] :
func.func @softmax(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %r = "graph.softmax"(%x) {axis = -1 : i64, log = false} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @reduce(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.reduce"(%[[X]]) {axes = array<i64: 1>, keepdims = true, kind = "sum"} : (tensor<2x8xf32>) -> tensor<2x1xf32>
// CHECK:         return %[[R]] :
func.func @reduce(%x: tensor<2x8xf32>) -> tensor<2x1xf32> {
  %r = "graph.reduce"(%x) {axes = array<i64: 1>, keepdims = true, kind = "sum"} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  return %r : tensor<2x1xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_all(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.reduce"(%[[X]]) {axes = array<i64>, keepdims = false, kind = "max"} : (tensor<2x8xf32>) -> tensor<f32>
// CHECK:         return %[[R]] :
func.func @reduce_all(%x: tensor<2x8xf32>) -> tensor<f32> {
  %r = "graph.reduce"(%x) {axes = array<i64>, keepdims = false, kind = "max"} : (tensor<2x8xf32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @arg_reduce(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.arg_reduce"(%[[X]]) {axis = 1 : i64, keepdims = false, kind = "max", select_last_index = false} : (tensor<2x8xf32>) -> tensor<2xi64>
// CHECK:         return %[[R]] :
func.func @arg_reduce(%x: tensor<2x8xf32>) -> tensor<2xi64> {
  %r = "graph.arg_reduce"(%x) {axis = 1 : i64, keepdims = false, kind = "max", select_last_index = false} : (tensor<2x8xf32>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}

// -----

// CHECK-LABEL: func.func @cumsum(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<5xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.cumsum"(%[[X]]) {axis = 0 : i64, exclusive = false, reverse = true} : (tensor<5xf32>) -> tensor<5xf32>
// CHECK:         return %[[R]] :
func.func @cumsum(%x: tensor<5xf32>) -> tensor<5xf32> {
  %r = "graph.cumsum"(%x) {axis = 0 : i64, exclusive = false, reverse = true} : (tensor<5xf32>) -> tensor<5xf32>
  return %r : tensor<5xf32>
}

// -----

// CHECK-LABEL: func.func @topk(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<3x4xf32>
// CHECK:         %[[T:[^ :]*]]:2 = "graph.topk"(%[[X]]) {axis = -1 : i64, k = 2 : i64, largest = true} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
// CHECK:         return %[[T]]#0, %[[T]]#1 :
func.func @topk(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %t:2 = "graph.topk"(%x) {axis = -1 : i64, k = 2 : i64, largest = true} : (tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %t#0, %t#1 : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func.func @reshape(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.reshape"(%[[X]]) : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
// CHECK:         return %[[R]] :
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %r = "graph.reshape"(%x) : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %r : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3x4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.transpose"(%[[X]]) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
// CHECK:         return %[[R]] :
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %r = "graph.transpose"(%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %r : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat(
// CHECK-SAME:    %[[A:[^:]*]]: tensor<2x3xf32>
// CHECK-SAME:    %[[B:[^:]*]]: tensor<2x5xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.concat"(%[[A]], %[[B]]) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
// CHECK:         return %[[R]] :
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %r = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @fused(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x16xf32>, %[[Y:[^:]*]]: tensor<4x16xf32>)
// CHECK:         %[[R:[^ ]*]] = "graph.fused"() ({
// CHECK-NEXT:      %[[S:[^ ]*]] = "graph.add"(%[[X]], %[[Y]]) : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:      %[[T:[^ ]*]] = "graph.unary"(%[[S]]) {alpha = 0.000000e+00 : f32, beta = 0.000000e+00 : f32, fn = "relu"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:      gpu.yield %[[T]] : tensor<4x16xf32>
// CHECK-NEXT:    }) {kind = "add_relu"} : () -> tensor<4x16xf32>
// CHECK:         return %[[R]] :
func.func @fused(%x: tensor<4x16xf32>, %y: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = "graph.fused"() ({
    %s = "graph.add"(%x, %y) : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
    %t = "graph.unary"(%s) {alpha = 0.000000e+00 : f32, beta = 0.000000e+00 : f32, fn = "relu"} : (tensor<4x16xf32>) -> tensor<4x16xf32>
    "gpu.yield"(%t) : (tensor<4x16xf32>) -> ()
  }) {kind = "add_relu"} : () -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// CHECK-LABEL: func.func @slice(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x8xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.slice"(%[[X]]) {starts = array<i64: 0, 7>, steps = array<i64: 1, -2>} : (tensor<2x8xf32>) -> tensor<2x4xf32>
// CHECK:         return %[[R]] :
func.func @slice(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %r = "graph.slice"(%x) {starts = array<i64: 0, 7>, steps = array<i64: 1, -2>} : (tensor<2x8xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @gather(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<10x4xf32>
// CHECK-SAME:    %[[I:[^:]*]]: tensor<3xi64>
// CHECK:         %[[R:[^ :]*]] = "graph.gather"(%[[X]], %[[I]]) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
// CHECK:         return %[[R]] :
func.func @gather(%x: tensor<10x4xf32>, %i: tensor<3xi64>) -> tensor<3x4xf32> {
  %r = "graph.gather"(%x, %i) {axis = 0 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x4xf32>
// CHECK-SAME:    %[[I:[^:]*]]: tensor<2x3xi32>
// CHECK:         %[[R:[^ :]*]] = "graph.gather_elements"(%[[X]], %[[I]]) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
// CHECK:         return %[[R]] :
func.func @gather_elements(%x: tensor<2x4xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %r = "graph.gather_elements"(%x, %i) {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @pad(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.pad"(%[[X]]) {mode = "reflect", pads = array<i64: 0, 1, 0, 1>, value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
// CHECK:         return %[[R]] :
func.func @pad(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %r = "graph.pad"(%x) {mode = "reflect", pads = array<i64: 0, 1, 0, 1>, value = 0.000000e+00 : f32} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @resize(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x1x2x2xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.resize"(%[[X]]) {coordinate_mode = "asymmetric", cubic_coeff = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
// CHECK:         return %[[R]] :
func.func @resize(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %r = "graph.resize"(%x) {coordinate_mode = "asymmetric", cubic_coeff = -7.500000e-01 : f32, exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, mode = "nearest", nearest_mode = "floor", scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @expand(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<3x1xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.expand"(%[[X]]) : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK:         return %[[R]] :
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %r = "graph.expand"(%x) : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @tile(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<2x3xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.tile"(%[[X]]) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
// CHECK:         return %[[R]] :
func.func @tile(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  %r = "graph.tile"(%x) {repeats = array<i64: 2, 1>} : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @trilu(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<4x4xf32>
// CHECK:         %[[R:[^ :]*]] = "graph.trilu"(%[[X]]) {k = 1 : i64, upper = false} : (tensor<4x4xf32>) -> tensor<4x4xf32>
// CHECK:         return %[[R]] :
func.func @trilu(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = "graph.trilu"(%x) {k = 1 : i64, upper = false} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func.func @one_hot(
// CHECK-SAME:    %[[I:[^:]*]]: tensor<3xi64>
// CHECK:         %[[R:[^ :]*]] = "graph.one_hot"(%[[I]]) {axis = 1 : i64, depth = 4 : i64, off_value = 0.000000e+00 : f32, on_value = 1.000000e+00 : f32} : (tensor<3xi64>) -> tensor<3x4xf32>
// CHECK:         return %[[R]] :
func.func @one_hot(%i: tensor<3xi64>) -> tensor<3x4xf32> {
  %r = "graph.one_hot"(%i) {axis = 1 : i64, depth = 4 : i64, off_value = 0.000000e+00 : f32, on_value = 1.000000e+00 : f32} : (tensor<3xi64>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}
