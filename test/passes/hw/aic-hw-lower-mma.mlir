// RUN: aic-opt %s --split-input-file -p aic-hw-lower-mma | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-hw-lower-mma,gpu.module(convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,reconcile-unrealized-casts)' | FileCheck %s --check-prefix=NVVM

// A TF32 contraction block -> the host launches the generated kernel on buffers of A, B, the
// bias and a new C (grid 3x4 of 64x64 tiles, 8 warps); the kernel stages 64x16 / 16x64 slices
// (rows padded by 4 floats) with cp.async, waits for all but the newest group, barriers
// around the m16n8k8 TF32 mma tiles (fragments rounded to TF32 by cvt.rna), and applies
// bias + relu to the accumulators.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-SAME: (%[[A:.*]]: tensor<256x128xf32>, %[[B:.*]]: tensor<128x192xf32>, %[[BIAS:.*]]: tensor<192xf32>)
// CHECK-DAG: %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only : tensor<256x128xf32> to memref<256x128xf32>
// CHECK-DAG: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only
// CHECK-DAG: %[[EB:.*]] = bufferization.to_buffer %[[BIAS]] read_only
// CHECK: %[[C:.*]] = memref.alloc() : memref<256x192xf32>
// CHECK: gpu.launch_func @aic_mma_0_module::@aic_mma_0 blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%[[AB]] : memref<256x128xf32>, %[[BB]] : memref<128x192xf32>, %[[C]] : memref<256x192xf32>, %[[EB]] : memref<192xf32>)
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[C]] restrict writable
// CHECK: return %[[R]]
// CHECK: gpu.module @aic_mma_0_module
// CHECK: gpu.func @aic_mma_0({{.*}}) workgroup(%[[SA:.*]] : memref<2x64x20xf32, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<2x16x68xf32, #gpu.address_space<workgroup>>) kernel attributes {known_block_size = array<i32: 256, 1, 1>, known_grid_size = array<i32: 3, 4, 1>}
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SA]][{{.*}}], 4, %{{.*}} {bypassL1}
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SB]][{{.*}}], 4, %{{.*}} {bypassL1}
// CHECK: nvgpu.device_async_create_group
// CHECK: scf.for
// CHECK: nvgpu.device_async_create_group
// CHECK-NEXT: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK-NEXT: gpu.barrier
// CHECK: %[[AV:.*]] = memref.load %[[SA]]
// CHECK: %[[AR:.*]] = nvvm.convert.float.to.tf32 %[[AV]] {rnd = #nvvm.fp_rnd_mode<rna>}
// CHECK: arith.bitcast %[[AR]] : i32 to f32
// CHECK: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 8], tf32Enabled} : (vector<4x1xf32>, vector<2x1xf32>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: gpu.barrier
// CHECK-NEXT: scf.yield
// CHECK: memref.load %{{.*}} : memref<192xf32>
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: vector.store %{{.*}} : memref<256x192xf32>, vector<2xf32>
// NVVM-LABEL: gpu.module @aic_mma_0_module
// NVVM: nvvm.cp.async.shared.global %{{.*}}, %{{.*}}, 16, cache = cg
// NVVM: nvvm.cp.async.commit.group
// NVVM: nvvm.cp.async.wait.group 1
// NVVM: nvvm.barrier
// NVVM: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<tf32>, multiplicandBPtxType = #nvvm.mma_type<tf32>, shape = #nvvm.shape<m = 16, n = 8, k = 8>}
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @matmul_bias_relu(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %bias: tensor<192xf32>) -> tensor<256x192xf32> {
    %c16 = arith.constant 16 : index
    %c128 = arith.constant 128 : index
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.000000e+00 : f32
    %empty = tensor.empty() : tensor<256x192xf32>
    %r = "hw.parallel"(%empty) ({
    ^bb0(%i: index, %j: index, %out: tensor<256x192xf32>):
      %slice = tensor.extract_slice %out[%i, %j] [64, 64] [1, 1] : tensor<256x192xf32> to tensor<64x64xf32>
      %acc0 = linalg.fill ins(%zero : f32) outs(%slice : tensor<64x64xf32>) -> tensor<64x64xf32>
      %acc = scf.for %k = %c0 to %c128 step %c16 iter_args(%c = %acc0) -> (tensor<64x64xf32>) {
        %ta = tensor.extract_slice %a[%i, %k] [64, 16] [1, 1] : tensor<256x128xf32> to tensor<64x16xf32>
        %tb = tensor.extract_slice %b[%k, %j] [16, 64] [1, 1] : tensor<128x192xf32> to tensor<16x64xf32>
        %w = "hw.parallel"(%c) ({
        ^bb0(%wi: index, %wj: index, %cw: tensor<64x64xf32>):
          %wa = tensor.extract_slice %ta[%wi, 0] [32, 16] [1, 1] : tensor<64x16xf32> to tensor<32x16xf32>
          %wb = tensor.extract_slice %tb[0, %wj] [16, 16] [1, 1] : tensor<16x64xf32> to tensor<16x16xf32>
          %wc = tensor.extract_slice %cw[%wi, %wj] [32, 16] [1, 1] : tensor<64x64xf32> to tensor<32x16xf32>
          %m = "hw.microkernel"(%wa, %wb, %wc) {mr = 16 : i64, nr = 8 : i64} : (tensor<32x16xf32>, tensor<16x16xf32>, tensor<32x16xf32>) -> tensor<32x16xf32>
          gpu.yield %m, %wi, %wj : tensor<32x16xf32>, index, index
        }) {mapping = ["thread_y", "thread_x"], steps = array<i64: 32, 16>, upper_bounds = array<i64: 64, 64>} : (tensor<64x64xf32>) -> tensor<64x64xf32>
        scf.yield %w : tensor<64x64xf32>
      }
      %lbias = tensor.extract_slice %bias[%j] [64] [1] : tensor<192xf32> to tensor<64xf32>
      %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc, %lbias : tensor<64x64xf32>, tensor<64xf32>) outs(%acc : tensor<64x64xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        %q = arith.maximumf %s, %zero : f32
        linalg.yield %q : f32
      } -> tensor<64x64xf32>
      gpu.yield %e, %i, %j : tensor<64x64xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    return %r : tensor<256x192xf32>
  }
}

