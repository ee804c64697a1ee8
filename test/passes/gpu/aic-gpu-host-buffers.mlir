// RUN: aic-opt %s --split-input-file -p "aic-gpu-host-buffers" | FileCheck %s

// The argument, the weight and the intermediate of a function with kernels move to managed
// memory: the argument copied in at entry and back out before the return, the weight copied
// from its global, the intermediate allocated there; every managed buffer freed (async
// gpu.dealloc, waited for).
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[ARG:.*]]: memref<4xf32>)
// CHECK: %[[A:.*]] = gpu.alloc  host_shared () : memref<4xf32>
// CHECK-NEXT: memref.copy %[[ARG]], %[[A]]
// CHECK: %[[G:.*]] = memref.get_global @w : memref<4xf32>
// CHECK-NEXT: %[[W:.*]] = gpu.alloc  host_shared () : memref<4xf32>
// CHECK-NEXT: memref.copy %[[G]], %[[W]]
// CHECK: %[[T:.*]] = gpu.alloc  host_shared () : memref<4xf32>
// CHECK: gpu.launch
// CHECK: memref.load %[[W]]
// CHECK: memref.store %{{.*}}, %[[T]]
// CHECK: memref.load %[[T]]
// CHECK: memref.store %{{.*}}, %[[A]]
// CHECK: gpu.dealloc async [%{{.*}}] %[[T]]
// CHECK: memref.copy %[[A]], %[[ARG]]
// CHECK: gpu.dealloc async [%{{.*}}] %[[A]]
// CHECK: return
memref.global "private" constant @w : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func @main(%out: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %w = memref.get_global @w : memref<4xf32>
  %t = memref.alloc() : memref<4xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %v = memref.load %w[%tx] : memref<4xf32>
    memref.store %v, %t[%tx] : memref<4xf32>
    %u = memref.load %t[%tx] : memref<4xf32>
    memref.store %u, %out[%tx] : memref<4xf32>
    gpu.terminator
  }
  memref.dealloc %t : memref<4xf32>
  return
}

// -----

// negative_no_kernels: a function without launches is left alone.
// CHECK-LABEL: func.func @negative_no_kernels
// CHECK-NOT: gpu.alloc
// CHECK: memref.alloc
func.func @negative_no_kernels(%out: memref<4xf32>) {
  %t = memref.alloc() : memref<4xf32>
  memref.copy %t, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
}
