// RUN: aic-opt %s --split-input-file -p aic-hw-vectorize | FileCheck %s
// RUN: aic-opt %s --split-input-file -p aic-hw-vectorize,canonicalize,cse | FileCheck %s --check-prefix=CANON

// hw.microkernel -> B packed into nr-wide panels (vector copies), then one linalg.generic
// reading the panels through (n floordiv nr, k, n mod nr), marked with the register tile's
// rows for aic-memref-lower-microkernels (aic-memref-lower-microkernels.mlir: the FMAs).
// CHECK: #[[PACKED:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 32, d2, d1 mod 32)>
// CHECK-LABEL: func.func @microkernel
// CHECK-SAME: (%[[A:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8x64xf32>, %{{.*}}: tensor<16x64xf32>)
// CHECK: %[[P0:.*]] = tensor.empty() : tensor<2x8x32xf32>
// CHECK: %[[PACK:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[P0]])
// CHECK: vector.transfer_read %[[B]]{{.*}} : tensor<8x64xf32>, vector<32xf32>
// CHECK: vector.transfer_write {{.*}} : vector<32xf32>, tensor<2x8x32xf32>
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[PACKED]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[A]], %[[PACK]] : tensor<16x8xf32>, tensor<2x8x32xf32>)
// CHECK-SAME: attrs = {aic.microkernel = 2 : i64}
// CHECK: arith.mulf
// CHECK: arith.addf
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

