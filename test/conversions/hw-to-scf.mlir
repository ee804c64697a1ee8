// RUN: aic-opt %s --split-input-file -p "aic-convert-hw-to-scf{vectorize=false}" | FileCheck %s
// RUN: aic-opt %s --split-input-file -p aic-convert-hw-to-scf | FileCheck %s --check-prefix=VEC

// hw.parallel -> scf.forall with the destinations as shared_outs, the yielded tile inserted
// in parallel; hw.microkernel -> linalg.matmul on the tiles.
// CHECK-LABEL: func.func @parallel_microkernel
// CHECK-SAME: (%[[A:.*]]: tensor<256x128xf32>, %[[B:.*]]: tensor<128x192xf32>, %[[INIT:.*]]: tensor<256x192xf32>)
// CHECK: %[[F:.*]] = scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (256, 192) step (64, 64) shared_outs(%[[OUT:.*]] = %[[INIT]]) -> (tensor<256x192xf32>) {
// CHECK: %[[C:.*]] = tensor.extract_slice %[[OUT]][%[[I]], %[[J]]] [64, 64] [1, 1]
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<64x128xf32>, tensor<128x64xf32>) outs(%[[C]] : tensor<64x64xf32>)
// CHECK: scf.forall.in_parallel {
// CHECK-NEXT: tensor.parallel_insert_slice %[[M]] into %[[OUT]][%[[I]], %[[J]]] [64, 64] [1, 1]
// CHECK-NOT: hw.
// CHECK: return %[[F]]
// By default the micro-kernel is vectorized first: B packed into panels and the packed
// contraction marked for aic-memref-lower-microkernels (see aic-hw-vectorize.mlir).
// VEC-LABEL: func.func @parallel_microkernel
// VEC: scf.forall
// VEC-NOT: linalg.matmul
// VEC: linalg.generic
// VEC-SAME: attrs = {aic.microkernel = 8 : i64}
// VEC: scf.forall.in_parallel
func.func @parallel_microkernel(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %init: tensor<256x192xf32>) -> tensor<256x192xf32> {
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %j: index, %out: tensor<256x192xf32>):
    %c = tensor.extract_slice %out[%i, %j] [64, 64] [1, 1] : tensor<256x192xf32> to tensor<64x64xf32>
    %ta = tensor.extract_slice %a[%i, 0] [64, 128] [1, 1] : tensor<256x128xf32> to tensor<64x128xf32>
    %tb = tensor.extract_slice %b[0, %j] [128, 64] [1, 1] : tensor<128x192xf32> to tensor<128x64xf32>
    %m = "hw.microkernel"(%ta, %tb, %c) {mr = 8 : i64, nr = 32 : i64} : (tensor<64x128xf32>, tensor<128x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
    "gpu.yield"(%m, %i, %j) : (tensor<64x64xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 64, 64>, upper_bounds = array<i64: 256, 192>} : (tensor<256x192xf32>) -> tensor<256x192xf32>
  return %r : tensor<256x192xf32>
}

// -----

// CHECK-LABEL: func.func @shared_and_barrier
// VEC-LABEL: func.func @shared_and_barrier
// CHECK: memref.alloc() : memref<64x32xf16, 3>
// CHECK: gpu.barrier
func.func @shared_and_barrier() {
  %s = "hw.shared_alloc"() : () -> memref<64x32xf16, 3>
  "hw.barrier"() {scope = "block"} : () -> ()
  return
}

// -----

// A packed B (panels x k x nr) left to this pass becomes a generic reading it through
// (n floordiv nr, k, n mod nr); vectorized, the same generic is marked for the register
// tiles, which read the panels as they are (no packing copy).
// CHECK: #[[PACKED:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 32, d2, d1 mod 32)>
// CHECK-LABEL: func.func @microkernel_packed_b
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[PACKED]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<8x16xf32>, tensor<2x16x32xf32>) outs(%{{.*}} : tensor<8x40xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// VEC-LABEL: func.func @microkernel_packed_b
// VEC-NOT: tensor.empty
// VEC: linalg.generic
// VEC-SAME: ins(%{{.*}}, %{{.*}} : tensor<8x16xf32>, tensor<2x16x32xf32>)
// VEC-SAME: attrs = {aic.microkernel = 8 : i64}
func.func @microkernel_packed_b(%a: tensor<8x16xf32>, %b: tensor<2x16x32xf32>, %c: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %r = "hw.parallel"(%c) ({
  ^bb0(%i: index, %out: tensor<8x40xf32>):
    %t = tensor.extract_slice %out[%i, 0] [8, 40] [1, 1] : tensor<8x40xf32> to tensor<8x40xf32>
    %m = "hw.microkernel"(%a, %b, %t) {mr = 8 : i64, nr = 32 : i64} : (tensor<8x16xf32>, tensor<2x16x32xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
    %z = arith.constant 0 : index
    "gpu.yield"(%m, %i, %z) : (tensor<8x40xf32>, index, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 8>, upper_bounds = array<i64: 8>} : (tensor<8x40xf32>) -> tensor<8x40xf32>
  return %r : tensor<8x40xf32>
}
