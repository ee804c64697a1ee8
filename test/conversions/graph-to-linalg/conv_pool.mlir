// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s
// RUN: aic-opt %s -p 'aic-convert-graph-to-linalg{conv-im2col=false}' --split-input-file | FileCheck %s --check-prefix=NAMED

// Batch 1 with a bias: a zero accumulator, the bias added to the F x OH*OW product by an
// elementwise generic (which becomes the matmul kernel's epilogue).
// CHECK-LABEL: func.func @conv_bias_pad
// CHECK-SAME: (%{{.*}}: tensor<1x3x8x8xf32>, %{{.*}}: tensor<4x3x3x3xf32>, %[[BIAS:.*]]: tensor<4xf32>)
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x8x8xf32>)
// CHECK: %[[PT:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<1x3x10x10xf32>) outs(%{{.*}} : tensor<1x3x3x3x8x8xf32>)
// CHECK: %[[PC:.*]] = tensor.collapse_shape %[[PT]] {{\[\[}}0], [1, 2, 3], [4, 5]] : tensor<1x3x3x3x8x8xf32> into tensor<1x27x64xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<4x3x3x3xf32> into tensor<4x27xf32>
// CHECK: %[[ACC:.*]] = tensor.collapse_shape %[[Z]] {{\[\[}}0, 1], [2, 3]] : tensor<1x4x8x8xf32> into tensor<4x64xf32>
// CHECK: %[[P2:.*]] = tensor.collapse_shape %[[PC]] {{.*}} into tensor<27x64xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[W2]], %[[P2]] : tensor<4x27xf32>, tensor<27x64xf32>) outs(%[[ACC]] : tensor<4x64xf32>)
// CHECK: %[[MB:.*]] = linalg.generic {{.*}} ins(%[[M]], %[[BIAS]] : tensor<4x64xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[MB]] {{.*}} output_shape [1, 4, 8, 8] : tensor<4x64xf32> into tensor<1x4x8x8xf32>
// CHECK-NOT: linalg.conv_2d_nchw_fchw
// NAMED-LABEL: func.func @conv_bias_pad
// NAMED: %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// NAMED: %[[B:.*]] = linalg.broadcast ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<1x4x8x8xf32>) dimensions = [0, 2, 3]
// NAMED: linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[P]], %{{.*}} : {{.*}}) outs(%[[B]] : tensor<1x4x8x8xf32>)
// NAMED-NOT: linalg.matmul
func.func @conv_bias_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %r = "graph.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// -----

// CHECK: #[[XMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2 * 2, d3 + d5)>
// CHECK-LABEL: func.func @conv_im2col_strided_dilated
// CHECK: linalg.generic {indexing_maps = [#[[XMAP]], {{.*}}]
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<5x18xf32>, tensor<18x12xf32>)
func.func @conv_im2col_strided_dilated(%x: tensor<1x2x9x6xf32>, %w: tensor<5x2x3x3xf32>) -> tensor<1x5x3x4xf32> {
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 2, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 1>} : (tensor<1x2x9x6xf32>, tensor<5x2x3x3xf32>) -> tensor<1x5x3x4xf32>
  return %r : tensor<1x5x3x4xf32>
}

// -----

// A batch of images: a loop over them, each the batch-1 convolution (one matmul of the
// filter, no patch copy for a 1x1, no broadcast filter).
// CHECK-LABEL: func.func @conv_1x1_batched_no_copy
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x4xf32>, %[[W4:.*]]: tensor<8x3x1x1xf32>)
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[N:.*]] = %c0 to %c2 step %c1 iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<2x8x4x4xf32>)
// CHECK: tensor.extract_slice %[[X]][%[[N]], 0, 0, 0] [1, 3, 4, 4]
// CHECK: %[[W:.*]] = tensor.collapse_shape %[[W4]] {{\[\[}}0], [1, 2, 3]] : tensor<8x3x1x1xf32> into tensor<8x3xf32>
// CHECK: linalg.matmul ins(%[[W]], %{{.*}} : tensor<8x3xf32>, tensor<3x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[ACC]][%[[N]], 0, 0, 0] [1, 8, 4, 4]
// CHECK-NOT: linalg.broadcast
func.func @conv_1x1_batched_no_copy(%x: tensor<2x3x4x4xf32>, %w: tensor<8x3x1x1xf32>) -> tensor<2x8x4x4xf32> {
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x3x4x4xf32>, tensor<8x3x1x1xf32>) -> tensor<2x8x4x4xf32>
  return %r : tensor<2x8x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @conv_depthwise
// CHECK: tensor.collapse_shape %{{.*}} : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 4 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @conv_grouped
// CHECK: linalg.conv_2d_ngchw_gfchw {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>)
func.func @conv_grouped(%x: tensor<1x4x6x6xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32> {
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 2 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x4x4xf32>
  return %r : tensor<1x6x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool_pads_with_neg_inf
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad
// CHECK: tensor.yield %[[NINF]]
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @max_pool_pads_with_neg_inf(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %r = "graph.pool"(%x) {ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, kind = "max", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool_divides_by_counts
// CHECK: %[[S:.*]] = linalg.pooling_nchw_sum
// CHECK: %[[C:.*]] = arith.constant dense<{{.*}}> : tensor<4x4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[S]], %[[C]] : tensor<1x2x4x4xf32>, tensor<4x4xf32>)
// CHECK: arith.divf
func.func @avg_pool_divides_by_counts(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %r = "graph.pool"(%x) {ceil_mode = true, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, kind = "avg", pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}