// An i32 micro-kernel (integer contraction of a quantized model): the marked generic
// multiplies and adds integers.
// CHECK-LABEL: func.func @microkernel_i32
// CHECK: tensor.empty() : tensor<1x8x16xi32>
// CHECK: linalg.generic
// CHECK-SAME: attrs = {aic.microkernel = 2 : i64}
// CHECK: arith.muli
// CHECK: arith.addi
func.func @microkernel_i32(%a: tensor<4x8xi32>, %b: tensor<8x16xi32>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %r = "hw.parallel"(%c) ({
  ^bb0(%i: index, %j: index, %out: tensor<4x16xi32>):
    %m = "hw.microkernel"(%a, %b, %out) {mr = 2 : i64, nr = 16 : i64} : (tensor<4x8xi32>, tensor<8x16xi32>, tensor<4x16xi32>) -> tensor<4x16xi32>
    "gpu.yield"(%m, %i, %j) : (tensor<4x16xi32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 4, 16>, upper_bounds = array<i64: 4, 16>} : (tensor<4x16xi32>) -> tensor<4x16xi32>
  return %r : tensor<4x16xi32>
}

// -----

// A ragged n (49 columns, nr = 16): four column panels, the last one packed from a masked B
// read (zero padding: no in_bounds attribute, false by default); never narrower vectors.
// CHECK-LABEL: func.func @microkernel_ragged_columns
// CHECK: tensor.empty() : tensor<4x8x16xf32>
// CHECK: vector.transfer_read %{{.*}}], %{{[a-z0-9_]+}} : tensor<8x49xf32>, vector<16xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<4x49xf32>)
// CHECK-SAME: attrs = {aic.microkernel = 4 : i64}
// CHECK-NOT: hw.microkernel
func.func @microkernel_ragged_columns(%a: tensor<4x8xf32>, %b: tensor<8x49xf32>, %c: tensor<4x49xf32>) -> tensor<4x49xf32> {
  %r = "hw.parallel"(%c) ({
  ^bb0(%i: index, %j: index, %out: tensor<4x49xf32>):
    %m = "hw.microkernel"(%a, %b, %out) {mr = 4 : i64, nr = 16 : i64} : (tensor<4x8xf32>, tensor<8x49xf32>, tensor<4x49xf32>) -> tensor<4x49xf32>
    "gpu.yield"(%m, %i, %j) : (tensor<4x49xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 4, 49>, upper_bounds = array<i64: 4, 49>} : (tensor<4x49xf32>) -> tensor<4x49xf32>
  return %r : tensor<4x49xf32>
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

// A row reduction (max over the innermost dim, 256 = 16 chunks of 16 lanes): per row, the
// first four chunks start four vector accumulators (independent chains), a loop combines
// the next chunks into them four at a time, a tree combines the four, a butterfly of
// shuffles (lane ^ 8, ^ 4, ^ 2, ^ 1: LLVM's vector.reduction <maximumf> is a long scalar
// tail) leaves the maximum in lane 0, then the combiner with the old output element.
// CHECK-LABEL: func.func @row_max
// CHECK-SAME: (%[[X:.*]]: tensor<4x256xf32>, %{{.*}}: tensor<4xf32>)
// CHECK: scf.for %[[I:[^ ]+]] = {{.*}} iter_args(%[[OI:[^ ]+]] = %{{.*}})
// CHECK-COUNT-4: vector.transfer_read %[[X]][%[[I]], %{{.*}}]{{.*}} : tensor<4x256xf32>, vector<16xf32>
// CHECK: %[[ACC:.*]]:4 = scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-4: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: scf.yield
// CHECK: %[[M01:.*]] = arith.maximumf %[[ACC]]#1, %[[ACC]]#0 : vector<16xf32>
// CHECK: %[[M23:.*]] = arith.maximumf %[[ACC]]#3, %[[ACC]]#2 : vector<16xf32>
// CHECK: %[[M:.*]] = arith.maximumf %[[M23]], %[[M01]] : vector<16xf32>
// CHECK: %[[S8:.*]] = vector.shuffle %[[M]], %[[M]] [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]
// CHECK: %[[H8:.*]] = arith.maximumf %[[S8]], %[[M]] : vector<16xf32>
// CHECK: vector.shuffle %[[H8]], %[[H8]] [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11]
// CHECK: %[[H4:.*]] = arith.maximumf
// CHECK: vector.shuffle %[[H4]], %[[H4]] [2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13]
// CHECK: %[[H2:.*]] = arith.maximumf
// CHECK: vector.shuffle %[[H2]], %[[H2]] [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14]
// CHECK: %[[H1:.*]] = arith.maximumf
// CHECK: %[[R:.*]] = vector.extract %[[H1]][0] : f32 from vector<16xf32>
// CHECK: %[[OLD:.*]] = tensor.extract %[[OI]][%[[I]]]
// CHECK: %[[NEW:.*]] = arith.maximumf %[[R]], %[[OLD]] : f32
// CHECK: tensor.insert %[[NEW]] into %[[OI]][%[[I]]]
// CHECK-NOT: linalg.generic
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @row_max(%x: tensor<4x256xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<4xf32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x256xf32>) outs(%out : tensor<4xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    "gpu.yield"(%g, %i) : (tensor<4xf32>, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 4>, upper_bounds = array<i64: 4>} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
}

// -----

// An elementwise row that 16 lanes do not divide (20): in-bounds 16-lane chunks, then one
// masked chunk (in_bounds = false reads and write), never narrower vectors.
// CANON-LABEL: func.func @elementwise_ragged
// CANON-SAME: (%[[X:.*]]: tensor<3x20xf32>, %{{.*}}: tensor<3x20xf32>)
// CANON-DAG: %[[C16:.*]] = arith.constant 16 : index
// CANON-DAG: %[[C0:.*]] = arith.constant 0 : index
// CANON: scf.for %[[I:[^ ]+]] =
// CANON: vector.transfer_read %[[X]][%[[I]], %[[C0]]]{{.*}} {in_bounds = [true]} : tensor<3x20xf32>, vector<16xf32>
// CANON: %[[FULL:.*]] = vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<3x20xf32>
// CANON: %[[V:.*]] = vector.transfer_read %[[X]][%[[I]], %[[C16]]], %{{[^ ]*}} : tensor<3x20xf32>, vector<16xf32>
// CANON: %[[E:.*]] = math.exp %[[V]] : vector<16xf32>
// CANON: vector.transfer_write %[[E]], %[[FULL]][%[[I]], %[[C16]]] : vector<16xf32>, tensor<3x20xf32>
// CANON-NOT: linalg.generic
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @elementwise_ragged(%x: tensor<3x20xf32>, %o: tensor<3x20xf32>) -> tensor<3x20xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %j: index, %out: tensor<3x20xf32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<3x20xf32>) outs(%out : tensor<3x20xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %e = math.exp %in : f32
      linalg.yield %e : f32
    } -> tensor<3x20xf32>
    "gpu.yield"(%g, %i, %j) : (tensor<3x20xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 3, 20>, upper_bounds = array<i64: 3, 20>} : (tensor<3x20xf32>) -> tensor<3x20xf32>
  return %r : tensor<3x20xf32>
}
}

// -----

// A row reduction over 145 elements (9 chunks of 16, and 1): four accumulators start from
// chunks 0-3, the loop combines chunks 4-7 into them (one step of 64: canonicalize unrolls
// it), chunk 8 (fewer than four left) combines into the first, then the masked tail (its
// first lane only: a constant lane mask + select), a tree of the four, the vector.reduction.
// CANON-LABEL: func.func @row_sum_ragged
// CANON-SAME: (%[[X:.*]]: tensor<4x145xf32>, %{{.*}}: tensor<4xf32>)
// CANON-DAG: %[[C128:.*]] = arith.constant 128 : index
// CANON-COUNT-8: vector.transfer_read %[[X]]{{.*}} {in_bounds = [true]} : tensor<4x145xf32>, vector<16xf32>
// CANON: %[[A0:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CANON: %[[A1:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CANON: %[[A2:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CANON: %[[A3:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CANON: %[[LAST:.*]] = vector.transfer_read %[[X]][%{{.*}}, %[[C128]]]{{.*}} {in_bounds = [true]}
// CANON: %[[B0:.*]] = arith.addf %[[LAST]], %[[A0]] : vector<16xf32>
// CANON: %[[TAIL:.*]] = vector.transfer_read %[[X]][%{{.*}}, %{{.*}}], %{{[^ ]*}} : tensor<4x145xf32>, vector<16xf32>
// CANON: %[[MASK:.*]] = vector.constant_mask [1] : vector<16xi1>
// CANON: %[[SUM:.*]] = arith.addf %[[TAIL]], %[[B0]] : vector<16xf32>
// CANON: %[[SEL:.*]] = arith.select %[[MASK]], %[[SUM]], %[[B0]]
// CANON: %[[S01:.*]] = arith.addf %[[A1]], %[[SEL]] : vector<16xf32>
// CANON: %[[S23:.*]] = arith.addf %[[A3]], %[[A2]] : vector<16xf32>
// CANON: %[[S:.*]] = arith.addf %[[S23]], %[[S01]] : vector<16xf32>
// CANON: vector.reduction <add>, %[[S]] : vector<16xf32> into f32
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @row_sum_ragged(%x: tensor<4x145xf32>, %o: tensor<4xf32>) -> tensor<4xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<4xf32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x145xf32>) outs(%out : tensor<4xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %m = arith.addf %in, %acc : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    "gpu.yield"(%g, %i) : (tensor<4xf32>, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 4>, upper_bounds = array<i64: 4>} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
}

// -----

// Depthwise conv, stride 1, rows of 20: per channel the 9 filter taps are broadcast once and
// the bias starts each chunk in registers; blocks of 4 output rows read their 6 input rows
// once per column tap (18 reads for 36 FMAs); the ragged row end is a masked chunk. The bias
// broadcast is gone.
// CANON-LABEL: func.func @depthwise_bias
// CANON-SAME: (%[[X:.*]]: tensor<1x2x10x22xf32>, %[[W:.*]]: tensor<2x3x3xf32>, %[[B:.*]]: tensor<2xf32>, %{{.*}}: tensor<1x2x8x20xf32>)
// CANON-DAG: %[[C4:.*]] = arith.constant 4 : index
// CANON-DAG: %[[C8:.*]] = arith.constant 8 : index
// CANON-NOT: linalg.broadcast
// CANON: scf.for %[[C:[^ ]+]] = %{{.*}} to %{{.*}} step
// CANON: %[[T00:.*]] = tensor.extract %[[W]][%[[C]], %{{.*}}, %{{.*}}]
// CANON-NEXT: %[[F00:.*]] = vector.broadcast %[[T00]] : f32 to vector<16xf32>
// CANON-COUNT-8: vector.broadcast
// CANON: %[[BS:.*]] = tensor.extract %[[B]][%[[C]]]
// CANON-NEXT: %[[BIAS:.*]] = vector.broadcast %[[BS]] : f32 to vector<16xf32>
// CANON: scf.for %[[OH:[^ ]+]] = %{{.*}} to %[[C8]] step %[[C4]]
// CANON: %[[X00:.*]] = vector.transfer_read %[[X]][%{{.*}}, %[[C]], %[[OH]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x2x10x22xf32>, vector<16xf32>
// CANON-NEXT: vector.fma %[[X00]], %[[F00]], %[[BIAS]] : vector<16xf32>
// CANON-COUNT-17: vector.transfer_read %[[X]]
// CANON-NOT: vector.transfer_read %[[X]]
// CANON-COUNT-4: vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xf32>, tensor<1x2x8x20xf32>
// CANON: %[[XR:.*]] = vector.transfer_read %[[X]]{{.*}}, %{{[^ ]*}} : tensor<1x2x10x22xf32>, vector<16xf32>
// CANON-NEXT: vector.fma %[[XR]], %[[F00]], %[[BIAS]]
// CANON-COUNT-4: vector.transfer_write %{{.*}}, %{{[^ ]*}} : vector<16xf32>, tensor<1x2x8x20xf32>
// CANON-NOT: linalg.depthwise_conv_2d_nchw_chw
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @depthwise_bias(%x: tensor<1x2x10x22xf32>, %w: tensor<2x3x3xf32>, %b: tensor<2xf32>, %o: tensor<1x2x8x20xf32>) -> tensor<1x2x8x20xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<1x2x8x20xf32>):
    %init = linalg.broadcast ins(%b : tensor<2xf32>) outs(%out : tensor<1x2x8x20xf32>) dimensions = [0, 2, 3]
    %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x10x22xf32>, tensor<2x3x3xf32>) outs(%init : tensor<1x2x8x20xf32>) -> tensor<1x2x8x20xf32>
    "gpu.yield"(%d, %i, %i, %i, %i) : (tensor<1x2x8x20xf32>, index, index, index, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1x2x8x20xf32>) -> tensor<1x2x8x20xf32>
  return %r : tensor<1x2x8x20xf32>
}
}

