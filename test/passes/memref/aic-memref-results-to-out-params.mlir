// RUN: aic-opt %s --split-input-file -p aic-memref-results-to-out-params | FileCheck %s

// Every result static: upstream buffer-results-to-out-params (the caller allocates).
// CHECK-LABEL: func.func @static_result
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK-NOT: memref.alloc
// CHECK: memref.copy %[[X]], %[[OUT]]
// CHECK: return
// CHECK-NOT: memref<4xf32>
func.func @static_result(%x: memref<4xf32>) -> memref<4xf32> {
  %0 = memref.alloc() : memref<4xf32>
  memref.copy %x, %0 : memref<4xf32> to memref<4xf32>
  return %0 : memref<4xf32>
}

// -----

// A dynamic result: the caller cannot size it, the callee returns it.
// CHECK-LABEL: func.func @negative_dynamic_result
// CHECK-SAME: (%[[X:.*]]: memref<?xf32>) -> memref<?xf32>
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: return %[[A]] : memref<?xf32>
func.func @negative_dynamic_result(%x: memref<?xf32>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %0 = memref.alloc(%n) : memref<?xf32>
  memref.copy %x, %0 : memref<?xf32> to memref<?xf32>
  return %0 : memref<?xf32>
}

// -----

// One dynamic result anywhere: no function changes, static results are returned too.
// CHECK-LABEL: func.func @negative_mixed
// CHECK-SAME: (%[[X:.*]]: memref<?xf32>) -> (memref<?xf32>, memref<2xi64>)
// CHECK: return %{{.*}}, %{{.*}} : memref<?xf32>, memref<2xi64>
func.func @negative_mixed(%x: memref<?xf32>) -> (memref<?xf32>, memref<2xi64>) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %0 = memref.alloc(%n) : memref<?xf32>
  %1 = memref.alloc() : memref<2xi64>
  return %0, %1 : memref<?xf32>, memref<2xi64>
}

// CHECK-LABEL: func.func @negative_static_beside_a_dynamic_one
// CHECK-SAME: () -> memref<3xf32>
func.func @negative_static_beside_a_dynamic_one() -> memref<3xf32> {
  %0 = memref.alloc() : memref<3xf32>
  return %0 : memref<3xf32>
}
