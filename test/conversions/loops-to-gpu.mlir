// RUN: aic-opt %s --split-input-file --verify-diagnostics -p "aic-convert-loops-to-gpu,canonicalize,cse" | FileCheck %s
// RUN: aic-opt %s --split-input-file --verify-diagnostics -p "aic-convert-loops-to-gpu{threads=128},canonicalize,cse" | FileCheck %s --check-prefix=T128

// A kernel's block tiles (scf.forall) -> one gpu.launch with a 1-D grid of the 4 x 2 tiles
// (tile index delinearized, the last dim fastest); the tile's scf.parallel -> a thread phase:
// thread t runs iterations t, t + 256, ... of the linearized 16 x 32 tile, the innermost dim
// fastest (coalesced), then a barrier.
// CHECK-LABEL: func.func @tiles_and_phases
// CHECK-SAME: (%[[X:.*]]: memref<64x64xf32>, %[[Y:.*]]: memref<64x64xf32>)
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK-DAG: %[[C512:.*]] = arith.constant 512 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C8]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C256]],
// CHECK: %[[BJ:.*]] = arith.remui %[[BX]], %{{.*}} : index
// CHECK: %[[BI:.*]] = arith.divui %[[BX]], %{{.*}} : index
// CHECK: %[[I0:.*]] = arith.muli %[[BI]], %{{.*}} : index
// CHECK: %[[J0:.*]] = arith.muli %[[BJ]], %{{.*}} : index
// CHECK: %[[XT:.*]] = memref.subview %[[X]][%[[I0]], %[[J0]]] [16, 32] [1, 1]
// CHECK: scf.for %[[L:.*]] = %[[TX]] to %[[C512]] step %[[C256]] {
// CHECK: %[[J:.*]] = arith.remui %[[L]], %{{.*}} : index
// CHECK: %[[I:.*]] = arith.divui %[[L]], %{{.*}} : index
// CHECK: memref.load %[[XT]][%[[I]], %[[J]]]
// CHECK: memref.store
// CHECK: }
// CHECK-NEXT: gpu.barrier
// CHECK: gpu.terminator
// CHECK-NOT: scf.forall
// CHECK-NOT: scf.parallel
// T128-LABEL: func.func @tiles_and_phases
// T128: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c128
func.func @tiles_and_phases(%x: memref<64x64xf32>, %y: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  scf.forall (%i, %j) = (0, 0) to (64, 64) step (16, 32) {
    %xt = memref.subview %x[%i, %j] [16, 32] [1, 1] : memref<64x64xf32> to memref<16x32xf32, strided<[64, 1], offset: ?>>
    %yt = memref.subview %y[%i, %j] [16, 32] [1, 1] : memref<64x64xf32> to memref<16x32xf32, strided<[64, 1], offset: ?>>
    scf.parallel (%a, %b) = (%c0, %c0) to (%c16, %c32) step (%c1, %c1) {
      %v = memref.load %xt[%a, %b] : memref<16x32xf32, strided<[64, 1], offset: ?>>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %yt[%a, %b] : memref<16x32xf32, strided<[64, 1], offset: ?>>
      scf.reduce
    }
  }
  return
}

// -----

// A tile-local buffer (a tile temporary after bufferization) becomes a workgroup (shared
// memory) attribution of the launch; the views of it follow into the workgroup space and
// its dealloc goes. The scalar reduction loop writing one element runs on thread 0 only.
// CHECK-LABEL: func.func @shared_tile_and_thread_zero
// CHECK: gpu.launch blocks
// CHECK-SAME: workgroup(%[[S:.*]] : memref<4x8xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[SV:.*]] = memref.subview %[[S]][0, 0] [2, 8] [1, 1] : memref<4x8xf32, #gpu.address_space<workgroup>> to memref<2x8xf32, strided<[8, 1]>, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: memref.store %{{.*}}, %[[SV]]
// CHECK: gpu.barrier
// CHECK: %[[T0:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK: scf.if %[[T0]] {
// CHECK-NEXT: scf.for
// CHECK: memref.load %[[S]]
// CHECK: }
// CHECK-NEXT: }
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @shared_tile_and_thread_zero(%x: memref<8x8xf32>, %out: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  scf.forall (%t) = (0) to (2) step (1) {
    %buf = memref.alloc() : memref<4x8xf32>
    %half = memref.subview %buf[0, 0] [2, 8] [1, 1] : memref<4x8xf32> to memref<2x8xf32, strided<[8, 1]>>
    scf.parallel (%a, %b) = (%c0, %c0) to (%c2, %c8) step (%c1, %c1) {
      %v = memref.load %x[%a, %b] : memref<8x8xf32>
      memref.store %v, %half[%a, %b] : memref<2x8xf32, strided<[8, 1]>>
      scf.reduce
    }
    scf.for %k = %c0 to %c8 step %c1 {
      %acc = memref.load %out[%t] : memref<2xf32>
      %v = memref.load %buf[%c0, %k] : memref<4x8xf32>
      %s = arith.addf %acc, %v : f32
      memref.store %s, %out[%t] : memref<2xf32>
    }
    memref.dealloc %buf : memref<4x8xf32>
  }
  return
}