// -----

// Stride 2: a tap reads 32 input lanes and keeps the even ones (vector.shuffle); reads that
// may pass the row end (the last column taps) are masked, the others in bounds.
// CANON-LABEL: func.func @depthwise_stride2
// CANON-SAME: (%[[X:.*]]: tensor<1x1x9x65xf32>
// CANON: %[[R0:.*]] = vector.transfer_read %[[X]]{{.*}} {in_bounds = [true]} : tensor<1x1x9x65xf32>, vector<32xf32>
// CANON-NEXT: %[[E0:.*]] = vector.shuffle %[[R0]], %[[R0]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xf32>, vector<32xf32>
// CANON-NEXT: vector.fma %[[E0]]
// CANON: vector.transfer_read %[[X]]{{.*}} {in_bounds = [true]} : tensor<1x1x9x65xf32>, vector<32xf32>
// CANON: vector.transfer_read %[[X]]{{.*}}, %{{[^ ]*}} : tensor<1x1x9x65xf32>, vector<32xf32>
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @depthwise_stride2(%x: tensor<1x1x9x65xf32>, %w: tensor<1x3x3xf32>, %o: tensor<1x1x4x32xf32>) -> tensor<1x1x4x32xf32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<1x1x4x32xf32>):
    %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x1x9x65xf32>, tensor<1x3x3xf32>) outs(%out : tensor<1x1x4x32xf32>) -> tensor<1x1x4x32xf32>
    "gpu.yield"(%d, %i, %i, %i, %i) : (tensor<1x1x4x32xf32>, index, index, index, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1x1x4x32xf32>) -> tensor<1x1x4x32xf32>
  return %r : tensor<1x1x4x32xf32>
}
}

