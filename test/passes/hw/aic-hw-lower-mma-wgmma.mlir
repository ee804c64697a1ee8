// RUN: aic-opt %s --split-input-file -p aic-hw-lower-mma | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-hw-lower-mma,canonicalize,one-shot-bufferize{bufferize-function-boundaries},gpu-lower-to-nvvm-pipeline{cubin-chip=sm_90a cubin-features=+ptx80 cubin-format=isa}' | FileCheck %s --check-prefix=PTX
// RUN: aic-opt %s --split-input-file -p 'aic-hw-lower-mma{warpgroup=false}' | FileCheck %s --check-prefix=SYNC

// sm_90: a TF32 contraction block of 64 rows becomes the warpgroup (wgmma) kernel: one
// warpgroup of 128 threads per 64x64 block, flat stage buffers of core matrices aligned to
// 128 bytes, A copied in 16-byte chunks and B one element at a time (transposed to K-major),
// each thread's copies rounded to TF32 in place, the proxy fence and barrier before two
// m64n64k8 wgmma per 16-deep slice, then the bias + relu epilogue on the accumulator
// registers, stored in pairs.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK: gpu.launch_func @aic_mma_0_module::@aic_mma_0 blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%[[T:.*]], %{{.*}}, %{{.*}})
// CHECK: gpu.func @aic_mma_0({{.*}}) workgroup(%[[SA:.*]] : memref<2048xf32, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}, %[[SB:.*]] : memref<2048xf32, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}) kernel attributes {known_block_size = array<i32: 128, 1, 1>, known_grid_size = array<i32: 3, 4, 1>}
// CHECK: %[[PA:.*]] = memref.extract_aligned_pointer_as_index %[[SA]]
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} iter_args(%[[C:.*]] = %{{.*}}) -> (!llvm.struct<(f32, {{.*}})>)
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SA]][%{{.*}}], 4, %{{.*}} {bypassL1}
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SB]][%{{.*}}], 1, %{{.*}} :
// CHECK: nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK: %[[CHUNK:.*]] = vector.load %[[SA]]
// CHECK: nvvm.convert.float.to.tf32 %{{.*}} {rnd = #nvvm.fp_rnd_mode<rna>}
// CHECK: vector.store %{{.*}}, %[[SA]]
// CHECK: %[[BV:.*]] = memref.load %[[SB]]
// CHECK: %[[BR:.*]] = nvvm.convert.float.to.tf32 %[[BV]] {rnd = #nvvm.fp_rnd_mode<rna>}
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK: %[[D0:.*]] = nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %[[C]], <m = 64, n = 64, k = 8>, D[<f32>, <one>], A[<tf32>, <one>, <row>], B[<tf32>, <one>, <col>]
// CHECK: %[[D1:.*]] = nvvm.wgmma.mma_async %{{.*}}, %{{.*}}, %[[D0]], <m = 64, n = 64, k = 8>
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: scf.yield %[[D1]]
// CHECK: %[[X:.*]] = llvm.extractvalue %[[ACC]][0]
// CHECK: %[[S:.*]] = arith.addf %[[X]], %{{.*}} : f32
// CHECK: arith.maximumf %[[S]], %{{.*}} : f32
// CHECK: vector.store %{{.*}} {alignment = 8 : i64} : memref<256x192xf32>, vector<2xf32>
// CHECK-NOT: nvgpu.mma.sync
// PTX-LABEL: gpu.binary @aic_mma_0_module
// PTX-SAME: .target sm_90a
// PTX-SAME: .shared .align 128
// PTX-SAME: cvt.rna.tf32.f32
// PTX-SAME: fence.proxy.async.shared::cta;\0A\09bar.sync \090;\0A\09wgmma.fence.sync.aligned;
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32
// PTX-SAME: wgmma.commit_group.sync.aligned;\0A\09wgmma.wait_group.sync.aligned \090;
// PTX-SAME: st.global.v2.b32
// warpgroup=false: the mma.sync kernel on sm_90 too.
// SYNC-LABEL: func.func @matmul_bias_relu
// SYNC: nvgpu.mma.sync
// SYNC-NOT: wgmma

