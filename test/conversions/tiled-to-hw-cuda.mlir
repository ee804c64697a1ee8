// RUN: aic-opt %s --split-input-file -p aic-convert-tiled-to-hw | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-convert-tiled-to-hw{gpu-precision=f32}' | FileCheck %s --check-prefix=F32

// On a CUDA target a matmul kernel maps onto tensor cores: blocks over the kernel's 64x64
// tiles, the accumulator filled in the block, a k loop over 16-deep A/B slices, warps
// (2x4, 32x16 warp tiles) each running one hw.microkernel of m16n8 mma tiles, then the
// element-wise epilogue; the block carries its pipeline depth (hw.mma_stages).
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-SAME: (%[[A:.*]]: tensor<256x128xf32>, %[[B:.*]]: tensor<128x192xf32>, %[[BIAS:.*]]: tensor<192xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<256x192xf32>
// CHECK: %[[P:.*]] = "hw.parallel"(%[[EMPTY]]) ({
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[OUT:.*]]: tensor<256x192xf32>):
// CHECK-NEXT: %[[SLICE:.*]] = tensor.extract_slice %[[OUT]][%[[I]], %[[J]]] [64, 64] [1, 1]
// CHECK-NEXT: %[[ACC0:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[SLICE]] : tensor<64x64xf32>)
// CHECK: %[[LOOP:.*]] = scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ACC0]]) -> (tensor<64x64xf32>)
// CHECK-NEXT: %[[TA:.*]] = tensor.extract_slice %[[A]][%[[I]], %[[K]]] [64, 16] [1, 1]
// CHECK-NEXT: %[[TB:.*]] = tensor.extract_slice %[[B]][%[[K]], %[[J]]] [16, 64] [1, 1]
// CHECK-NEXT: %[[W:.*]] = "hw.parallel"(%[[ACC]]) ({
// CHECK-NEXT: ^bb0(%[[WI:.*]]: index, %[[WJ:.*]]: index, %[[CW:.*]]: tensor<64x64xf32>):
// CHECK: %[[WA:.*]] = tensor.extract_slice %[[TA]][%[[WI]], %{{.*}}] [32, 16] [1, 1]
// CHECK: %[[WB:.*]] = tensor.extract_slice %[[TB]][%{{.*}}, %[[WJ]]] [16, 16] [1, 1]
// CHECK-NEXT: %[[WC:.*]] = tensor.extract_slice %[[CW]][%[[WI]], %[[WJ]]] [32, 16] [1, 1]
// CHECK-NEXT: %[[MK:.*]] = "hw.microkernel"(%[[WA]], %[[WB]], %[[WC]]) {mr = 16 : i64, nr = 8 : i64}
// CHECK-NEXT: gpu.yield %[[MK]], %[[WI]], %[[WJ]]
// CHECK-NEXT: }) {mapping = ["thread_y", "thread_x"], steps = array<i64: 32, 16>, upper_bounds = array<i64: 64, 64>}
// CHECK-NEXT: scf.yield %[[W]]
// CHECK: tensor.extract_slice %[[BIAS]][%[[J]]] [64] [1]
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: gpu.yield %[[E]], %[[I]], %[[J]] : tensor<64x64xf32>, index, index
// CHECK-NEXT: }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>}
// CHECK: return %[[P]]
// Full f32 precision: no tensor-core mapping.
// F32-LABEL: func.func @matmul_bias_relu
// F32-NOT: hw.mma_stages
// F32: "hw.microkernel"
// F32-NOT: hw.mma_stages
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @matmul_bias_relu(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %bias: tensor<192xf32>) -> tensor<256x192xf32> {
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<256x192xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<256x192xf32>) -> tensor<256x192xf32>
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
        %q = arith.maximumf %s, %zero : f32
        linalg.yield %q : f32
      } -> tensor<64x64xf32>
      "gpu.yield"(%e) : (tensor<64x64xf32>) -> ()
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul_bias_relu", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    return %r : tensor<256x192xf32>
  }
}

// -----

