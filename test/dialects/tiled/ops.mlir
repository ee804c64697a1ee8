// Round trip of the tiled ops.
// RUN: aic-opt %s --split-input-file | aic-opt --split-input-file | FileCheck %s

// The matmul + bias + relu kernel tiled 64x64x32.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK: "tiled.kernel"(%{{.*}}) ({
// CHECK: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[K:.*]]: index, %[[ACC:.*]]: tensor<64x64xf32>):
// CHECK: "tiled.load"(%{{.*}}, %[[I]], %[[K]]) {sizes = array<i64: 64, 32>}
// CHECK: linalg.matmul
// CHECK: gpu.yield
// CHECK: }, {
// CHECK: "tiled.load"(%{{.*}}, %{{.*}}) {sizes = array<i64: 64>}
// CHECK: linalg.generic
// CHECK: gpu.yield
// CHECK: }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul_bias_relu", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>}
func.func @matmul_bias_relu(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %bias: tensor<192xf32>, %init: tensor<256x192xf32>) -> tensor<256x192xf32> {
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
    %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<256x128xf32>, index, index) -> tensor<64x32xf32>
    %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<128x192xf32>, index, index) -> tensor<32x64xf32>
    %m = linalg.matmul ins(%la, %lb : tensor<64x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
    "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
  }, {
  ^bb0(%i: index, %j: index, %acc: tensor<64x64xf32>):
    %lbias = "tiled.load"(%bias, %j) {sizes = array<i64: 64>} : (tensor<192xf32>, index) -> tensor<64xf32>
    %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc, %lbias : tensor<64x64xf32>, tensor<64xf32>) outs(%acc : tensor<64x64xf32>) {
    ^bb1(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %z = arith.constant 0.0 : f32
      %q = arith.maximumf %s, %z : f32
      linalg.yield %q : f32
    } -> tensor<64x64xf32>
    "gpu.yield"(%e) : (tensor<64x64xf32>) -> ()
  }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul_bias_relu", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
  return %r : tensor<256x192xf32>
}

// -----

// An elementwise kernel: no reduction, empty epilogue.
// CHECK-LABEL: func.func @elementwise
// CHECK: "tiled.kernel"
// CHECK: }, {
// CHECK-NEXT: }) {iterators = ["parallel"], kind = "", outs_indexing = array<i64: 0>, space = array<i64: 128>, tile_sizes = array<i64: 32>}
func.func @elementwise(%x: tensor<128xf32>, %init: tensor<128xf32>) -> tensor<128xf32> {
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %acc: tensor<32xf32>):
    %t = "tiled.load"(%x, %i) {sizes = array<i64: 32>} : (tensor<128xf32>, index) -> tensor<32xf32>
    %n = linalg.negf ins(%t : tensor<32xf32>) outs(%acc : tensor<32xf32>) -> tensor<32xf32>
    "gpu.yield"(%n) : (tensor<32xf32>) -> ()
  }, {
  }) {iterators = ["parallel"], kind = "", outs_indexing = array<i64: 0>, space = array<i64: 128>, tile_sizes = array<i64: 32>} : (tensor<128xf32>) -> tensor<128xf32>
  return %r : tensor<128xf32>
}

// -----

// A rank-reducing load: the batch tile of 1 is dropped.
// CHECK-LABEL: func.func @rank_reduced_load
// CHECK: "tiled.load"(%{{.*}}) {sizes = array<i64: 1, 16, 8>} : (tensor<4x16x8xf32>, index, index, index) -> tensor<16x8xf32>
func.func @rank_reduced_load(%x: tensor<4x16x8xf32>, %i: index) -> tensor<16x8xf32> {
  %c0 = arith.constant 0 : index
  %t = "tiled.load"(%x, %i, %c0, %c0) {sizes = array<i64: 1, 16, 8>} : (tensor<4x16x8xf32>, index, index, index) -> tensor<16x8xf32>
  return %t : tensor<16x8xf32>
}
