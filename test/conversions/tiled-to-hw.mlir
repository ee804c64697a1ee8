// RUN: aic-opt %s --split-input-file -p aic-convert-tiled-to-hw | FileCheck %s

// The parallel tiles become hw.parallel over cores, the reduction an scf.for carrying the
// accumulator, the tile matmul a micro-kernel with the target's register tile (avx512: 12 rows x 32,
// mr not dividing the 64 rows: aic-hw-vectorize makes the rest smaller tiles),
// the epilogue follows the loop, and the final tile is yielded at the tile offsets. B is read
// by four row tiles: a kernel of its own packs it first (see @runtime_b_packed_once).
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-SAME: (%[[A:.*]]: tensor<256x128xf32>, %[[B:.*]]: tensor<128x192xf32>, %[[BIAS:.*]]: tensor<192xf32>, %[[INIT:.*]]: tensor<256x192xf32>)
// CHECK: %[[PB:.*]] = "hw.parallel"(%{{.*}}) ({
// CHECK: upper_bounds = array<i64: 6>} : (tensor<6x128x32xf32>) -> tensor<6x128x32xf32>
// CHECK: %[[P:.*]] = "hw.parallel"(%[[INIT]]) ({
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[OUT:.*]]: tensor<256x192xf32>):
// CHECK-NEXT: %[[ACC0:.*]] = tensor.extract_slice %[[OUT]][%[[I]], %[[J]]] [64, 64] [1, 1]
// CHECK: %[[LOOP:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ACC0]]) -> (tensor<64x64xf32>)
// CHECK-NEXT: %[[TA:.*]] = tensor.extract_slice %[[A]][%[[I]], %[[K]]] [64, 32] [1, 1]
// CHECK: %[[TB:.*]] = tensor.extract_slice %[[PB]][%{{.*}}, %[[K]], 0] [2, 32, 32] [1, 1, 1]
// CHECK-NEXT: %[[MK:.*]] = "hw.microkernel"(%[[TA]], %[[TB]], %[[ACC]]) {mr = 12 : i64, nr = 32 : i64}
// CHECK-NEXT: scf.yield %[[MK]]
// CHECK: tensor.extract_slice %[[BIAS]][%[[J]]] [64] [1]
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: gpu.yield %[[E]], %[[I]], %[[J]] : tensor<64x64xf32>, index, index
// CHECK-NEXT: }) {mapping = ["core", "core"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>}
// CHECK-NOT: tiled.
// CHECK: return %[[P]]
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
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
}

// -----