// -----

// Max pooling with its input pad inside the tile: the padded plane is built with vector
// stores (the pad value, then the rows copied in; a ragged row end reads the pad value),
// and the window max is maximumf{nnan,nsz} with NaNs tracked on the side and selected in.
// CANON-LABEL: func.func @max_pool_padded
// CANON-SAME: (%[[X:.*]]: tensor<1x1x6x14xf32>
// CANON-DAG: %[[NAN:.*]] = arith.constant dense<0x7FC00000> : vector<8xf32>
// CANON-DAG: %[[NINF:.*]] = arith.constant dense<0xFF800000> : vector<8xf32>
// CANON-DAG: %[[NINFS:.*]] = arith.constant 0xFF800000 : f32
// CANON: "hw.parallel"
// CANON-NOT: tensor.pad
// CANON: %[[E:.*]] = tensor.empty() : tensor<1x1x6x16xf32>
// CANON: %[[FILLED:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[E]])
// CANON: vector.transfer_write %[[NINF]]
// CANON: %[[PADDED:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[FILLED]])
// CANON: vector.transfer_read %[[X]]{{.*}}, %[[NINFS]] {in_bounds = [true]}
// CANON: vector.transfer_read %[[X]]{{.*}}, %[[NINFS]] : tensor<1x1x6x14xf32>, vector<8xf32>
// CANON: vector.transfer_read %[[PADDED]]
// CANON: arith.cmpf uno
// CANON: arith.maximumf %{{.*}} fastmath<nnan,nsz> : vector<8xf32>
// CANON: arith.ori %{{.*}} : vector<8xi1>
// CANON: %[[SEL:.*]] = arith.select %{{.*}}, %[[NAN]], %{{.*}} : vector<8xi1>, vector<8xf32>
// CANON-NEXT: vector.transfer_write %[[SEL]]
// CANON-NOT: linalg.pooling_nchw_max
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @max_pool_padded(%x: tensor<1x1x6x14xf32>, %o: tensor<1x1x3x8xf32>) -> tensor<1x1x3x8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32>
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<1x1x3x8xf32>):
    %p = tensor.pad %x low[0, 0, 0, 1] high[0, 0, 0, 1] {
    ^bb1(%a: index, %b: index, %c: index, %d: index):
      tensor.yield %ninf : f32
    } : tensor<1x1x6x14xf32> to tensor<1x1x6x16xf32>
    %init = linalg.fill ins(%ninf : f32) outs(%out : tensor<1x1x3x8xf32>) -> tensor<1x1x3x8xf32>
    %m = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %win : tensor<1x1x6x16xf32>, tensor<2x2xf32>) outs(%init : tensor<1x1x3x8xf32>) -> tensor<1x1x3x8xf32>
    "gpu.yield"(%m, %i, %i, %i, %i) : (tensor<1x1x3x8xf32>, index, index, index, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1x1x3x8xf32>) -> tensor<1x1x3x8xf32>
  return %r : tensor<1x1x3x8xf32>
}
}

