// RUN: aic-opt %s --split-input-file -p "aic-memref-lower-microkernels{share-above=0}" | FileCheck %s
// RUN: aic-opt %s --split-input-file -p aic-memref-lower-microkernels | FileCheck %s --check-prefix=INPLACE

// A 64-row block with mr = 12, shared functions (share-above=0): a call for the 4 row groups
// of 12 and one for the 16 rows left as 2 groups of 8 (row_groups), each with the column
// bound (panels x nr) and k; the memrefs cast to dynamic sizes and strides. The function:
// per row group A's rows copied into a scratch of static row stride (so the FMAs read A at
// constant offsets), then per 12 x 32 tile 12 accumulator rows read from C, a k loop of 4
// unrolled steps (48 FMAs), a loop of single steps (12), the rows written back.
// In place (the default below share-above micro-kernels): the same loops with the static
// types, A read where it is.
// CHECK-LABEL: func.func @row_groups
// CHECK-SAME: (%[[A:.*]]: memref<64x6xf32>, %[[P:.*]]: memref<1x6x32xf32>, %[[C:.*]]: memref<64x32xf32>)
// CHECK: %[[GA:.*]] = memref.cast %[[A]] : memref<64x6xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK: %[[GP:.*]] = memref.cast %[[P]] : memref<1x6x32xf32> to memref<?x?x?xf32, strided<[?, ?, 1], offset: ?>>
// CHECK: %[[GC:.*]] = memref.cast %[[C]] : memref<64x32xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[C6:.*]] = arith.constant 6 : index
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C48:.*]] = arith.constant 48 : index
// CHECK: call @aic_microkernel_f32_12x32(%[[GA]], %[[GP]], %[[GC]], %[[C0]], %[[C48]], %[[C32]], %[[C6]])
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: call @aic_microkernel_f32_8x32(%[[GA]], %[[GP]], %[[GC]], %{{.*}}, %[[C64]], %[[C32]], %[[C6]])
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func private @aic_microkernel_f32_12x32
// CHECK-SAME: (%[[FA:[^:]+]]: memref<?x?xf32, strided<[?, 1], offset: ?>>, %[[FP:[^:]+]]: memref<?x?x?xf32, strided<[?, ?, 1], offset: ?>>, %[[FC:[^:]+]]: memref<?x?xf32, strided<[?, 1], offset: ?>>, %[[I0:[^:]+]]: index, %[[I1:[^:]+]]: index, %[[COLS:[^:]+]]: index, %[[K:[^:]+]]: index)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK: %[[S:.*]] = memref.alloca() : memref<12x528xf32>
// CHECK: scf.for %[[I:[^ ]+]] = %[[I0]] to %[[I1]] step
// CHECK: scf.for %[[KB:[^ ]+]] = %{{.*}} to %[[K]] step
// CHECK: vector.transfer_read %[[FA]][%[[I]],
// CHECK: vector.transfer_write %{{.*}}, %[[S]]
// CHECK: scf.for %[[J:[^ ]+]] = %{{.*}} to %[[COLS]] step
// CHECK-COUNT-12: vector.transfer_read %[[FC]]{{.*}} {in_bounds = [true]}
// CHECK: scf.for
// CHECK: vector.transfer_read %[[FP]]
// CHECK: memref.load %[[S]]
// CHECK-COUNT-48: vector.fma
// CHECK: scf.yield
// CHECK: scf.for
// CHECK-COUNT-12: vector.fma
// CHECK: scf.yield
// CHECK-COUNT-12: vector.transfer_write {{.*}} {in_bounds = [true]}
// CHECK-LABEL: func.func private @aic_microkernel_f32_8x32
// CHECK: memref.alloca() : memref<8x528xf32>
// INPLACE-LABEL: func.func @row_groups
// INPLACE-SAME: (%[[A:.*]]: memref<64x6xf32>, %[[P:.*]]: memref<1x6x32xf32>, %[[C:.*]]: memref<64x32xf32>)
// INPLACE-NOT: call
// INPLACE: scf.for %[[I:[^ ]+]] =
// INPLACE: scf.for
// INPLACE-COUNT-12: vector.transfer_read %[[C]]{{.*}} : memref<64x32xf32>, vector<32xf32>
// INPLACE: memref.load %[[A]][%[[I]],
// INPLACE-COUNT-48: vector.fma
// INPLACE-NOT: func.func private
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 32, d2, d1 mod 32)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @row_groups(%a: memref<64x6xf32>, %p: memref<1x6x32xf32>, %c: memref<64x32xf32>) {
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<64x6xf32>, memref<1x6x32xf32>) outs(%c : memref<64x32xf32>) attrs = {aic.microkernel = 12 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Two blocks of other shapes and strides (subviews of a bigger A and C, another k) call the
// same function: one per element type, rows, nr, masking and innermost strides.
// CHECK-LABEL: func.func @shared
// CHECK: call @aic_microkernel_f32_12x32(
// CHECK: call @aic_microkernel_f32_12x32(
// CHECK-LABEL: func.func private @aic_microkernel_f32_12x32
// CHECK-NOT: func.func private
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 32, d2, d1 mod 32)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @shared(%a: memref<24x64xf32>, %p: memref<2x64x32xf32>, %c: memref<24x64xf32>, %a2: memref<12x8xf32>, %p2: memref<1x8x32xf32>, %c2: memref<12x32xf32>) {
  %sa = memref.subview %a[0, 0] [24, 16] [1, 1] : memref<24x64xf32> to memref<24x16xf32, strided<[64, 1]>>
  %sp = memref.subview %p[0, 0, 0] [2, 16, 32] [1, 1, 1] : memref<2x64x32xf32> to memref<2x16x32xf32, strided<[2048, 32, 1]>>
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%sa, %sp : memref<24x16xf32, strided<[64, 1]>>, memref<2x16x32xf32, strided<[2048, 32, 1]>>) outs(%c : memref<24x64xf32>) attrs = {aic.microkernel = 12 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a2, %p2 : memref<12x8xf32>, memref<1x8x32xf32>) outs(%c2 : memref<12x32xf32>) attrs = {aic.microkernel = 12 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// i32 (a quantized model's integer contraction): a multiply and an add per row, no FMA.
// CHECK-LABEL: func.func private @aic_microkernel_i32_2x16
// CHECK: %[[BV:.*]] = vector.transfer_read {{.*}} : memref<?x?x?xi32, strided<[?, ?, 1], offset: ?>>, vector<16xi32>
// CHECK: %[[AS:.*]] = memref.load
// CHECK: %[[AV:.*]] = vector.broadcast %[[AS]] : i32 to vector<16xi32>
// CHECK: %[[PROD:.*]] = arith.muli %[[AV]], %[[BV]] : vector<16xi32>
// CHECK: arith.addi %[[PROD]], %{{.*}} : vector<16xi32>
// CHECK-NOT: vector.fma
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2, d1 mod 16)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @integer(%a: memref<4x8xi32>, %p: memref<1x8x16xi32>, %c: memref<4x16xi32>) {
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<4x8xi32>, memref<1x8x16xi32>) outs(%c : memref<4x16xi32>) attrs = {aic.microkernel = 2 : i64} {
  ^bb0(%x: i32, %y: i32, %z: i32):
    %m = arith.muli %x, %y : i32
    %s = arith.addi %z, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// C's 49 columns end inside the last of 4 panels of 16: the masked function reads and
// writes C without in_bounds (masked transfers), up to 64 columns.
// CHECK-LABEL: func.func @ragged
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: call @aic_microkernel_f32_4x16_masked(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[C64]],
// CHECK-LABEL: func.func private @aic_microkernel_f32_4x16_masked
// CHECK: vector.transfer_read %{{.*}}], %{{[a-z0-9_]+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.transfer_write %{{.*}}] : vector<16xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2, d1 mod 16)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @ragged(%a: memref<4x8xf32>, %p: memref<4x8x16xf32>, %c: memref<4x49xf32>) {
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<4x8xf32>, memref<4x8x16xf32>) outs(%c : memref<4x49xf32>) attrs = {aic.microkernel = 4 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// C filled with +0 just before (the packing between touches other buffers only): the fill
// goes, and on the first k chunk the accumulators start at zero instead of being read from C.
// CHECK-LABEL: func.func @zero_fill
// CHECK-NOT: linalg.fill
// CHECK: call @aic_microkernel_f32_4x16_zero(
// CHECK-LABEL: func.func private @aic_microkernel_f32_4x16_zero
// CHECK: %[[FIRST:.*]] = arith.cmpi eq
// CHECK: scf.if %[[FIRST]] -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[Z:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: scf.yield %[[Z]], %[[Z]], %[[Z]], %[[Z]]
// CHECK: } else {
// CHECK-COUNT-4: vector.transfer_read
// CHECK: vector.fma
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2, d1 mod 16)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @zero_fill(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
  %p = memref.alloc() : memref<1x8x16xf32>
  %pv = memref.expand_shape %b [[0, 1], [2]] output_shape [1, 8, 16] : memref<8x16xf32> into memref<1x8x16xf32>
  memref.copy %pv, %p : memref<1x8x16xf32> to memref<1x8x16xf32>
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<4x8xf32>, memref<1x8x16xf32>) outs(%c : memref<4x16xf32>) attrs = {aic.microkernel = 4 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  memref.dealloc %p : memref<1x8x16xf32>
  return
}

