// RUN: aic-opt %s -p "gpu-kernel-outlining,aic-gpu-merge-kernels" | FileCheck %s

// Two launches outline into two gpu.modules whose kernels share a name; merged, both live in
// @aic_kernels, each named after its old module, and the launches point at them.
// CHECK-LABEL: func.func @two_kernels
// CHECK: gpu.launch_func @aic_kernels::@two_kernels_kernel blocks
// CHECK: gpu.launch_func @aic_kernels::@two_kernels_kernel_0 blocks
// CHECK: gpu.module @aic_kernels {
// CHECK-DAG: gpu.func @two_kernels_kernel(
// CHECK-DAG: gpu.func @two_kernels_kernel_0(
// CHECK: }
// CHECK-NOT: gpu.module
func.func @two_kernels(%x: memref<32xf32>) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %one = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    memref.store %one, %x[%tx] : memref<32xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %v = memref.load %x[%tx] : memref<32xf32>
    %w = arith.addf %v, %one : f32
    memref.store %w, %x[%tx] : memref<32xf32>
    gpu.terminator
  }
  return
}