// The accumulator's init is not a constant fill (C += A @ B): the generic mapping.
// CHECK-LABEL: func.func @negative_accumulate_into_input
// CHECK-NOT: hw.mma_stages
// CHECK: return
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_accumulate_into_input(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
    %r = "tiled.kernel"(%c) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<64x64xf32>, index, index) -> tensor<64x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<64x64xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<64x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 64, 64, 64>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    return %r : tensor<64x64xf32>
  }
}

// -----

// Rows that are not whole m16 mma tiles (M = 40): the generic mapping.
// CHECK-LABEL: func.func @negative_ragged_rows
// CHECK-NOT: hw.mma_stages
// CHECK: return
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_ragged_rows(%a: tensor<40x64xf32>, %b: tensor<64x64xf32>) -> tensor<40x64xf32> {
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<40x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<40x64xf32>) -> tensor<40x64xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<40x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 40, 32>} : (tensor<40x64xf32>, index, index) -> tensor<40x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<64x64xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<40x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<40x64xf32>) -> tensor<40x64xf32>
      "gpu.yield"(%m) : (tensor<40x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 40, 64, 64>, tile_sizes = array<i64: 40, 64, 32>} : (tensor<40x64xf32>) -> tensor<40x64xf32>
    return %r : tensor<40x64xf32>
  }
}

// -----

// A batched matmul (batch tile 1, rank-reduced tiles): blocks over (batch, m, n) with
// block_z for the batch; the final 2-D tile is expanded back to 1 x bm x bn.
// CHECK-LABEL: func.func @batched
// CHECK: "hw.parallel"(%{{.*}}) ({
// CHECK-NEXT: ^bb0(%[[Z:.*]]: index, %[[I:.*]]: index, %[[J:.*]]: index, %[[OUT:.*]]: tensor<4x128x96xf32>):
// CHECK: tensor.extract_slice %[[OUT]][%[[Z]], %[[I]], %[[J]]] [1, 32, 32] [1, 1, 1] : tensor<4x128x96xf32> to tensor<32x32xf32>
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-NEXT: tensor.extract_slice %{{.*}}[%[[Z]], %[[I]], %[[K]]] [1, 32, 16] [1, 1, 1] : tensor<4x128x64xf32> to tensor<32x16xf32>
// CHECK-NEXT: tensor.extract_slice %{{.*}}[%[[Z]], %[[K]], %[[J]]] [1, 16, 32] [1, 1, 1] : tensor<4x64x96xf32> to tensor<16x32xf32>
// CHECK: "hw.microkernel"{{.*}} {mr = 16 : i64, nr = 8 : i64}
// CHECK: %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [1, 32, 32]
// CHECK: gpu.yield %[[E]], %[[Z]], %[[I]], %[[J]]
// CHECK: hw.mma_stages = 2 : i64, mapping = ["block_z", "block_y", "block_x"], steps = array<i64: 1, 32, 32>, upper_bounds = array<i64: 4, 128, 96>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @batched(%a: tensor<4x128x64xf32>, %b: tensor<4x64x96xf32>) -> tensor<4x128x96xf32> {
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<4x128x96xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<4x128x96xf32>) -> tensor<4x128x96xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%z: index, %i: index, %j: index, %k: index, %acc: tensor<32x32xf32>):
      %la = "tiled.load"(%a, %z, %i, %k) {sizes = array<i64: 1, 32, 32>} : (tensor<4x128x64xf32>, index, index, index) -> tensor<32x32xf32>
      %lb = "tiled.load"(%b, %z, %k, %j) {sizes = array<i64: 1, 32, 32>} : (tensor<4x64x96xf32>, index, index, index) -> tensor<32x32xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<32x32xf32>, tensor<32x32xf32>) outs(%acc : tensor<32x32xf32>) -> tensor<32x32xf32>
      "gpu.yield"(%m) : (tensor<32x32xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "parallel", "reduction"], kind = "batch_matmul", outs_indexing = array<i64: 0, 1, 2>, space = array<i64: 4, 128, 96, 64>, tile_sizes = array<i64: 1, 32, 32, 32>} : (tensor<4x128x96xf32>) -> tensor<4x128x96xf32>
    return %r : tensor<4x128x96xf32>
  }
}