// -----

// Something between the fill and the micro-kernel writes into C's buffer (here a view of
// it): the fill stays and the accumulators are read from C.
// CHECK-LABEL: func.func @zero_fill_then_write
// CHECK: linalg.fill
// CHECK: memref.store
// CHECK: call @aic_microkernel_f32_4x16(
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2, d1 mod 16)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @zero_fill_then_write(%a: memref<4x8xf32>, %p: memref<1x8x16xf32>, %out: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %i = arith.constant 0 : index
  %c = memref.subview %out[0, 0] [4, 16] [1, 1] : memref<8x16xf32> to memref<4x16xf32, strided<[16, 1]>>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32, strided<[16, 1]>>)
  memref.store %one, %out[%i, %i] : memref<8x16xf32>
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<4x8xf32>, memref<1x8x16xf32>) outs(%c : memref<4x16xf32, strided<[16, 1]>>) attrs = {aic.microkernel = 4 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A whose rows are not contiguous (a transposed view): the shared function's scratch copy
// reads A's rows as vectors, so this one is written in place even when sharing.
// CHECK-LABEL: func.func @strided_a
// CHECK-NOT: call
// CHECK: memref.load %{{.*}} : memref<4x8xf32, strided<[1, 4]>>
// CHECK: vector.fma
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2, d1 mod 16)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @strided_a(%at: memref<8x4xf32>, %p: memref<1x8x16xf32>, %c: memref<4x16xf32>) {
  %a = memref.transpose %at (i, j) -> (j, i) : memref<8x4xf32> to memref<4x8xf32, strided<[1, 4]>>
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<4x8xf32, strided<[1, 4]>>, memref<1x8x16xf32>) outs(%c : memref<4x16xf32>) attrs = {aic.microkernel = 4 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// i16 operands into i32 (the pairs micro-kernel, B packed with k in pairs: 1 panel x 4 pairs
// x 2 * 32): two k steps per multiply-add -- per pair, the two 16-lane halves of B's pair
// row, A's pair broadcast as one i32 to 16 lanes (read as two i16, bitcast), and per half of
// each accumulator row `llvm.x86.avx512.pmaddw.d.512` added in (vpdpwssd with VNNI); the k
// loop takes 2 * 4 steps per iteration, then single pairs.
// CHECK-LABEL: func.func private @aic_microkernel_i16_pairs_2x32
// CHECK: memref.alloca() : memref<2x528xi16>
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// CHECK: %[[B0:.*]] = vector.transfer_read %{{.*}} : memref<?x?x?xi16, strided<[?, ?, 1], offset: ?>>, vector<32xi16>
// CHECK: %[[B1:.*]] = vector.transfer_read %{{.*}} : memref<?x?x?xi16, strided<[?, ?, 1], offset: ?>>, vector<32xi16>
// CHECK: %[[TWO:.*]] = vector.transfer_read %{{.*}} : memref<2x528xi16>, vector<2xi16>
// CHECK: %[[WORD:.*]] = vector.bitcast %[[TWO]] : vector<2xi16> to vector<1xi32>
// CHECK: %[[A32:.*]] = vector.broadcast %{{.*}} : i32 to vector<16xi32>
// CHECK: %[[A:.*]] = vector.bitcast %[[A32]] : vector<16xi32> to vector<32xi16>
// CHECK: %[[LOW:.*]] = vector.extract_strided_slice %{{.*}} {offsets = [0], sizes = [16], strides = [1]} : vector<32xi32> to vector<16xi32>
// CHECK: %[[P:.*]] = llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"(%[[A]], %[[B0]]) : (vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// CHECK: arith.addi %[[LOW]], %[[P]] : vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"(%[[A]], %[[B1]])
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c2
// In place: the same dot products, A read where it is.
// INPLACE-LABEL: func.func @pairs
// INPLACE-NOT: call @
// INPLACE: vector.transfer_read %{{.*}} : memref<2x8xi16>, vector<2xi16>
// INPLACE: llvm.call_intrinsic "llvm.x86.avx512.pmaddw.d.512"
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 32, d2 floordiv 2, (d1 mod 32) * 2 + d2 mod 2)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @pairs(%a: memref<2x8xi16>, %p: memref<1x4x64xi16>, %c: memref<2x32xi32>) {
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<2x8xi16>, memref<1x4x64xi16>) outs(%c : memref<2x32xi32>) attrs = {aic.microkernel = 2 : i64} {
  ^bb0(%x: i16, %y: i16, %z: i32):
    %xe = arith.extsi %x : i16 to i32
    %ye = arith.extsi %y : i16 to i32
    %m = arith.muli %xe, %ye : i32
    %s = arith.addi %z, %m : i32
    linalg.yield %s : i32
  }
  return
}