module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 90 : i64, smem = 232448 : i64, warp = 32 : i64}} {
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

// sm_90, a block of 32 rows (under one warpgroup's 64): the mma.sync kernel stays.
// CHECK-LABEL: func.func @thin_block
// CHECK: gpu.func @aic_mma_0({{.*}}) workgroup(%{{.*}} : memref<2x32x20xf32, #gpu.address_space<workgroup>>, %{{.*}} : memref<2x16x68xf32, #gpu.address_space<workgroup>>)
// CHECK: nvgpu.mma.sync
// CHECK-NOT: wgmma
// PTX-LABEL: gpu.binary @aic_mma_0_module
// PTX-SAME: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// PTX-NOT: wgmma
// SYNC-LABEL: func.func @thin_block
// SYNC: nvgpu.mma.sync

module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 90 : i64, smem = 232448 : i64, warp = 32 : i64}} {
  func.func @thin_block(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %bias: tensor<192xf32>) -> tensor<256x192xf32> {
    %c16 = arith.constant 16 : index
    %c128 = arith.constant 128 : index
    %c0 = arith.constant 0 : index
    %zero = arith.constant 0.000000e+00 : f32
    %empty = tensor.empty() : tensor<256x192xf32>
    %r = "hw.parallel"(%empty) ({
    ^bb0(%i: index, %j: index, %out: tensor<256x192xf32>):
      %slice = tensor.extract_slice %out[%i, %j] [32, 64] [1, 1] : tensor<256x192xf32> to tensor<32x64xf32>
      %acc0 = linalg.fill ins(%zero : f32) outs(%slice : tensor<32x64xf32>) -> tensor<32x64xf32>
      %acc = scf.for %k = %c0 to %c128 step %c16 iter_args(%c = %acc0) -> (tensor<32x64xf32>) {
        %ta = tensor.extract_slice %a[%i, %k] [32, 16] [1, 1] : tensor<256x128xf32> to tensor<32x16xf32>
        %tb = tensor.extract_slice %b[%k, %j] [16, 64] [1, 1] : tensor<128x192xf32> to tensor<16x64xf32>
        %w = "hw.parallel"(%c) ({
        ^bb0(%wi: index, %wj: index, %cw: tensor<32x64xf32>):
          %wa = tensor.extract_slice %ta[%wi, 0] [16, 16] [1, 1] : tensor<32x16xf32> to tensor<16x16xf32>
          %wb = tensor.extract_slice %tb[0, %wj] [16, 16] [1, 1] : tensor<16x64xf32> to tensor<16x16xf32>
          %wc = tensor.extract_slice %cw[%wi, %wj] [16, 16] [1, 1] : tensor<32x64xf32> to tensor<16x16xf32>
          %m = "hw.microkernel"(%wa, %wb, %wc) {mr = 16 : i64, nr = 8 : i64} : (tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>) -> tensor<16x16xf32>
          gpu.yield %m, %wi, %wj : tensor<16x16xf32>, index, index
        }) {mapping = ["thread_y", "thread_x"], steps = array<i64: 16, 16>, upper_bounds = array<i64: 32, 64>} : (tensor<32x64xf32>) -> tensor<32x64xf32>
        scf.yield %w : tensor<32x64xf32>
      }
      %lbias = tensor.extract_slice %bias[%j] [64] [1] : tensor<192xf32> to tensor<64xf32>
      %e = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc, %lbias : tensor<32x64xf32>, tensor<64xf32>) outs(%acc : tensor<32x64xf32>) {
      ^bb0(%x: f32, %y: f32, %o: f32):
        %s = arith.addf %x, %y : f32
        %q = arith.maximumf %s, %zero : f32
        linalg.yield %q : f32
      } -> tensor<32x64xf32>
      gpu.yield %e, %i, %j : tensor<32x64xf32>, index, index
    }) {hw.mma_stages = 2 : i64, mapping = ["block_y", "block_x"], steps = array<i64: 32, 64>, upper_bounds = array<i64: 256, 192>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
    return %r : tensor<256x192xf32>
  }
}


// -----

// A constant B (a weight) is rounded to TF32 and transposed to n x k at compile time (a new
// constant; the old one is erased): the kernel copies it in 16-byte chunks along K, like A,
// and rounds only A in place.
// CHECK-LABEL: func.func @constant_b
// CHECK-NOT: dense<1.000122
// CHECK: %[[BT:.*]] = arith.constant dense_resource<{{.*}}> : tensor<192x128xf32>
// CHECK: %[[BB:.*]] = bufferization.to_buffer %[[BT]] read_only : tensor<192x128xf32> to memref<192x128xf32>
// CHECK: gpu.launch_func @aic_mma_0_module::@aic_mma_0 {{.*}} args(%{{.*}} : memref<256x128xf32>, %[[BB]] : memref<192x128xf32>,
// CHECK: gpu.func @aic_mma_0(%{{.*}}: memref<256x128xf32>, %[[KB:.*]]: memref<192x128xf32>, {{.*}} workgroup(%[[SA:.*]] : memref<2048xf32, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}, %[[SB:.*]] : memref<2048xf32, #gpu.address_space<workgroup>> {llvm.align = 128 : i64})
// CHECK: nvgpu.device_async_copy %[[KB]][%{{.*}}, %{{.*}}], %[[SB]][%{{.*}}], 4, %{{.*}} {bypassL1}
// CHECK-NOT: memref.store
// CHECK: nvvm.wgmma.mma_async
// CHECK: gpu.return
// The mma.sync kernel gets B rounded, not transposed.
// SYNC-LABEL: func.func @constant_b
// SYNC: arith.constant dense_resource<{{.*}}> : tensor<128x192xf32>
// SYNC: nvgpu.mma.sync
// PTX-LABEL: gpu.binary @aic_mma_0_module
// PTX-SAME: wgmma.mma_async.sync.aligned.m64n64k8.f32.tf32.tf32
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 90 : i64, smem = 232448 : i64, warp = 32 : i64}} {
  func.func @constant_b(%a: tensor<256x128xf32>, %bias: tensor<192xf32>) -> tensor<256x192xf32> {
    %b = arith.constant dense<1.00012207> : tensor<128x192xf32>
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