// A rank-reduced accumulator is expanded back to the destination's rank before the yield.
// CHECK-LABEL: func.func @batch_tile
// CHECK: "hw.parallel"
// CHECK: tensor.extract_slice %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] [1, 16, 8] [1, 1, 1] : tensor<2x16x8xf32> to tensor<16x8xf32>
// CHECK: "hw.microkernel"
// CHECK: %[[X:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [1, 16, 8] : tensor<16x8xf32> into tensor<1x16x8xf32>
// CHECK: gpu.yield %[[X]]
// CHECK: mapping = ["core", "core", "core"]
func.func @batch_tile(%a: tensor<2x16x4xf32>, %b: tensor<2x4x8xf32>, %init: tensor<2x16x8xf32>) -> tensor<2x16x8xf32> {
  %r = "tiled.kernel"(%init) ({
  ^bb0(%n: index, %i: index, %j: index, %k: index, %acc: tensor<16x8xf32>):
    %la = "tiled.load"(%a, %n, %i, %k) {sizes = array<i64: 1, 16, 4>} : (tensor<2x16x4xf32>, index, index, index) -> tensor<16x4xf32>
    %lb = "tiled.load"(%b, %n, %k, %j) {sizes = array<i64: 1, 4, 8>} : (tensor<2x4x8xf32>, index, index, index) -> tensor<4x8xf32>
    %m = linalg.matmul ins(%la, %lb : tensor<16x4xf32>, tensor<4x8xf32>) outs(%acc : tensor<16x8xf32>) -> tensor<16x8xf32>
    "gpu.yield"(%m) : (tensor<16x8xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel", "parallel", "reduction"], kind = "batch_matmul", outs_indexing = array<i64: 0, 1, 2>, space = array<i64: 2, 16, 8, 4>, tile_sizes = array<i64: 1, 16, 8, 4>} : (tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return %r : tensor<2x16x8xf32>
}

// -----

// An i32 tile matmul (an integer contraction) becomes a micro-kernel on a CPU target
// (cpu-generic when none is given: 4x8).
// CHECK-LABEL: func.func @matmul_i32
// CHECK: "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 4 : i64, nr = 8 : i64} : (tensor<16x4xi32>, tensor<4x16xi32>, tensor<16x16xi32>)
func.func @matmul_i32(%a: tensor<16x4xi32>, %b: tensor<4x16xi32>, %init: tensor<16x16xi32>) -> tensor<16x16xi32> {
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %k: index, %acc: tensor<16x16xi32>):
    %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 16, 4>} : (tensor<16x4xi32>, index, index) -> tensor<16x4xi32>
    %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 4, 16>} : (tensor<4x16xi32>, index, index) -> tensor<4x16xi32>
    %m = linalg.matmul ins(%la, %lb : tensor<16x4xi32>, tensor<4x16xi32>) outs(%acc : tensor<16x16xi32>) -> tensor<16x16xi32>
    "gpu.yield"(%m) : (tensor<16x16xi32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 16, 16, 4>, tile_sizes = array<i64: 16, 16, 4>} : (tensor<16x16xi32>) -> tensor<16x16xi32>
  return %r : tensor<16x16xi32>
}

// -----

// i16 operands into i32 (linalg_to_tiled_lib.pairs) on AVX-512: the pairs micro-kernel, its
// constant B packed at compile time with k in pairs (1 panel x 32 pairs x 2 * 32 columns).
// CHECK-LABEL: func.func @matmul_i16_pairs
// CHECK: %[[P:.*]] = arith.constant dense_resource<{{.*}}> : tensor<1x32x64xi16>
// CHECK: %[[HALF:.*]] = arith.divui %{{.*}}, %c2 : index
// CHECK: %[[TILE:.*]] = tensor.extract_slice %[[P]][%{{.*}}, %[[HALF]], 0] [1, 32, 64] [1, 1, 1]
// CHECK: "hw.microkernel"(%{{.*}}, %[[TILE]], %{{.*}}) {mr = 12 : i64, nr = 32 : i64} : (tensor<16x64xi16>, tensor<1x32x64xi16>, tensor<16x32xi32>)
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @matmul_i16_pairs(%a: tensor<16x64xi16>, %init: tensor<16x32xi32>) -> tensor<16x32xi32> {
    %b = arith.constant dense<3> : tensor<64x32xi16>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<16x32xi32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 16, 64>} : (tensor<16x64xi16>, index, index) -> tensor<16x64xi16>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 64, 32>} : (tensor<64x32xi16>, index, index) -> tensor<64x32xi16>
      %m = linalg.matmul ins(%la, %lb : tensor<16x64xi16>, tensor<64x32xi16>) outs(%acc : tensor<16x32xi32>) -> tensor<16x32xi32>
      "gpu.yield"(%m) : (tensor<16x32xi32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 16, 32, 64>, tile_sizes = array<i64: 16, 32, 64>} : (tensor<16x32xi32>) -> tensor<16x32xi32>
    return %r : tensor<16x32xi32>
  }
}

// -----

