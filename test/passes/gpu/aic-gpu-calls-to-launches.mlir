// RUN: aic-opt %s --split-input-file -p "aic-gpu-calls-to-launches" | FileCheck %s

// A call of an aic.launch declaration becomes the launch it stands for; the declaration goes.
// CHECK-NOT: __aic_launch_0
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[A:.*]]: memref<4xf32>)
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK: gpu.launch_func @k::@k blocks in (%[[C2]], %[[C1]], %[[C1]]) threads in (%[[C32]], %[[C1]], %[[C1]]) args(%[[A]] : memref<4xf32>)
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func private @__aic_launch_0(memref<4xf32>) attributes {aic.launch = @k::@k, aic.grid = array<i64: 2, 1, 1>, aic.block = array<i64: 32, 1, 1>}
  func.func @main(%a: memref<4xf32>) {
    func.call @__aic_launch_0(%a) : (memref<4xf32>) -> ()
    return
  }
}

// -----

// negative_plain_call: a call of a declaration without aic.launch stays a call.
// CHECK-LABEL: func.func @negative_plain_call
// CHECK: call @ext
// CHECK-NOT: gpu.launch_func
func.func private @ext(memref<4xf32>)
func.func @negative_plain_call(%a: memref<4xf32>) {
  func.call @ext(%a) : (memref<4xf32>) -> ()
  return
}