// -----

// Loops outside any forall: an scf.parallel -> ceil(1000 / 256) = 4 blocks, one iteration
// per thread under a bound check; a memref.copy the same way; a whole-tensor reduction loop
// -> a 1 x 1 launch.
// CHECK-LABEL: func.func @host_loops
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C1000:.*]] = arith.constant 1000 : index
// CHECK: gpu.launch blocks(%[[B:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C4]],
// CHECK: %[[M:.*]] = arith.muli %[[B]], %{{.*}} : index
// CHECK: %[[L:.*]] = arith.addi %[[M]], %{{.*}} : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[L]], %[[C1000]] : index
// CHECK: scf.if %[[IN]] {
// CHECK: memref.store
// CHECK: gpu.launch
// CHECK: memref.load
// CHECK: memref.store
// CHECK: gpu.launch blocks(%{{[^)]*}}) in (%{{[^ ]*}} = %c1, %{{[^ ]*}} = %c1, %{{[^ ]*}} = %c1) threads(%{{[^)]*}}) in (%{{[^ ]*}} = %c1,
// CHECK-NEXT: scf.for
func.func @host_loops(%x: memref<1000xf32>, %y: memref<1000xf32>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c1000) step (%c1) {
    memref.store %zero, %x[%i] : memref<1000xf32>
    scf.reduce
  }
  memref.copy %x, %y : memref<1000xf32> to memref<1000xf32>
  scf.for %i = %c0 to %c1000 step %c1 {
    %a = memref.load %s[] : memref<f32>
    %v = memref.load %y[%i] : memref<1000xf32>
    %b = arith.addf %a, %v : f32
    memref.store %b, %s[] : memref<f32>
  }
  return
}

// -----

// A thread-mapped forall inside the block (the mma path's hw.parallel over threads) is a
// phase too, and sets the block size: iteration i is thread i. A buffer in address space 3
// (hw.shared_alloc) is shared memory like a tile buffer; the phase's barrier and the one
// written after it fold into one (canonicalize).
// CHECK-LABEL: func.func @thread_forall
// CHECK: gpu.launch blocks(%{{[^)]*}}) in (%{{[^ ]*}} = %c2, %{{[^)]*}}) threads(%[[T:[^,]*]], %{{[^)]*}}) in (%{{[^ ]*}} = %c64, %{{[^)]*}})
// CHECK-SAME: workgroup(%{{.*}} : memref<64xf32, #gpu.address_space<workgroup>>)
// CHECK: scf.for %{{.*}} = %[[T]] to %c64{{.*}} step %c64
// CHECK: gpu.barrier
// CHECK-NEXT: gpu.terminator
func.func @thread_forall(%x: memref<128xf32>) {
  scf.forall (%b) = (0) to (128) step (64) {
    %s = memref.alloc() : memref<64xf32, 3>
    scf.forall (%t) = (0) to (64) step (1) {
      %i = arith.addi %b, %t : index
      %v = memref.load %x[%i] : memref<128xf32>
      memref.store %v, %s[%t] : memref<64xf32, 3>
    }
    gpu.barrier
  }
  return
}

// -----

// Tile buffers over the static shared memory a block may use (48 KiB) are an error.
func.func @too_much_shared(%x: memref<8xf32>) {
  // expected-error @+1 {{need 65536 bytes of shared memory, over the 49152 a block may use}}
  scf.forall (%t) = (0) to (2) step (1) {
    %buf = memref.alloc() : memref<16384xf32>
    %c0 = arith.constant 0 : index
    %v = memref.load %x[%c0] : memref<8xf32>
    memref.store %v, %buf[%c0] : memref<16384xf32>
  }
  return
}

// -----

// The deallocation pipeline's helper (a function other functions call) and the call to it
// stay host code: its bookkeeping reads host pointers. A plain host store still becomes a
// 1 x 1 launch.
// CHECK-LABEL: func.func @host_helper_call
// CHECK-SAME: (%[[FLAGS:.*]]: memref<2xi1>)
// CHECK: gpu.launch
// CHECK: memref.store
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK: call @helper(%[[FLAGS]])
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: gpu.launch
// CHECK: scf.for
// CHECK: memref.store
func.func @host_helper_call(%flags: memref<2xi1>) {
  %c0 = arith.constant 0 : index
  %true = arith.constant true
  memref.store %true, %flags[%c0] : memref<2xi1>
  func.call @helper(%flags) : (memref<2xi1>) -> ()
  return
}
func.func private @helper(%flags: memref<2xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %false = arith.constant false
  scf.for %i = %c0 to %c2 step %c1 {
    memref.store %false, %flags[%i] : memref<2xi1>
  }
  return
}