// So does an i64 one (AVX-512's vpmullq; before, an i64 MatMul ran as scalar loops, 90x
// slower than i32).
// CHECK-LABEL: func.func @matmul_i64
// CHECK: "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 4 : i64, nr = 8 : i64} : (tensor<16x4xi64>, tensor<4x16xi64>, tensor<16x16xi64>)
func.func @matmul_i64(%a: tensor<16x4xi64>, %b: tensor<4x16xi64>, %init: tensor<16x16xi64>) -> tensor<16x16xi64> {
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %k: index, %acc: tensor<16x16xi64>):
    %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 16, 4>} : (tensor<16x4xi64>, index, index) -> tensor<16x4xi64>
    %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 4, 16>} : (tensor<4x16xi64>, index, index) -> tensor<4x16xi64>
    %m = linalg.matmul ins(%la, %lb : tensor<16x4xi64>, tensor<4x16xi64>) outs(%acc : tensor<16x16xi64>) -> tensor<16x16xi64>
    "gpu.yield"(%m) : (tensor<16x16xi64>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 16, 16, 4>, tile_sizes = array<i64: 16, 16, 4>} : (tensor<16x16xi64>) -> tensor<16x16xi64>
  return %r : tensor<16x16xi64>
}

// -----

// A generic contraction stays linalg.generic inside the loop (only 2-D matmuls become
// micro-kernels); a CUDA target maps the parallel dims to blocks.
// CHECK-LABEL: func.func @negative_generic_contraction
// CHECK: "hw.parallel"
// CHECK-NOT: hw.microkernel
// CHECK: linalg.generic
// CHECK: mapping = ["block_x"]
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_generic_contraction(%x: tensor<64x32xf32>, %init: tensor<64xf32>) -> tensor<64xf32> {
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %k: index, %acc: tensor<16xf32>):
      %t = "tiled.load"(%x, %i, %k) {sizes = array<i64: 16, 8>} : (tensor<64x32xf32>, index, index) -> tensor<16x8xf32>
      %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%t : tensor<16x8xf32>) outs(%acc : tensor<16xf32>) {
      ^bb1(%v: f32, %o: f32):
        %a = arith.addf %v, %o : f32
        linalg.yield %a : f32
      } -> tensor<16xf32>
      "gpu.yield"(%s) : (tensor<16xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "reduction"], kind = "sum", outs_indexing = array<i64: 0>, space = array<i64: 64, 32>, tile_sizes = array<i64: 16, 8>} : (tensor<64xf32>) -> tensor<64xf32>
    return %r : tensor<64xf32>
  }
}

// -----

