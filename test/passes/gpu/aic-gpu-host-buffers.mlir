// RUN: aic-opt %s --split-input-file -p "aic-gpu-host-buffers" | FileCheck %s

// The argument, the weight and the intermediate of a function with kernels get device
// buffers made once, under the ready flag (the weight copied from its global there), kept in
// slot globals; every call loads them, copies the argument in and back out. The cached
// intermediate's dealloc is gone: nothing is allocated or freed per call.
// CHECK-DAG: func.func private @aic_cuda_ok() -> i8
// CHECK-DAG: memref.global "private" @__aic_gpu_main_0 : memref<memref<4xf32>> = uninitialized
// CHECK-DAG: memref.global "private" @__aic_gpu_main_ready : memref<i8> = dense<0>
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[ARG:.*]]: memref<4xf32>)
// CHECK: %[[FLAG:.*]] = memref.get_global @__aic_gpu_main_ready
// CHECK: %[[COLD:.*]] = arith.cmpi eq
// CHECK: scf.if %[[COLD]] {
// CHECK: %[[A:.*]], %[[AT:.*]] = gpu.alloc async [%{{.*}}] () : memref<4xf32>
// CHECK-NEXT: gpu.wait [%[[AT]]]
// CHECK: memref.store %[[A]], %{{.*}}[] : memref<memref<4xf32>>
// CHECK: %[[W:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<4xf32>
// CHECK: %[[G:.*]] = memref.get_global @w : memref<4xf32>
// CHECK-NEXT: %[[R:.*]] = gpu.wait async
// CHECK-NEXT: %[[C:.*]] = gpu.memcpy async [%[[R]]] %[[W]], %[[G]]
// CHECK-NEXT: gpu.wait [%[[C]]]
// CHECK: %[[OK:.*]] = func.call @aic_cuda_ok() : () -> i8
// CHECK-NEXT: memref.store %[[OK]], %[[FLAG]][]
// CHECK: }
// CHECK: %[[ABUF:.*]] = memref.load %{{.*}}[] : memref<memref<4xf32>>
// CHECK-NEXT: gpu.wait async
// CHECK-NEXT: gpu.memcpy async [%{{.*}}] %[[ABUF]], %[[ARG]]
// CHECK: %[[WBUF:.*]] = memref.load %{{.*}}[] : memref<memref<4xf32>>
// CHECK: %[[TBUF:.*]] = memref.load %{{.*}}[] : memref<memref<4xf32>>
// CHECK-NOT: gpu.alloc
// CHECK: gpu.launch
// CHECK: memref.load %[[WBUF]]
// CHECK: memref.store %{{.*}}, %[[TBUF]]
// CHECK: memref.store %{{.*}}, %[[ABUF]]
// CHECK-NOT: dealloc
// CHECK: gpu.memcpy async [%{{.*}}] %[[ARG]], %[[ABUF]]
// CHECK-NEXT: gpu.wait
// CHECK-NEXT: return
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

// An allocation inside a loop (it may live across iterations) stays per call: a device
// allocation and, for its dealloc, an async gpu.dealloc waited for. A gpu.launch_func alone
// (tensor-core kernels) makes the function a host function too. The host copy out of the
// device buffer becomes a gpu.memcpy; the argument, which no kernel touches, stays as it is.
// CHECK-LABEL: func.func @loop_alloc
// CHECK-SAME: (%[[OUT:.*]]: memref<4xf32>)
// CHECK-NOT: memref.global
// CHECK: scf.for
// CHECK: %[[T:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<4xf32>
// CHECK: gpu.launch_func @k::@k
// CHECK-SAME: args(%[[T]] : memref<4xf32>)
// CHECK: gpu.memcpy async [%{{.*}}] %[[OUT]], %[[T]]
// CHECK: %[[READY:.*]] = gpu.wait async
// CHECK: %[[FREED:.*]] = gpu.dealloc async [%[[READY]]] %[[T]]
// CHECK: gpu.wait [%[[FREED]]]
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @loop_alloc(%out: memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    scf.for %i = %c0 to %c4 step %c1 {
      %t = memref.alloc() : memref<4xf32>
      gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c4, %c1, %c1) args(%t : memref<4xf32>)
      memref.copy %t, %out : memref<4xf32> to memref<4xf32>
      memref.dealloc %t : memref<4xf32>
    }
    return
  }
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

// -----

// A private helper with kernels: its arguments come from its caller (already placed, of any
// shape) and its allocation stays per call.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%[[ARG:.*]]: memref<?xi1>)
// CHECK-NOT: memref.copy
// CHECK: %[[T:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<4xf32>
// CHECK: gpu.launch_func @k::@k
// CHECK-SAME: args(%[[ARG]] : memref<?xi1>, %[[T]] : memref<4xf32>)
// CHECK: gpu.dealloc async [%{{.*}}] %[[T]]
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<?xi1>, %b: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func private @helper(%flags: memref<?xi1>) {
    %c1 = arith.constant 1 : index
    %t = memref.alloc() : memref<4xf32>
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%flags : memref<?xi1>, %t : memref<4xf32>)
    memref.dealloc %t : memref<4xf32>
    return
  }
}

// -----

// A buffer that the host code reads (here a flag array a kernel writes, as the deallocation
// pipeline makes them) goes to managed memory, reachable from both sides, also through a
// view; a buffer only the host touches stays a host allocation with its memref.dealloc.
// CHECK-LABEL: func.func @both_sides
// CHECK: %[[FLAGS:.*]] = gpu.alloc  host_shared () : memref<4xi8>
// CHECK: memref.store %[[FLAGS]]
// CHECK: %[[HOST:.*]] = memref.alloc() : memref<2xindex>
// CHECK: gpu.launch_func @k::@k
// CHECK: memref.load %{{.*}}[%{{.*}}] : memref<2xi8
// CHECK: memref.load %[[HOST]]
// CHECK: memref.dealloc %[[HOST]]
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xi8>) kernel {
      gpu.return
    }
  }
  func.func @both_sides(%out: memref<4xf32>) -> (i8, index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %flags = memref.alloc() : memref<4xi8>
    %host = memref.alloc() : memref<2xindex>
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%flags : memref<4xi8>)
    %view = memref.subview %flags[2] [2] [1] : memref<4xi8> to memref<2xi8, strided<[1], offset: 2>>
    %f = memref.load %view[%c0] : memref<2xi8, strided<[1], offset: 2>>
    %h = memref.load %host[%c1] : memref<2xindex>
    memref.dealloc %host : memref<2xindex>
    memref.dealloc %flags : memref<4xi8>
    return %f, %h : i8, index
  }
}