// -----

// An epilogue reading its element's position (linalg.index) is not fused into a
// tensor-core kernel (only arith/math scalar ops are): the generic mapping.
// CHECK-LABEL: func.func @negative_epilogue_index
// CHECK-NOT: hw.mma_stages
// CHECK: return
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_epilogue_index(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<64x64xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<64x64xf32>) -> tensor<64x64xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<64x64xf32>, index, index) -> tensor<64x32xf32>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<64x64xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<64x32xf32>, tensor<32x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    ^bb0(%i: index, %j: index, %acc: tensor<64x64xf32>):
      %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc : tensor<64x64xf32>) outs(%acc : tensor<64x64xf32>) {
      ^bb1(%x: f32, %o: f32):
        %row = linalg.index 0 : index
        %ri = arith.index_cast %row : index to i32
        %rf = arith.sitofp %ri : i32 to f32
        %s = arith.addf %x, %rf : f32
        linalg.yield %s : f32
      } -> tensor<64x64xf32>
      "gpu.yield"(%e) : (tensor<64x64xf32>) -> ()
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 64, 64, 64>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
    return %r : tensor<64x64xf32>
  }
}

// -----

// f16 inputs with the f32 accumulator of the graph lowering (an f16 MatMul rounds in a later
// kernel): a tensor-core block (m16n8k16 tiles) whose accumulator and result stay f32.
// CHECK-LABEL: func.func @f16_inputs_f32_accumulator
// CHECK: %[[ACC0:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<64x64xf32>)
// CHECK: %[[MK:.*]] = "hw.microkernel"(%{{.*}}, %{{.*}}, %{{.*}}) {mr = 16 : i64, nr = 8 : i64} : (tensor<{{.*}}xf16>, tensor<{{.*}}xf16>, tensor<{{.*}}xf32>)
// CHECK: hw.mma_stages = 2 : i64
// gpu-precision=f32 concerns f32 matmuls only: the f16 one keeps its tensor cores.
// F32-LABEL: func.func @f16_inputs_f32_accumulator
// F32: hw.mma_stages = 2 : i64
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @f16_inputs_f32_accumulator(%a: tensor<256x128xf16>, %b: tensor<128x192xf16>) -> tensor<256x192xf32> {
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<256x192xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<256x192xf32>) -> tensor<256x192xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<256x128xf16>, index, index) -> tensor<64x32xf16>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<128x192xf16>, index, index) -> tensor<32x64xf16>
      %m = linalg.matmul ins(%la, %lb : tensor<64x32xf16>, tensor<32x64xf16>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    return %r : tensor<256x192xf32>
  }
}

// -----

// Mixed input types (f16 x f32): the generic mapping.
// CHECK-LABEL: func.func @negative_mixed_inputs
// CHECK-NOT: hw.mma_stages
// CHECK: return
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_mixed_inputs(%a: tensor<256x128xf16>, %b: tensor<128x192xf32>) -> tensor<256x192xf32> {
    %zero = arith.constant 0.0 : f32
    %empty = tensor.empty() : tensor<256x192xf32>
    %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<256x192xf32>) -> tensor<256x192xf32>
    %r = "tiled.kernel"(%init) ({
    ^bb0(%i: index, %j: index, %k: index, %acc: tensor<64x64xf32>):
      %la = "tiled.load"(%a, %i, %k) {sizes = array<i64: 64, 32>} : (tensor<256x128xf16>, index, index) -> tensor<64x32xf16>
      %lb = "tiled.load"(%b, %k, %j) {sizes = array<i64: 32, 64>} : (tensor<128x192xf32>, index, index) -> tensor<32x64xf32>
      %m = linalg.matmul ins(%la, %lb : tensor<64x32xf16>, tensor<32x64xf32>) outs(%acc : tensor<64x64xf32>) -> tensor<64x64xf32>
      "gpu.yield"(%m) : (tensor<64x64xf32>) -> ()
    }, {
    }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    return %r : tensor<256x192xf32>
  }
}
