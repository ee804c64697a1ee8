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

// Decided per function: a dynamic result keeps all results of its function returned; a
// function beside it with static results gets out-params.
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

// CHECK-LABEL: func.func @static_beside_a_dynamic_one
// CHECK-SAME: (%[[OUT:.*]]: memref<3xf32>)
// CHECK-NOT: memref.alloc
// CHECK: return
// CHECK-NOT: memref<3xf32>
func.func @static_beside_a_dynamic_one() -> memref<3xf32> {
  %0 = memref.alloc() : memref<3xf32>
  return %0 : memref<3xf32>
}

// -----

// Visibility is kept: a public function stays public, a private one private.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.*}}: memref<2xf32>)
// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%[[OUT:.*]]: memref<2xf32>)
// CHECK: call @helper(%{{.*}}) : (memref<2xf32>) -> ()
// CHECK: memref.copy %{{.*}}, %[[OUT]]
func.func private @helper() -> memref<2xf32> {
  %0 = memref.alloc() : memref<2xf32>
  return %0 : memref<2xf32>
}
func.func @entry() -> memref<2xf32> {
  %0 = call @helper() : () -> memref<2xf32>
  return %0 : memref<2xf32>
}