// -----

// Must not fire: an output row of one column (no vector to form along it).
// CANON-LABEL: func.func @negative_single_column
// CANON: linalg.pooling_nchw_sum
// CANON-NOT: vector.
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @negative_single_column(%x: tensor<1x2x5x3xf32>, %o: tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32> {
  %win = tensor.empty() : tensor<3x3xf32>
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %out: tensor<1x2x3x1xf32>):
    %m = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %win : tensor<1x2x5x3xf32>, tensor<3x3xf32>) outs(%out : tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
    "gpu.yield"(%m, %i, %i, %i, %i) : (tensor<1x2x3x1xf32>, index, index, index, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
  return %r : tensor<1x2x3x1xf32>
}
}

// -----

// An integer division must not see padding lanes (a zero divisor traps): a ragged row keeps
// the largest vector width that divides it (20 -> 10 lanes) and no masked chunk.
// CANON-LABEL: func.func @int_div_no_padding
// CANON: arith.divsi %{{.*}}, %{{.*}} : vector<10xi32>
// CANON-NOT: vector<16xi32>
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @int_div_no_padding(%x: tensor<3x20xi32>, %y: tensor<3x20xi32>, %o: tensor<3x20xi32>) -> tensor<3x20xi32> {
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %j: index, %out: tensor<3x20xi32>):
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<3x20xi32>, tensor<3x20xi32>) outs(%out : tensor<3x20xi32>) {
    ^bb0(%a: i32, %b: i32, %acc: i32):
      %q = arith.divsi %a, %b : i32
      linalg.yield %q : i32
    } -> tensor<3x20xi32>
    "gpu.yield"(%g, %i, %j) : (tensor<3x20xi32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 3, 20>, upper_bounds = array<i64: 3, 20>} : (tensor<3x20xi32>) -> tensor<3x20xi32>
  return %r : tensor<3x20xi32>
}
}

// -----

