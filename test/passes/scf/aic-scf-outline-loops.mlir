// RUN: aic-opt %s --split-input-file -p aic-scf-outline-loops | FileCheck %s

// A kernel's forall: the memrefs it uses become arguments, its constants are copied in, the
// function is private, internal and noinline, and @main calls it.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: memref<16x8xf32>, %[[Y:.*]]: memref<16x8xf32>)
// CHECK-NOT: arith.constant
// CHECK: call @main_loop0(%[[X]], %[[Y]]) : (memref<16x8xf32>, memref<16x8xf32>) -> ()
// CHECK-NEXT: return
// CHECK: func.func private @main_loop0(%[[A:.*]]: memref<16x8xf32>, %[[B:.*]]: memref<16x8xf32>)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: scf.forall (%[[I:.*]]) in (16)
// CHECK: memref.load %[[A]][%[[I]], %[[C0]]]
// CHECK: memref.store %{{.*}}, %[[B]][%[[I]], %[[C0]]]
// CHECK: return
func.func @main(%x: memref<16x8xf32>, %y: memref<16x8xf32>) {
  %c0 = arith.constant 0 : index
  scf.forall (%i) in (16) {
    %a = memref.load %x[%i, %c0] : memref<16x8xf32>
    memref.store %a, %y[%i, %c0] : memref<16x8xf32>
  }
  return
}

// -----

// A loop carrying a value: the function returns the loop's result, the call's result
// replaces it.
// CHECK-LABEL: func.func @carried
// CHECK: %[[R:.*]] = call @carried_loop0(%{{.*}}) : (memref<16xf32>) -> f32
// CHECK: return %[[R]] : f32
// CHECK: func.func private @carried_loop0(%{{.*}}: memref<16xf32>) -> f32
// CHECK: %[[S:.*]] = scf.for
// CHECK: return %[[S]] : f32
func.func @carried(%x: memref<16xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c16 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %x[%i] : memref<16xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  return %s : f32
}

// -----

// A value computed in the function (a dynamic size) and a weight (memref.get_global) are
// passed in, in order of first use: the loop's bounds first, then its body.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[X:.*]]: memref<?xf32>)
// CHECK: %[[N:.*]] = memref.dim %[[X]]
// CHECK: %[[W:.*]] = memref.get_global @w
// CHECK: call @dynamic_loop0(%[[N]], %[[W]], %[[X]]) : (index, memref<1xf32>, memref<?xf32>) -> ()
// CHECK: func.func private @dynamic_loop0(%[[M:.*]]: index, %[[V:.*]]: memref<1xf32>, %[[A:.*]]: memref<?xf32>)
// CHECK-NOT: memref.get_global
// CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[M]])
// CHECK: memref.load %[[V]]
// CHECK: memref.store %{{.*}}, %[[A]][%[[I]]]
memref.global "private" constant @w : memref<1xf32> = dense<2.0>
func.func @dynamic(%x: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  %w = memref.get_global @w : memref<1xf32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %w[%c0] : memref<1xf32>
    memref.store %v, %x[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// Only top-level loops: a nest moves as a whole, one function per top-level loop in order.
// CHECK-LABEL: func.func @two
// CHECK: call @two_loop0
// CHECK-NEXT: call @two_loop1
// CHECK: func.func private @two_loop0
// CHECK: scf.forall
// CHECK: scf.for
// CHECK: func.func private @two_loop1
// CHECK-NOT: func.func
func.func @two(%x: memref<4x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (4) {
    scf.for %j = %c0 to %c4 step %c1 {
      memref.store %zero, %x[%i, %j] : memref<4x4xf32>
    }
  }
  scf.forall (%i) in (4) {
    memref.store %zero, %x[%i, %c0] : memref<4x4xf32>
  }
  return
}

// -----

// Identical loops on other buffers and weights share one function; a loop that differs (a
// constant) gets its own.
// CHECK-LABEL: func.func @shared
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[Y:.*]]: memref<4xf32>)
// CHECK: %[[W1:.*]] = memref.get_global @w1
// CHECK: %[[W2:.*]] = memref.get_global @w2
// CHECK: call @shared_loop0(%[[W1]], %[[X]])
// CHECK-NEXT: call @shared_loop0(%[[W2]], %[[Y]])
// CHECK-NEXT: call @shared_loop2(%[[W2]], %[[Y]])
// CHECK: func.func private @shared_loop0
// CHECK: arith.constant 0 : index
// CHECK: func.func private @shared_loop2
// CHECK: arith.constant 1 : index
// CHECK-NOT: func.func
memref.global "private" constant @w1 : memref<4xf32> = dense<1.0>
memref.global "private" constant @w2 : memref<4xf32> = dense<2.0>
func.func @shared(%x: memref<4xf32>, %y: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %w1 = memref.get_global @w1 : memref<4xf32>
  %w2 = memref.get_global @w2 : memref<4xf32>
  scf.forall (%i) in (4) {
    %v = memref.load %w1[%i] : memref<4xf32>
    memref.store %v, %x[%c0] : memref<4xf32>
  }
  scf.forall (%i) in (4) {
    %v = memref.load %w2[%i] : memref<4xf32>
    memref.store %v, %y[%c0] : memref<4xf32>
  }
  scf.forall (%i) in (4) {
    %v = memref.load %w2[%i] : memref<4xf32>
    memref.store %v, %y[%c1] : memref<4xf32>
  }
  return
}

// -----

// A name already taken gets another one (the symbol table renames the new function).
// CHECK-LABEL: func.func @taken
// CHECK: call @[[NAME:.*]]() : () -> ()
// CHECK: func.func private @taken_loop0()
// CHECK: func.func private @[[NAME]]()
// CHECK: scf.forall
func.func @taken() {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (4) {
  }
  return
}
func.func private @taken_loop0() {
  return
}

// -----

// Private functions (an outlined loop's own) are left alone: running the pass again
// changes nothing.
// CHECK-LABEL: func.func private @negative_private
// CHECK: scf.forall
// CHECK-NOT: call
func.func private @negative_private(%x: memref<4xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (4) {
    memref.store %zero, %x[%i] : memref<4xf32>
  }
  return
}

// -----

// A loop whose init value is what the loop before it returned (a k loop split in two): the
// first call's result is an argument of the second function.
// CHECK-LABEL: func.func @chained
// CHECK: %[[A:.*]] = call @chained_loop0(%[[X:.*]]) : (memref<16xf32>) -> f32
// CHECK: %[[B:.*]] = call @chained_loop1(%[[A]], %[[X]]) : (f32, memref<16xf32>) -> f32
// CHECK: return %[[B]] : f32
// CHECK: func.func private @chained_loop1(%[[INIT:.*]]: f32, %{{.*}}: memref<16xf32>) -> f32
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[INIT]])
func.func @chained(%x: memref<16xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %low = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %x[%i] : memref<16xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  %all = scf.for %i = %c8 to %c16 step %c1 iter_args(%acc = %low) -> f32 {
    %v = memref.load %x[%i] : memref<16xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %all : f32
}