// A sliding-window kernel (all dims parallel): one hw.parallel over the output tiles; the
// loads become slices, the tile's own pad and bias broadcast stay, the depthwise op stays
// linalg on the tiles (aic-hw-vectorize takes it from there).
// CHECK-LABEL: func.func @depthwise_window
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x10x13xf32>, %[[W:.*]]: tensor<4x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x5x7xf32>
// CHECK: "hw.parallel"(%[[E]]) ({
// CHECK-NEXT: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %[[OH:.*]]: index, %[[OW:.*]]: index, %[[DEST:.*]]: tensor<1x4x5x7xf32>):
// CHECK-NEXT: %[[ACC:.*]] = tensor.extract_slice %[[DEST]][%[[N]], %[[C]], %[[OH]], %[[OW]]] [1, 1, 5, 7] [1, 1, 1, 1]
// CHECK: %[[XT:.*]] = tensor.extract_slice %[[X]][%[[N]], %[[C]], %{{.*}}, %{{.*}}] [1, 1, 10, 13] [1, 1, 1, 1]
// CHECK: %[[XP:.*]] = tensor.pad %[[XT]]
// CHECK: %[[WT:.*]] = tensor.extract_slice %[[W]][%[[C]], %{{.*}}, %{{.*}}] [1, 3, 3] [1, 1, 1]
// CHECK: %[[BT:.*]] = tensor.extract_slice %[[B]][%[[C]]] [1] [1]
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[BT]] : tensor<1xf32>) outs(%[[ACC]] : tensor<1x1x5x7xf32>)
// CHECK: %[[R:.*]] = linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%[[XP]], %[[WT]] : tensor<1x1x12x15xf32>, tensor<1x3x3xf32>) outs(%[[INIT]] : tensor<1x1x5x7xf32>)
// CHECK-NEXT: gpu.yield %[[R]], %[[N]], %[[C]], %[[OH]], %[[OW]]
// CHECK: mapping = ["core", "core", "core", "core"], steps = array<i64: 1, 1, 5, 7>, upper_bounds = array<i64: 1, 4, 5, 7>
// CHECK-NOT: tiled.
func.func @depthwise_window(%x: tensor<1x4x10x13xf32>, %w: tensor<4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x5x7xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x5x7xf32>
  %r = "tiled.kernel"(%e) ({
  ^bb0(%n: index, %c: index, %oh: index, %ow: index, %acc: tensor<1x1x5x7xf32>):
    %c0 = arith.constant 0 : index
    %xt = "tiled.load"(%x, %n, %c, %c0, %c0) {sizes = array<i64: 1, 1, 10, 13>} : (tensor<1x4x10x13xf32>, index, index, index, index) -> tensor<1x1x10x13xf32>
    %xp = tensor.pad %xt low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb1(%i: index, %j: index, %k: index, %l: index):
      tensor.yield %z : f32
    } : tensor<1x1x10x13xf32> to tensor<1x1x12x15xf32>
    %wt = "tiled.load"(%w, %c, %c0, %c0) {sizes = array<i64: 1, 3, 3>} : (tensor<4x3x3xf32>, index, index, index) -> tensor<1x3x3xf32>
    %bt = "tiled.load"(%b, %c) {sizes = array<i64: 1>} : (tensor<4xf32>, index) -> tensor<1xf32>
    %init = linalg.broadcast ins(%bt : tensor<1xf32>) outs(%acc : tensor<1x1x5x7xf32>) dimensions = [0, 2, 3]
    %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%xp, %wt : tensor<1x1x12x15xf32>, tensor<1x3x3xf32>) outs(%init : tensor<1x1x5x7xf32>) -> tensor<1x1x5x7xf32>
    "gpu.yield"(%d) : (tensor<1x1x5x7xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel", "parallel", "parallel"], kind = "depthwise_conv_2d_nchw_chw", outs_indexing = array<i64: 0, 1, 2, 3>, space = array<i64: 1, 4, 5, 7>, tile_sizes = array<i64: 1, 1, 5, 7>} : (tensor<1x4x5x7xf32>) -> tensor<1x4x5x7xf32>
  return %r : tensor<1x4x5x7xf32>
}

// -----

// An init that is a linalg.fill used only by the kernel: the hw.parallel writes into the
// fill's destination and each tile fills its own accumulator slice (the whole-tensor fill is
// gone).
// CHECK-LABEL: func.func @filled_init
// CHECK-SAME: (%[[A:.*]]: tensor<64x32xf32>, %[[B:.*]]: tensor<32x64xf32>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<64x64xf32>
// CHECK-NOT: linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]]
// CHECK: "hw.parallel"(%[[E]]) ({
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[OUT:.*]]: tensor<64x64xf32>):
// CHECK-NEXT: %[[SLICE:.*]] = tensor.extract_slice %[[OUT]][%[[I]], %[[J]]] [32, 64] [1, 1]
// CHECK-NEXT: %[[ACC0:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[SLICE]] : tensor<32x64xf32>)
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ACC0]])
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @filled_init(%a: tensor<64x32xf32>, %b: tensor<32x64xf32>) -> tensor<64x64xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<32x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 32, 32>} : (tensor<64x32xf32>, index, index) -> tensor<32x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<32x64xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<32x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<32x64xf32>) -> tensor<32x64xf32>
      "gpu.yield"(%m) : (tensor<32x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 64, 64, 32>, tile_sizes = array<i64: 32, 64, 32>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    return %r : tensor<64x64xf32>
  }
}

// -----

