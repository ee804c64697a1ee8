// RUN: aic-opt %s --no-verify-aic --verify-diagnostics -p aic-convert-tiled-to-hw

// A kernel that skipped aic's verifier (--no-verify-aic) fails the pass with the verifier's
// message. Here a second result has no init: the lowering used to erase the kernel while that
// result was still used, and MLIR aborted ("operation destroyed but still has uses").
func.func @negative_result_without_init(%a: tensor<8x8xf32>, %init: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  // expected-error @+1 {{aic-convert-tiled-to-hw: 'tiled.kernel' op expected one init per result, got 1 inits for 2 results (this pass needs verified input)}}
  %r:2 = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<8x8xf32>):
    %t = "tiled.load"(%a, %i, %j) {sizes = array<i64: 8, 8>} : (tensor<8x8xf32>, index, index) -> tensor<8x8xf32>
    "gpu.yield"(%t) : (tensor<8x8xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "copy", outs_indexing = array<i64: 0, 1>, space = array<i64: 8, 8>, tile_sizes = array<i64: 8, 8>} : (tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>)
  return %r#0, %r#1 : tensor<8x8xf32>, tensor<8x8xf32>
}
