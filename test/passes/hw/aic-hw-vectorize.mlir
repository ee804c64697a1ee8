// RUN: aic-opt %s --split-input-file -p aic-hw-vectorize | FileCheck %s

// hw.microkernel -> B packed into nr-wide panels, then per mr x nr register tile: mr
// accumulator rows read from C, a k loop of broadcast(A[i+r, p]) * B-panel-row FMAs, and the
// rows written back.
// CHECK-LABEL: func.func @microkernel
// CHECK-SAME: (%[[A:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8x64xf32>, %{{.*}}: tensor<16x64xf32>)
// CHECK: %[[P0:.*]] = tensor.empty() : tensor<2x8x32xf32>
// CHECK: %[[PACK:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[P0]])
// CHECK: vector.transfer_read %[[B]]{{.*}} : tensor<8x64xf32>, vector<32xf32>
// CHECK: vector.transfer_write {{.*}} : vector<32xf32>, tensor<2x8x32xf32>
// CHECK: %[[R:.*]] = scf.for %[[J:[^ ]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CJ:[^ ]+]] = %{{.*}})
// CHECK: scf.for %[[I:[^ ]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CI:[^ ]+]] = %[[CJ]])
// CHECK-COUNT-2: vector.transfer_read %[[CI]]{{.*}} : tensor<16x64xf32>, vector<32xf32>
// CHECK: scf.for %[[P:[^ ]+]] = {{.*}} -> (vector<32xf32>, vector<32xf32>)
// CHECK: %[[BV:.*]] = vector.transfer_read %[[PACK]]{{.*}} : tensor<2x8x32xf32>, vector<32xf32>
// CHECK: %[[AS:.*]] = tensor.extract %[[A]][%[[I]], %[[P]]]
// CHECK: %[[AV:.*]] = vector.broadcast %[[AS]] : f32 to vector<32xf32>
// CHECK: vector.fma %[[AV]], %[[BV]], %{{.*}} : vector<32xf32>
// CHECK: vector.fma
// CHECK-COUNT-2: vector.transfer_write
// CHECK-NOT: hw.microkernel
// CHECK: gpu.yield %[[R]],
func.func @microkernel(%a: tensor<16x8xf32>, %b: tensor<8x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %r = "hw.parallel"(%c) ({
  ^bb0(%i: index, %j: index, %out: tensor<16x64xf32>):
    %m = "hw.microkernel"(%a, %b, %out) {mr = 2 : i64, nr = 32 : i64} : (tensor<16x8xf32>, tensor<8x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
    "gpu.yield"(%m, %i, %j) : (tensor<16x64xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 16, 64>, upper_bounds = array<i64: 16, 64>} : (tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// -----

// An elementwise generic: loops over the outer dim, vectors of 16 f32 lanes (cpu-generic:
// 512-bit here through the module target) along the innermost dim; an input that does not
// depend on the innermost dim is extracted and broadcast.
// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.*]]: tensor<4x32xf32>, %[[S:.*]]: tensor<4xf32>, %[[O:.*]]: tensor<4x32xf32>)
// CHECK: scf.for %[[I:[^ ]+]] = {{.*}} iter_args(%[[OI:[^ ]+]] = %{{.*}})
// CHECK: scf.for %[[J:[^ ]+]] = {{.*}} iter_args(%[[OJ:[^ ]+]] = %[[OI]])
// CHECK: %[[XV:.*]] = vector.transfer_read %[[X]][%[[I]], %[[J]]]{{.*}} : tensor<4x32xf32>, vector<16xf32>
// CHECK: %[[SS:.*]] = tensor.extract %[[S]][%[[I]]]
// CHECK: %[[SV:.*]] = vector.broadcast %[[SS]] : f32 to vector<16xf32>
// CHECK: %[[D:.*]] = arith.subf %[[XV]], %[[SV]] : vector<16xf32>
// CHECK: %[[E:.*]] = math.exp %[[D]] : vector<16xf32>
// CHECK: vector.transfer_write %[[E]], %[[OJ]][%[[I]], %[[J]]]{{.*}} : vector<16xf32>, tensor<4x32xf32>
// CHECK-NOT: linalg.generic
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @elementwise(%x: tensor<4x32xf32>, %s: tensor<4xf32>, %o: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %j: index, %out: tensor<4x32xf32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %s : tensor<4x32xf32>, tensor<4xf32>) outs(%out : tensor<4x32xf32>) {
    ^bb0(%in: f32, %sc: f32, %acc: f32):
      %d = arith.subf %in, %sc : f32
      %e = math.exp %d : f32
      linalg.yield %e : f32
    } -> tensor<4x32xf32>
    "gpu.yield"(%g, %i, %j) : (tensor<4x32xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 4, 32>, upper_bounds = array<i64: 4, 32>} : (tensor<4x32xf32>) -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}
}

// -----

// Must not fire: a generic reading the innermost dim in a non-trailing position (a transpose).
// CHECK-LABEL: func.func @negative_transpose
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @negative_transpose(%x: tensor<32x32xf32>, %o: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %j: index, %out: tensor<32x32xf32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<32x32xf32>) outs(%out : tensor<32x32xf32>) {
    ^bb0(%in: f32, %acc: f32):
      linalg.yield %in : f32
    } -> tensor<32x32xf32>
    "gpu.yield"(%g, %i, %j) : (tensor<32x32xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 32, 32>, upper_bounds = array<i64: 32, 32>} : (tensor<32x32xf32>) -> tensor<32x32xf32>
  return %r : tensor<32x32xf32>
}

// -----

// A row reduction (max over the innermost dim): per row, the first 16-lane chunk starts the
// vector accumulator, the others combine into it, then one vector.reduction and the combiner
// with the old output element.
// CHECK-LABEL: func.func @row_max
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>, %{{.*}}: tensor<4xf32>)
// CHECK: scf.for %[[I:[^ ]+]] = {{.*}} iter_args(%[[OI:[^ ]+]] = %{{.*}})
// CHECK: %[[FIRST:.*]] = vector.transfer_read %[[X]][%[[I]], %{{.*}}]{{.*}} : tensor<4x64xf32>, vector<16xf32>
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} iter_args(%[[A:[^ ]+]] = %[[FIRST]]) -> (vector<16xf32>)
// CHECK: %[[V:.*]] = vector.transfer_read %[[X]]
// CHECK: arith.maximumf %[[V]], %[[A]] : vector<16xf32>
// CHECK: %[[R:.*]] = vector.reduction <maximumf>, %[[ACC]] : vector<16xf32> into f32
// CHECK: %[[OLD:.*]] = tensor.extract %[[OI]][%[[I]]]
// CHECK: %[[NEW:.*]] = arith.maximumf %[[R]], %[[OLD]] : f32
// CHECK: tensor.insert %[[NEW]] into %[[OI]][%[[I]]]
// CHECK-NOT: linalg.generic
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @row_max(%x: tensor<4x64xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<4xf32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x64xf32>) outs(%out : tensor<4xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    "gpu.yield"(%g, %i) : (tensor<4xf32>, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 4>, upper_bounds = array<i64: 4>} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
}