// One fill that two kernels read (CSE merges equal fills of equal shapes): each kernel gets a
// destination of its own -- the first a new tensor, the last the fill's -- and fills its
// tiles (no whole-tensor fill, no tensor two kernels write, which bufferization would copy).
// CHECK-LABEL: func.func @fill_shared_by_two_kernels
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[E:.*]] = tensor.empty() : tensor<64x64xf32>
// CHECK-NOT: linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<64x64xf32>)
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<64x64xf32>
// CHECK: %[[R1:.*]] = "hw.parallel"(%[[E1]]) ({
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<32x64xf32>)
// CHECK: %[[R2:.*]] = "hw.parallel"(%[[E]]) ({
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<32x64xf32>)
// CHECK: return %[[R1]], %[[R2]]
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @fill_shared_by_two_kernels(%a: tensor<64x32xf32>, %b: tensor<32x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
    %r1 = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<32x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 32, 32>} : (tensor<64x32xf32>, index, index) -> tensor<32x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<32x64xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<32x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<32x64xf32>) -> tensor<32x64xf32>
      "gpu.yield"(%m) : (tensor<32x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 64, 64, 32>, tile_sizes = array<i64: 32, 64, 32>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    %r2 = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<32x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 32, 32>} : (tensor<64x32xf32>, index, index) -> tensor<32x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<32x64xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<32x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<32x64xf32>) -> tensor<32x64xf32>
      "gpu.yield"(%m) : (tensor<32x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 64, 64, 32>, tile_sizes = array<i64: 32, 64, 32>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    return %r1, %r2 : tensor<64x64xf32>, tensor<64x64xf32>
  }
}

// -----

// A constant B is packed at compile time into the column panels the register tile reads
// (ceil(N/nr) x K x nr, zeros past N): the micro-kernel slices the packed constant at panel
// J / nr, and the unpacked constant is gone. Here N = 40: two panels, the second zero-padded.
// CHECK-LABEL: func.func @constant_b_prepacked
// CHECK: %[[P:.*]] = arith.constant dense_resource<aic_{{.*}}> : tensor<2x2x32xf32>
// CHECK-NOT: tensor<2x40xf32>
// CHECK: "hw.parallel"
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %{{.*}}: tensor<8x40xf32>):
// CHECK: %[[PANEL:.*]] = arith.divui %[[J]], %{{.*}} : index
// CHECK: %[[TB:.*]] = tensor.extract_slice %[[P]][%[[PANEL]], %{{.*}}, 0] [2, 2, 32] [1, 1, 1] : tensor<2x2x32xf32> to tensor<2x2x32xf32>
// CHECK: "hw.microkernel"(%{{.*}}, %[[TB]], %{{.*}}) {mr = 8 : i64, nr = 32 : i64} : (tensor<8x2xf32>, tensor<2x2x32xf32>, tensor<8x40xf32>)
module attributes {hw.target = {cores = 1 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @constant_b_prepacked(%a: tensor<8x2xf32>, %init: tensor<8x40xf32>) -> tensor<8x40xf32> {
    %b = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0], [40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0]]> : tensor<2x40xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<8x40xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 8, 2>} : (tensor<8x2xf32>, index, index) -> tensor<8x2xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 2, 40>} : (tensor<2x40xf32>, index, index) -> tensor<2x40xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<8x2xf32>, tensor<2x40xf32>) outs(%acc : tensor<8x40xf32>) -> tensor<8x40xf32>
      "gpu.yield"(%m) : (tensor<8x40xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 8, 40, 2>, tile_sizes = array<i64: 8, 40, 2>} : (tensor<8x40xf32>) -> tensor<8x40xf32>
    return %r : tensor<8x40xf32>
  }
}

// -----