// -----

// f16: m16n8k16 mma tiles fed by ldmatrix (A: four 8x8 matrices; B: two, transposed), 32-deep
// slices padded by 8 halves, f32 accumulators truncated to f16 at the store.
// CHECK-LABEL: func.func @matmul_f16
// CHECK: gpu.func @aic_mma_0({{.*}}) workgroup(%[[SA:.*]] : memref<2x64x40xf16, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<2x32x72xf16, #gpu.address_space<workgroup>>)
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SA]][{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK: nvgpu.ldmatrix %[[SA]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<2x64x40xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %[[SB]][{{.*}}] {numTiles = 2 : i32, transpose = true} : memref<2x32x72xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
// CHECK: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: arith.truncf %{{.*}} : vector<2xf32> to vector<2xf16>
// NVVM-LABEL: gpu.module @aic_mma_0_module
// NVVM: nvvm.ldmatrix %{{.*}} {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<row>, num = 4 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>}
// NVVM: nvvm.ldmatrix %{{.*}} {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<col>, num = 2 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>}
// NVVM: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32)
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @matmul_f16(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf16> {
    %c32 = arith.constant 32 : index
    %c64 = arith.constant 64 : index
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.000000e+00 : f16
    %empty = tensor.empty() : tensor<64x64xf16>
    %r = "hw.parallel"(%empty) ({
    ^bb0(%i: index, %j: index, %out: tensor<64x64xf16>):
      %slice = tensor.extract_slice %out[%i, %j] [64, 64] [1, 1] : tensor<64x64xf16> to tensor<64x64xf16>
      %acc0 = linalg.fill ins(%zero : f16) outs(%slice : tensor<64x64xf16>) -> tensor<64x64xf16>
      %acc = scf.for %k = %c0 to %c64 step %c32 iter_args(%c = %acc0) -> (tensor<64x64xf16>) {
        %ta = tensor.extract_slice %a[%i, %k] [64, 32] [1, 1] : tensor<64x64xf16> to tensor<64x32xf16>
        %tb = tensor.extract_slice %b[%k, %j] [32, 64] [1, 1] : tensor<64x64xf16> to tensor<32x64xf16>
        %w = "hw.parallel"(%c) ({
        ^bb0(%wi: index, %wj: index, %cw: tensor<64x64xf16>):
          %wa = tensor.extract_slice %ta[%wi, 0] [32, 32] [1, 1] : tensor<64x32xf16> to tensor<32x32xf16>
          %wb = tensor.extract_slice %tb[0, %wj] [32, 16] [1, 1] : tensor<32x64xf16> to tensor<32x16xf16>
          %wc = tensor.extract_slice %cw[%wi, %wj] [32, 16] [1, 1] : tensor<64x64xf16> to tensor<32x16xf16>
          %m = "hw.microkernel"(%wa, %wb, %wc) {mr = 16 : i64, nr = 8 : i64} : (tensor<32x32xf16>, tensor<32x16xf16>, tensor<32x16xf16>) -> tensor<32x16xf16>
          gpu.yield %m, %wi, %wj : tensor<32x16xf16>, index, index
        }) {mapping = ["thread_y", "thread_x"], steps = array<i64: 32, 16>, upper_bounds = array<i64: 64, 64>} : (tensor<64x64xf16>) -> tensor<64x64xf16>
        scf.yield %w : tensor<64x64xf16>
      }
      gpu.yield %acc, %i, %j : tensor<64x64xf16>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 64, 64>} : (tensor<64x64xf16>) -> tensor<64x64xf16>
    return %r : tensor<64x64xf16>
  }
}

// -----

// Implicit GEMM: B is the patch matrix of a convolution's patch copy marked aic.im2col (the
// copy's body is reduced here to a broadcast of the image plane: the pass reads only the
// marker, the copy's shape 1 x C x KH x KW x OH x OW and the one image its tiles load). The
// kernel takes the image as B and gathers each B element from it (4-byte cp.async, source
// size 0 outside the image: pad 1); the copy is erased.
// CHECK-LABEL: func.func @implicit_gemm
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x8xf32>, %[[W:.*]]: tensor<16x72xf32>)
// CHECK-NOT: hw.parallel
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<1x8x8x8xf32> to memref<1x8x8x8xf32>
// CHECK: gpu.launch_func @aic_mma_0_module::@aic_mma_0 {{.*}} args(%{{.*}} : memref<16x72xf32>, %[[XB]] : memref<1x8x8x8xf32>, %{{.*}} : memref<16x64xf32>)
// CHECK: gpu.func @aic_mma_0({{.*}}) workgroup(%{{.*}} : memref<2x16x12xf32, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<2x8x12xf32, #gpu.address_space<workgroup>>)
// CHECK: arith.cmpi slt
// CHECK: %[[N:.*]] = arith.select %{{.*}}, %c1, %c0 : index
// CHECK: nvgpu.device_async_copy %{{.*}}[%c0, %{{.*}}, %{{.*}}, %{{.*}}], %[[SB]][{{.*}}], 1, %[[N]] : memref<1x8x8x8xf32> to memref<2x8x12xf32, #gpu.address_space<workgroup>>
// CHECK: nvgpu.mma.sync
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @implicit_gemm(%x: tensor<1x8x8x8xf32>, %w: tensor<16x72xf32>) -> tensor<16x64xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %c72 = arith.constant 72 : index
    %pe = tensor.empty() : tensor<1x8x3x3x8x8xf32>
    %copy = "hw.parallel"(%pe) ({
    ^bb0(%c: index, %out: tensor<1x8x3x3x8x8xf32>):
      %plane = tensor.extract_slice %x[0, %c, 0, 0] [1, 1, 8, 8] [1, 1, 1, 1] : tensor<1x8x8x8xf32> to tensor<1x1x8x8xf32>
      %t = tensor.extract_slice %out[0, %c, 0, 0, 0, 0] [1, 1, 3, 3, 8, 8] [1, 1, 1, 1, 1, 1] : tensor<1x8x3x3x8x8xf32> to tensor<1x1x3x3x8x8xf32>
      %p = linalg.generic {indexing_maps = [affine_map<(n, c, i, j, h, w) -> (n, c, h, w)>, affine_map<(n, c, i, j, h, w) -> (n, c, i, j, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%plane : tensor<1x1x8x8xf32>) outs(%t : tensor<1x1x3x3x8x8xf32>) {
      ^bb0(%in: f32, %o: f32):
        linalg.yield %in : f32
      } -> tensor<1x1x3x3x8x8xf32>
      gpu.yield %p, %c0, %c, %c0, %c0, %c0, %c0 : tensor<1x1x3x3x8x8xf32>, index, index, index, index, index, index
    }) {aic.im2col = {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1>, strides = array<i64: 1, 1>}, mapping = ["block_x"], steps = array<i64: 1>, upper_bounds = array<i64: 8>} : (tensor<1x8x3x3x8x8xf32>) -> tensor<1x8x3x3x8x8xf32>
    %b = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x8x3x3x8x8xf32> into tensor<72x64xf32>
    %e = tensor.empty() : tensor<16x64xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %j: index, %o: tensor<16x64xf32>):
      %slice = tensor.extract_slice %o[%i, %j] [16, 8] [1, 1] : tensor<16x64xf32> to tensor<16x8xf32>
      %acc0 = linalg.fill ins(%zero : f32) outs(%slice : tensor<16x8xf32>) -> tensor<16x8xf32>
      %acc = scf.for %k = %c0 to %c72 step %c8 iter_args(%acc1 = %acc0) -> (tensor<16x8xf32>) {
        %ta = tensor.extract_slice %w[%i, %k] [16, 8] [1, 1] : tensor<16x72xf32> to tensor<16x8xf32>
        %tb = tensor.extract_slice %b[%k, %j] [8, 8] [1, 1] : tensor<72x64xf32> to tensor<8x8xf32>
        %m = "hw.parallel"(%acc1) ({
        ^bb0(%wi: index, %wj: index, %cw: tensor<16x8xf32>):
          %mk = "hw.microkernel"(%ta, %tb, %cw) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x8xf32>, tensor<8x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
          gpu.yield %mk, %wi, %wj : tensor<16x8xf32>, index, index
        }) {mapping = ["thread_y", "thread_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf32>) -> tensor<16x8xf32>
        scf.yield %m : tensor<16x8xf32>
      }
      gpu.yield %acc, %i, %j : tensor<16x8xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 64>} : (tensor<16x64xf32>) -> tensor<16x64xf32>
    return %r : tensor<16x64xf32>
  }
}

// -----

// The same copy without the aic.im2col marker: B is the patch matrix, the copy stays.
// CHECK-LABEL: func.func @negative_unmarked_patches
// CHECK: "hw.parallel"
// CHECK: gpu.launch_func @aic_mma_0_module::@aic_mma_0 {{.*}} args(%{{.*}} : memref<16x72xf32>, %{{.*}} : memref<72x64xf32>, %{{.*}} : memref<16x64xf32>)
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_unmarked_patches(%x: tensor<1x8x8x8xf32>, %w: tensor<16x72xf32>) -> tensor<16x64xf32> {
    %zero = arith.constant 0.000000e+00 : f32
    %c0 = arith.constant 0 : index
    %c8 = arith.constant 8 : index
    %c72 = arith.constant 72 : index
    %pe = tensor.empty() : tensor<1x8x3x3x8x8xf32>
    %copy = "hw.parallel"(%pe) ({
    ^bb0(%c: index, %out: tensor<1x8x3x3x8x8xf32>):
      %plane = tensor.extract_slice %x[0, %c, 0, 0] [1, 1, 8, 8] [1, 1, 1, 1] : tensor<1x8x8x8xf32> to tensor<1x1x8x8xf32>
      %t = tensor.extract_slice %out[0, %c, 0, 0, 0, 0] [1, 1, 3, 3, 8, 8] [1, 1, 1, 1, 1, 1] : tensor<1x8x3x3x8x8xf32> to tensor<1x1x3x3x8x8xf32>
      %p = linalg.generic {indexing_maps = [affine_map<(n, c, i, j, h, w) -> (n, c, h, w)>, affine_map<(n, c, i, j, h, w) -> (n, c, i, j, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%plane : tensor<1x1x8x8xf32>) outs(%t : tensor<1x1x3x3x8x8xf32>) {
      ^bb0(%in: f32, %o: f32):
        linalg.yield %in : f32
      } -> tensor<1x1x3x3x8x8xf32>
      gpu.yield %p, %c0, %c, %c0, %c0, %c0, %c0 : tensor<1x1x3x3x8x8xf32>, index, index, index, index, index, index
    }) {mapping = ["block_x"], steps = array<i64: 1>, upper_bounds = array<i64: 8>} : (tensor<1x8x3x3x8x8xf32>) -> tensor<1x8x3x3x8x8xf32>
    %b = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x8x3x3x8x8xf32> into tensor<72x64xf32>
    %e = tensor.empty() : tensor<16x64xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %j: index, %o: tensor<16x64xf32>):
      %slice = tensor.extract_slice %o[%i, %j] [16, 8] [1, 1] : tensor<16x64xf32> to tensor<16x8xf32>
      %acc0 = linalg.fill ins(%zero : f32) outs(%slice : tensor<16x8xf32>) -> tensor<16x8xf32>
      %acc = scf.for %k = %c0 to %c72 step %c8 iter_args(%acc1 = %acc0) -> (tensor<16x8xf32>) {
        %ta = tensor.extract_slice %w[%i, %k] [16, 8] [1, 1] : tensor<16x72xf32> to tensor<16x8xf32>
        %tb = tensor.extract_slice %b[%k, %j] [8, 8] [1, 1] : tensor<72x64xf32> to tensor<8x8xf32>
        %m = "hw.parallel"(%acc1) ({
        ^bb0(%wi: index, %wj: index, %cw: tensor<16x8xf32>):
          %mk = "hw.microkernel"(%ta, %tb, %cw) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x8xf32>, tensor<8x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
          gpu.yield %mk, %wi, %wj : tensor<16x8xf32>, index, index
        }) {mapping = ["thread_y", "thread_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 8>} : (tensor<16x8xf32>) -> tensor<16x8xf32>
        scf.yield %m : tensor<16x8xf32>
      }
      gpu.yield %acc, %i, %j : tensor<16x8xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 16, 8>, upper_bounds = array<i64: 16, 64>} : (tensor<16x64xf32>) -> tensor<16x64xf32>
    return %r : tensor<16x64xf32>
  }
}
