// RUN: aic-opt %s --split-input-file -p "aic-gpu-launches-to-calls" | FileCheck %s
// RUN: aic-opt %s --split-input-file -p "aic-gpu-launches-to-calls,buffer-deallocation-pipeline,aic-gpu-calls-to-launches" | FileCheck %s --check-prefix=DEALLOC

// A launch becomes a call of a declaration holding its kernel, grid and block; with the
// launches as calls MLIR's deallocation pipeline frees the host buffers, and the launches
// come back (DEALLOC).
// CHECK: func.func private @__aic_launch_0(memref<4xf32>, memref<4xf32>)
// CHECK-SAME: aic.block = array<i64: 32, 1, 1>
// CHECK-SAME: aic.grid = array<i64: 2, 1, 1>
// CHECK-SAME: aic.launch = @k::@k
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK: %[[T:.*]] = memref.alloc
// CHECK-NOT: gpu.launch_func
// CHECK: call @__aic_launch_0(%[[A]], %[[T]])
// DEALLOC-NOT: __aic_launch
// DEALLOC-LABEL: func.func @main
// DEALLOC-SAME: (%[[A:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// DEALLOC: %[[T:.*]] = memref.alloc
// DEALLOC: gpu.launch_func @k::@k blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%[[A]] : memref<4xf32>, %[[T]] : memref<4xf32>)
// DEALLOC: memref.copy %[[T]], %[[OUT]]
// DEALLOC: memref.dealloc %[[T]]
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xf32>, %b: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @main(%a: memref<4xf32>, %out: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c32 = arith.constant 32 : index
    %t = memref.alloc() : memref<4xf32>
    gpu.launch_func @k::@k blocks in (%c2, %c1, %c1) threads in (%c32, %c1, %c1) args(%a : memref<4xf32>, %t : memref<4xf32>)
    memref.copy %t, %out : memref<4xf32> to memref<4xf32>
    return
  }
}