// A run-time B read by four row tiles is packed once, by a kernel of its own (one panel per
// iteration) placed where B is defined; the micro-kernels slice the packed panels.
// CHECK-LABEL: func.func @runtime_b_packed_once
// CHECK-SAME: (%[[A:.*]]: tensor<256x64xf32>, %[[B:.*]]: tensor<64x64xf32>, %[[INIT:.*]]: tensor<256x64xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x64x32xf32>
// CHECK: %[[P:.*]] = "hw.parallel"(%[[E]])
// CHECK: vector.transfer_read %[[B]]
// CHECK: mapping = ["core"], steps = array<i64: 1>, upper_bounds = array<i64: 2>
// CHECK: "hw.parallel"(%[[INIT]])
// CHECK: %[[TB:.*]] = tensor.extract_slice %[[P]][%{{.*}}, %{{.*}}, 0] [2, 64, 32] [1, 1, 1]
// CHECK: "hw.microkernel"(%{{.*}}, %[[TB]], %{{.*}})
module attributes {hw.target = {cores = 1 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @runtime_b_packed_once(%a: tensor<256x64xf32>, %b: tensor<64x64xf32>, %init: tensor<256x64xf32>) -> tensor<256x64xf32> {
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 64>} : (tensor<256x64xf32>, index, index) -> tensor<64x64xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 64, 64>} : (tensor<64x64xf32>, index, index) -> tensor<64x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<64x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 64, 64>, tile_sizes = array<i64: 64, 64, 64>} : (tensor<256x64xf32>) -> tensor<256x64xf32>
    return %r : tensor<256x64xf32>
  }
}

// -----

// Two row tiles: each packs its B tile inside the micro-kernel, while it is in cache.
// CHECK-LABEL: func.func @runtime_b_two_row_tiles
// CHECK-NOT: tensor.empty
// CHECK: "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 12 : i64, nr = 32 : i64} : (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>)
module attributes {hw.target = {cores = 1 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @runtime_b_two_row_tiles(%a: tensor<128x64xf32>, %b: tensor<64x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 64>} : (tensor<128x64xf32>, index, index) -> tensor<64x64xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 64, 64>} : (tensor<64x64xf32>, index, index) -> tensor<64x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<64x64xf32>, tensor<64x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64, 64>, tile_sizes = array<i64: 64, 64, 64>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
    return %r : tensor<128x64xf32>
  }
}

// -----

// A convolution's patch copy (left by aic-convert-linalg-to-tiled) read as the matmul's B: no
// patch matrix, no tensor.pad, no padded copy of the image. Each micro-kernel call gets its B
// block as panels (2 x 18 x 32) read from the unpadded image right before it: per panel the
// read masks of each of the 9 filter taps and 6 output rows the 32 lanes touch (32-bit words),
// per row of P its offset from a table and its tap's masks (row mod 9), one masked contiguous
// read per output row a panel touches (unit stride; the padding lanes masked off, reading the
// pad value), merged by select.
// CHECK-LABEL: func.func @patches_packed_in_the_tile
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x6x6xf32>, %[[W:.*]]: tensor<8x18xf32>, %[[INIT:.*]]: tensor<8x36xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2, 3]] : tensor<1x2x6x6xf32> into tensor<72xf32>
// CHECK-NOT: linalg.generic
// CHECK: "hw.parallel"(%[[INIT]])
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<2x18x32xf32>
// CHECK: %[[PANELS:.*]] = scf.for %{{.*}} iter_args(%{{.*}} = %[[EMPTY]])
// CHECK: %[[TAPS:.*]] = tensor.empty() : tensor<9x6xi32>
// CHECK: %[[WORD:.*]] = vector.bitcast %{{.*}} : vector<32xi1> to vector<1xi32>
// CHECK: %[[BITS:.*]] = vector.extract %[[WORD]][0] : i32 from vector<1xi32>
// CHECK: tensor.insert %[[BITS]] into %[[TAPS]][%{{.*}}, %{{.*}}] : tensor<9x6xi32>
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(
// CHECK: %[[ROW:.*]] = arith.addi %[[K]], %[[P]] : index
// CHECK: tensor.extract %{{.*}}[%[[ROW]]] : tensor<18xi32>
// CHECK: %[[TAP:.*]] = arith.remui %[[ROW]], %{{.*}} : index
// CHECK: tensor.extract %{{.*}}[%[[TAP]], %{{.*}}] : tensor<9x6xi32>
// CHECK: vector.bitcast %{{.*}} : vector<1xi32> to vector<32xi1>
// CHECK: vector.transfer_read %[[FLAT]][%{{.*}}], %{{.*}}, %{{.*}} {in_bounds = [true]} : tensor<72xf32>, vector<32xf32>
// CHECK: arith.select
// CHECK: vector.transfer_write
// CHECK: "hw.microkernel"(%{{.*}}, %[[PANELS]], %{{.*}}) {mr = 8 : i64, nr = 32 : i64}
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @patches_packed_in_the_tile(%x: tensor<1x2x6x6xf32>, %w: tensor<8x18xf32>, %init: tensor<8x36xf32>) -> tensor<8x36xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %zero : f32
    } : tensor<1x2x6x6xf32> to tensor<1x2x8x8xf32>
    %e = tensor.empty() : tensor<1x2x3x3x6x6xf32>
    %copy = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 1 + d2, d5 * 1 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%padded : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x3x3x6x6xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x2x3x3x6x6xf32>
    %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x2x3x3x6x6xf32> into tensor<18x36xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<8x36xf32>):
      %la = "tiled.load"(%w, %i, %k) {sizes = array<i64: 8, 18>} : (tensor<8x18xf32>, index, index) -> tensor<8x18xf32>
      %lb = "tiled.load"(%p, %k, %j) {sizes = array<i64: 18, 36>} : (tensor<18x36xf32>, index, index) -> tensor<18x36xf32>
      %mm = linalg.matmul ins(%la, %lb : tensor<8x18xf32>, tensor<18x36xf32>) outs(%acc : tensor<8x36xf32>) -> tensor<8x36xf32>
      gpu.yield %mm : tensor<8x36xf32>
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 8, 36, 18>, tile_sizes = array<i64: 8, 36, 18>} : (tensor<8x36xf32>) -> tensor<8x36xf32>
    return %r : tensor<8x36xf32>
  }
}

