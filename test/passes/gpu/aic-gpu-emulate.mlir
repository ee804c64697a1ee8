// RUN: aic-opt %s --split-input-file --verify-diagnostics -p "aic-gpu-emulate,canonicalize" | FileCheck %s

// Two phases around a barrier: the grid becomes a block loop, the workgroup buffer one
// default-space alloc before it, and each phase one sequential loop over the 64 threads --
// every thread finishes phase 1 (the shared-memory store) before any starts phase 2.
// CHECK-LABEL: func.func @two_phases
// CHECK-SAME: (%[[X:.*]]: memref<128xf32>, %[[Y:.*]]: memref<128xf32>)
// CHECK: %[[S:.*]] = memref.alloc() : memref<64xf32>
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %c2 step %c1 {
// CHECK: %[[BASE:.*]] = arith.muli %[[B]], %c64
// CHECK: scf.for %[[T1:.*]] = %{{.*}} to %c64 step %c1 {
// CHECK: %[[I:.*]] = arith.addi %[[BASE]], %[[T1]]
// CHECK: %[[V:.*]] = memref.load %[[X]][%[[I]]]
// CHECK: memref.store %[[V]], %[[S]][%[[T1]]]
// CHECK: }
// CHECK-NEXT: scf.for %[[T2:.*]] = %{{.*}} to %c64 step %c1 {
// CHECK: %[[R:.*]] = arith.subi %c63, %[[T2]]
// CHECK: memref.load %[[S]][%[[R]]]
// CHECK: memref.store %{{.*}}, %[[Y]]
// CHECK: }
// CHECK: }
// CHECK: memref.dealloc %[[S]]
// CHECK-NOT: gpu.
func.func @two_phases(%x: memref<128xf32>, %y: memref<128xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c63 = arith.constant 63 : index
  %c64 = arith.constant 64 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) workgroup(%s : memref<64xf32, #gpu.address_space<workgroup>>) {
    %base = arith.muli %bx, %c64 : index
    %i = arith.addi %base, %tx : index
    %v = memref.load %x[%i] : memref<128xf32>
    memref.store %v, %s[%tx] : memref<64xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %r = arith.subi %c63, %tx : index
    %w = memref.load %s[%r] : memref<64xf32, #gpu.address_space<workgroup>>
    memref.store %w, %y[%i] : memref<128xf32>
    gpu.terminator
  }
  return
}

// -----

// A barrier inside a uniform loop: the loop stays, its body is cut into phases.
// CHECK-LABEL: func.func @barrier_in_loop
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c32 step %c1 {
// CHECK: memref.store
// CHECK: }
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c32 step %c1 {
// CHECK: memref.load
// CHECK: }
func.func @barrier_in_loop(%x: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %one = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      %v = memref.load %x[%tx] : memref<32xf32>
      %w = arith.addf %v, %one : f32
      memref.store %w, %x[%tx] : memref<32xf32>
      gpu.barrier
      %u = memref.load %x[%tx] : memref<32xf32>
      memref.store %u, %x[%tx] : memref<32xf32>
      gpu.barrier
    }
    gpu.terminator
  }
  return
}

// -----

// A barrier under thread-dependent control flow has no defined meaning on a GPU.
func.func @divergent_barrier(%x: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{a barrier under thread-dependent control flow}}
    scf.for %k = %c0 to %tx step %c1 {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}
