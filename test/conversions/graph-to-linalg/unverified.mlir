// RUN: aic-opt %s --no-verify-aic --split-input-file --verify-diagnostics -p aic-convert-graph-to-linalg

// Graph ops that skipped aic's verifier (--no-verify-aic) fail the pass with the verifier's
// message at the op, before anything is lowered. A reshape whose element counts differ (a dim
// of 2^31) made the reshape lowering recurse without end (RecursionError).
func.func @negative_reshape_count_mismatch(%x: tensor<1x8x32xf32>) -> tensor<1x8x2147483648x8xf32> {
  // expected-error @+1 {{aic-convert-graph-to-linalg: 'graph.reshape' op expects the same number of elements, got 256 (1x8x32) and 137438953472 (1x8x2147483648x8) (this pass needs verified input)}}
  %r = "graph.reshape"(%x) : (tensor<1x8x32xf32>) -> tensor<1x8x2147483648x8xf32>
  return %r : tensor<1x8x2147483648x8xf32>
}

// -----

// A conv window larger than its input failed inside the im2col lowering (a TypeError).
func.func @negative_conv_window_too_large(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x2147483648x3xf32>) -> tensor<1x16x32x32xf32> {
  // expected-error @+1 {{'graph.conv' op expects the window extent 2147483648 to fit the padded input size 34}}
  %r = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x32x32xf32>, tensor<16x3x2147483648x3xf32>) -> tensor<1x16x32x32xf32>
  return %r : tensor<1x16x32x32xf32>
}