// -----

// Column stride 2: a panel row is read as 2 x 16 consecutive elements per output row touched
// (the lane mask spread over the even positions), every second one kept (vector.shuffle).
// CHECK-LABEL: func.func @strided_patches_shuffled
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2, 3]] : tensor<1x2x7x7xf32> into tensor<98xf32>
// CHECK: tensor.empty() : tensor<1x18x16xf32>
// CHECK: %[[SPREAD:.*]] = vector.shuffle %{{.*}}, %{{.*}} [0, 16, 1, 16, {{.*}}] : vector<16xi1>, vector<1xi1>
// CHECK: %[[WIDE:.*]] = vector.transfer_read %[[FLAT]][%{{.*}}], %{{.*}}, %[[SPREAD]] {in_bounds = [true]} : tensor<98xf32>, vector<32xf32>
// CHECK: vector.shuffle %[[WIDE]], %[[WIDE]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CHECK-NOT: vector.gather
// CHECK: "hw.microkernel"
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @strided_patches_shuffled(%x: tensor<1x2x7x7xf32>, %w: tensor<8x18xf32>, %init: tensor<8x16xf32>) -> tensor<8x16xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %zero : f32
    } : tensor<1x2x7x7xf32> to tensor<1x2x9x9xf32>
    %e = tensor.empty() : tensor<1x2x3x3x4x4xf32>
    %copy = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%padded : tensor<1x2x9x9xf32>) outs(%e : tensor<1x2x3x3x4x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x2x3x3x4x4xf32>
    %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x2x3x3x4x4xf32> into tensor<18x16xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<8x16xf32>):
      %la = "tiled.load"(%w, %i, %k) {sizes = array<i64: 8, 18>} : (tensor<8x18xf32>, index, index) -> tensor<8x18xf32>
      %lb = "tiled.load"(%p, %k, %j) {sizes = array<i64: 18, 16>} : (tensor<18x16xf32>, index, index) -> tensor<18x16xf32>
      %mm = linalg.matmul ins(%la, %lb : tensor<8x18xf32>, tensor<18x16xf32>) outs(%acc : tensor<8x16xf32>) -> tensor<8x16xf32>
      gpu.yield %mm : tensor<8x16xf32>
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 8, 16, 18>, tile_sizes = array<i64: 8, 16, 18>} : (tensor<8x16xf32>) -> tensor<8x16xf32>
    return %r : tensor<8x16xf32>
  }
}

