// RUN: aic-opt %s -p 'aic-hw-lower-mma,canonicalize,one-shot-bufferize{bufferize-function-boundaries},gpu-lower-to-nvvm-pipeline{cubin-chip=sm_80 cubin-features=+ptx76 cubin-format=isa}' | FileCheck %s
// RUN: aic-opt %s -p 'aic-hw-lower-mma,canonicalize,one-shot-bufferize{bufferize-function-boundaries},gpu-lower-to-nvvm-pipeline{cubin-chip=sm_90a cubin-features=+ptx80 cubin-format=isa}' | FileCheck %s --check-prefix=SM90

// The TF32 contraction block down to PTX (the gpu.binary's assembly, escaped: \09 tab,
// \0A newline): 16-byte cp.async (cache global) into shared memory, one commit per slice,
// wait for all but the newest group, bar.sync around the m16n8k8 TF32 tensor-core tiles
// (2 k-steps x 2 x 2 tiles per warp and slice = 8 mma.sync), the fused relu as max, the
// accumulator pairs stored 8 bytes at a time.
// CHECK: gpu.binary @aic_mma_0_module
// CHECK-SAME: chip = "sm_80", features = "+ptx76"
// CHECK-SAME: .target sm_80
// CHECK-SAME: cp.async.cg.shared.global [%{{[a-z0-9]+}}], [%{{[a-z0-9]+}}], 16, %{{[a-z0-9]+}};
// CHECK-SAME: cp.async.commit_group;
// CHECK-SAME: cp.async.wait_group \091;\0A\09bar.sync \090;
// CHECK-COUNT-8: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32
// CHECK-NOT: mma.sync
// CHECK-SAME: bar.sync \090;
// CHECK-SAME: max.{{(NaN.)?}}f32
// CHECK-SAME: st.global.v2.b32
// SM90: gpu.binary @aic_mma_0_module
// SM90-SAME: .target sm_90a
// SM90-SAME: mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32

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