// A per-row scalar generic (a row group's 1 / sum on a one-row tile: no lanes) read
// broadcast by a vectorized elementwise generic: its payload is re-created on the scalars
// where the row is read, so its tile is never materialised (canonicalize then drops the
// dead generic).
// CHECK-LABEL: func.func @row_scale_inlined
// CANON-LABEL: func.func @row_scale_inlined
// CANON-SAME: (%[[X:.*]]: tensor<1x32xf32>, %[[S:.*]]: tensor<1xf32>, %{{.*}}: tensor<1x32xf32>)
// CANON-NOT: linalg.generic
// CANON: %[[SUM:.*]] = tensor.extract %[[S]][%{{.*}}] : tensor<1xf32>
// CANON: %[[INV:.*]] = arith.divf %{{.*}}, %[[SUM]] : f32
// CANON: %[[B:.*]] = vector.broadcast %[[INV]] : f32 to vector<16xf32>
// CANON: arith.mulf %{{.*}}, %[[B]] : vector<16xf32>
// CANON-NOT: linalg.generic
// CANON: return
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @row_scale_inlined(%x: tensor<1x32xf32>, %s: tensor<1xf32>, %o: tensor<1x32xf32>) -> tensor<1x32xf32> {
  %one = arith.constant 1.0 : f32
  %r = "hw.parallel"(%o) ({
  ^bb0(%i: index, %j: index, %out: tensor<1x32xf32>):
    %e = tensor.empty() : tensor<1xf32>
    %inv = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%s : tensor<1xf32>) outs(%e : tensor<1xf32>) {
    ^bb0(%in: f32, %unused: f32):
      %d = arith.divf %one, %in : f32
      linalg.yield %d : f32
    } -> tensor<1xf32>
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %inv : tensor<1x32xf32>, tensor<1xf32>) outs(%out : tensor<1x32xf32>) {
    ^bb0(%a: f32, %b: f32, %unused: f32):
      %m = arith.mulf %a, %b : f32
      linalg.yield %m : f32
    } -> tensor<1x32xf32>
    "gpu.yield"(%g, %i, %j) : (tensor<1x32xf32>, index, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 1, 32>, upper_bounds = array<i64: 1, 32>} : (tensor<1x32xf32>) -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}
}

// -----

// i16 operands into i32 (the pairs micro-kernel): a run-time B is packed with k in pairs --
// rows 2p and 2p + 1 read as vectors and interleaved into one 2nr-wide row -- and the marked
// generic reads it through (n floordiv nr, k floordiv 2, (n mod nr) * 2 + k mod 2), the
// operands sign-extended to i32.
// CHECK: #[[PMAP:.*]] = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2 floordiv 2, (d1 mod 16) * 2 + d2 mod 2)>
// CHECK-LABEL: func.func @microkernel_i16_pairs
// CHECK: %[[EVEN:.*]] = vector.transfer_read {{.*}} : tensor<8x16xi16>, vector<16xi16>
// CHECK: %[[ODD:.*]] = vector.transfer_read {{.*}} : tensor<8x16xi16>, vector<16xi16>
// CHECK: %[[PAIR:.*]] = vector.shuffle %[[EVEN]], %[[ODD]] [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31] : vector<16xi16>, vector<16xi16>
// CHECK: vector.transfer_write %[[PAIR]], {{.*}} : vector<32xi16>, tensor<1x4x32xi16>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[PMAP]], #{{.*}}]
// CHECK-SAME: attrs = {aic.microkernel = 4 : i64}
// CHECK: arith.extsi {{.*}} : i16 to i32
func.func @microkernel_i16_pairs(%a: tensor<4x8xi16>, %b: tensor<8x16xi16>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %r = "hw.parallel"(%c) ({
  ^bb0(%i: index, %out: tensor<4x16xi32>):
    %m = "hw.microkernel"(%a, %b, %out) {mr = 4 : i64, nr = 16 : i64} : (tensor<4x8xi16>, tensor<8x16xi16>, tensor<4x16xi32>) -> tensor<4x16xi32>
    %z = arith.constant 0 : index
    gpu.yield %m, %i, %z : tensor<4x16xi32>, index, index
  }) {mapping = ["core"], steps = array<i64: 4>, upper_bounds = array<i64: 4>} : (tensor<4x16xi32>) -> tensor<4x16xi32>
  return %r : tensor<4x16xi32>
}