// -----

// Column stride 3 (over MAX_READ_STRIDE): each panel row is one masked vector.gather.
// CHECK-LABEL: func.func @stride3_patches_gathered
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2, 3]] : tensor<1x2x8x8xf32> into tensor<128xf32>
// CHECK: vector.gather %[[FLAT]][%{{.*}}] [%{{.*}}], %{{.*}}, %{{.*}} : tensor<128xf32>, vector<16xi32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: "hw.microkernel"
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @stride3_patches_gathered(%x: tensor<1x2x8x8xf32>, %w: tensor<8x18xf32>, %init: tensor<8x9xf32>) -> tensor<8x9xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %zero : f32
    } : tensor<1x2x8x8xf32> to tensor<1x2x10x10xf32>
    %e = tensor.empty() : tensor<1x2x3x3x3x3xf32>
    %copy = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 3 + d2, d5 * 3 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%padded : tensor<1x2x10x10xf32>) outs(%e : tensor<1x2x3x3x3x3xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x2x3x3x3x3xf32>
    %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x2x3x3x3x3xf32> into tensor<18x9xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<8x9xf32>):
      %la = "tiled.load"(%w, %i, %k) {sizes = array<i64: 8, 18>} : (tensor<8x18xf32>, index, index) -> tensor<8x18xf32>
      %lb = "tiled.load"(%p, %k, %j) {sizes = array<i64: 18, 9>} : (tensor<18x9xf32>, index, index) -> tensor<18x9xf32>
      %mm = linalg.matmul ins(%la, %lb : tensor<8x18xf32>, tensor<18x9xf32>) outs(%acc : tensor<8x9xf32>) -> tensor<8x9xf32>
      gpu.yield %mm : tensor<8x9xf32>
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 8, 9, 18>, tile_sizes = array<i64: 8, 9, 18>} : (tensor<8x9xf32>) -> tensor<8x9xf32>
    return %r : tensor<8x9xf32>
  }
}

// -----

// A patch copy whose P no micro-kernel reads (here a matmul outside any kernel) becomes the
// patch matrix (18 x 36) read from the image, one row per iteration of a hw.parallel.
// CHECK-LABEL: func.func @patch_matrix_for_a_plain_matmul
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x6x6xf32>, %[[W:.*]]: tensor<8x18xf32>, %[[INIT:.*]]: tensor<8x36xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]]
// CHECK: %[[P:.*]] = "hw.parallel"
// CHECK: vector.transfer_read %[[FLAT]]
// CHECK: upper_bounds = array<i64: 18>} : (tensor<18x36xf32>) -> tensor<18x36xf32>
// CHECK-NOT: linalg.generic
// CHECK: linalg.matmul ins(%[[W]], %[[P]] : tensor<8x18xf32>, tensor<18x36xf32>)
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.600000e+00 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 3.328000e+02 : f64, vector_bits = 512 : i64}} {
  func.func @patch_matrix_for_a_plain_matmul(%x: tensor<1x2x6x6xf32>, %w: tensor<8x18xf32>, %init: tensor<8x36xf32>) -> tensor<8x36xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %zero : f32
    } : tensor<1x2x6x6xf32> to tensor<1x2x8x8xf32>
    %e = tensor.empty() : tensor<1x2x3x3x6x6xf32>
    %copy = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 + d2, d5 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%padded : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x3x3x6x6xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<1x2x3x3x6x6xf32>
    %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x2x3x3x6x6xf32> into tensor<18x36xf32>
    %r = linalg.matmul ins(%w, %p : tensor<8x18xf32>, tensor<18x36xf32>) outs(%init : tensor<8x36xf32>) -> tensor<8x36xf32>
    return %r : tensor<8x36xf32>
  }
}
