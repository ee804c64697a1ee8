// RUN: aic-opt %s --split-input-file -p aic-convert-scf-to-openmp | FileCheck %s
// RUN: aic-opt %s --split-input-file -p "aic-convert-scf-to-openmp{num-threads=4}" | FileCheck %s --check-prefix=FOUR

// The kernel's tile loop runs on the hw.target's cores: one OpenMP region with that many
// threads, one statically scheduled work-sharing loop over the collapsed tile grid.
// CHECK-LABEL: func.func @two_cores
// CHECK-SAME: (%[[OUT:.*]]: memref<256x192xf32>)
// CHECK: %[[N:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: omp.parallel num_threads(%[[N]] : i32) {
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest (%[[I:.*]], %[[J:.*]]) : index = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %{{.*}}) collapse(2) {
// CHECK: memref.subview %[[OUT]][%[[I]], %[[J]]] [64, 64] [1, 1]
// CHECK: omp.yield
// CHECK-NOT: scf.forall
// The option wins over the target.
// FOUR-LABEL: func.func @two_cores
// FOUR: %[[N:.*]] = llvm.mlir.constant(4 : i32) : i32
// FOUR: omp.parallel num_threads(%[[N]] : i32)
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
  func.func @two_cores(%out: memref<256x192xf32>) {
    %zero = arith.constant 0.0 : f32
    scf.forall (%i, %j) = (0, 0) to (256, 192) step (64, 64) {
      %tile = memref.subview %out[%i, %j] [64, 64] [1, 1] : memref<256x192xf32> to memref<64x64xf32, strided<[192, 1], offset: ?>>
      linalg.fill ins(%zero : f32) outs(%tile : memref<64x64xf32, strided<[192, 1], offset: ?>>)
    }
    return
  }
}

// -----

// One core: the loop runs sequentially, no OpenMP in the code.
// CHECK-LABEL: func.func @one_core
// CHECK-NOT: omp.
// CHECK: scf.for %[[I:.*]] =
// CHECK: memref.subview %{{.*}}[%[[I]]] [64] [1]
// CHECK-NOT: scf.forall
module attributes {hw.target = {cores = 1 : i64, fma_units = 1 : i64, freq_ghz = 2.0 : f64, isa = "generic", kind = "cpu", l1 = 32768 : i64, l2 = 262144 : i64, l3 = 8388608 : i64, peak_gflops = 16.0 : f64, vector_bits = 128 : i64}} {
  func.func @one_core(%out: memref<256xf32>) {
    %zero = arith.constant 0.0 : f32
    scf.forall (%i) = (0) to (256) step (64) {
      %tile = memref.subview %out[%i] [64] [1] : memref<256xf32> to memref<64xf32, strided<[1], offset: ?>>
      linalg.fill ins(%zero : f32) outs(%tile : memref<64xf32, strided<[1], offset: ?>>)
    }
    return
  }
}

// -----

// Only the outermost loop is parallel: a forall inside another becomes scf.for loops, and
// so does an scf.parallel (a linalg op inside a tile).
// CHECK-LABEL: func.func @nested
// CHECK: omp.parallel
// CHECK: omp.loop_nest (%[[I:.*]]) : index
// CHECK-NOT: omp.parallel
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]]
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[I]], %[[K]]]
// CHECK-NOT: scf.forall
// CHECK-NOT: scf.parallel
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
  func.func @nested(%out: memref<8x16xf32>) {
    %zero = arith.constant 0.0 : f32
    scf.forall (%i) in (8) {
      scf.forall (%j) in (16) {
        memref.store %zero, %out[%i, %j] : memref<8x16xf32>
      }
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c16 = arith.constant 16 : index
      scf.parallel (%k) = (%c0) to (%c16) step (%c1) {
        memref.store %zero, %out[%i, %k] : memref<8x16xf32>
      }
    }
    return
  }
}

// -----

// Without a hw.target the OpenMP runtime chooses the thread count (no num_threads clause).
// CHECK-LABEL: func.func @no_target
// CHECK: omp.parallel {
// CHECK: omp.wsloop
func.func @no_target(%out: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  scf.forall (%i) in (8) {
    memref.store %zero, %out[%i] : memref<8xf32>
  }
  return
}

// -----

// A large scf.parallel (a linalg op outside kernels): its leading dimensions run in parallel,
// as few as give each thread 4 iterations; the others become scf.for inside.
// CHECK-LABEL: func.func @large_parallel
// CHECK: omp.parallel
// CHECK: omp.loop_nest (%[[I:.*]], %[[J:.*]]) : index
// CHECK: scf.for %[[K:.*]] =
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]], %[[K]]]
// CHECK-NOT: scf.parallel
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
  func.func @large_parallel(%out: memref<1x128x512xf32>) {
    %zero = arith.constant 0.0 : f32
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c128 = arith.constant 128 : index
    %c512 = arith.constant 512 : index
    scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c1, %c128, %c512) step (%c1, %c1, %c1) {
      memref.store %zero, %out[%i, %j, %k] : memref<1x128x512xf32>
    }
    return
  }
}

// -----

// A small one (under 65536 iterations) runs sequentially: a parallel region costs more.
// CHECK-LABEL: func.func @negative_small_parallel
// CHECK-NOT: omp.
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 49152 : i64, l2 = 2097152 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
  func.func @negative_small_parallel(%out: memref<128x256xf32>) {
    %zero = arith.constant 0.0 : f32
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c128 = arith.constant 128 : index
    %c256 = arith.constant 256 : index
    scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c256) step (%c1, %c1) {
      memref.store %zero, %out[%i, %j] : memref<128x256xf32>
    }
    return
  }
}
