// RUN: aic-opt %s --split-input-file -p "aic-hw-split-reductions" | FileCheck %s

// A row max over 512 on a one-row block tile: 128 lanes of 4 steps read x as [4, 128] (the
// lane innermost), then 128 -> 32 -> 8 partials, the last 8 into the original init.
// CHECK-LABEL: func.func @row_max
// CHECK-SAME: (%[[X:.*]]: tensor<1x512xf32>, %[[INIT:.*]]: tensor<1xf32>)
// CHECK: %[[XS:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2]] output_shape [1, 4, 128]
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P0:.*]] = linalg.fill ins(%[[NEG]] : f32) outs(%{{.*}} : tensor<1x128xf32>)
// CHECK: %[[S1:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[XS]] : tensor<1x4x128xf32>) outs(%[[P0]] : tensor<1x128xf32>)
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %[[S1]] {{\[\[}}0], [1, 2]] output_shape [1, 4, 32]
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x32xf32>)
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<1x8xf32>)
// CHECK: %[[LAST:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%{{.*}} : tensor<1x8xf32>) outs(%[[INIT]] : tensor<1xf32>)
// CHECK: arith.maximumf
// CHECK: gpu.yield %[[LAST]]
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @row_max(%x: tensor<1x512xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
    %e = tensor.empty() : tensor<1xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<1xf32>):
      %m = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x512xf32>) outs(%init : tensor<1xf32>) {
      ^bb0(%in: f32, %out: f32):
        %v = arith.maximumf %in, %out : f32
        linalg.yield %v : f32
      } -> tensor<1xf32>
      gpu.yield %m, %i : tensor<1xf32>, index
    }) {mapping = ["block_x"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1xf32>) -> tensor<1xf32>
    return %r : tensor<1xf32>
  }
}

// -----

// A sum of squared differences (a variance) over 64 with a per-row input: stage 1 keeps the
// whole body (subf, mulf, then the add into the lane's partial, from 0), the mean read per
// row; the combine stage only adds, with the accumulator on the same side as the body's.
// CHECK-LABEL: func.func @variance
// CHECK-SAME: (%[[X:.*]]: tensor<2x64xf32>, %[[MEAN:.*]]: tensor<2xf32>, %[[INIT:.*]]: tensor<2xf32>)
// CHECK: %[[XS:.*]] = tensor.expand_shape %[[X]] {{\[\[}}0], [1, 2]] output_shape [2, 4, 16]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P0:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x16xf32>)
// CHECK: %[[S1:.*]] = linalg.generic
// CHECK-SAME: ins(%[[XS]], %[[MEAN]] : tensor<2x4x16xf32>, tensor<2xf32>) outs(%[[P0]] : tensor<2x16xf32>)
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[S1]] : tensor<2x16xf32>) outs(%[[INIT]] : tensor<2xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[OUT]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]]
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @variance(%x: tensor<2x64xf32>, %mean: tensor<2xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
    %e = tensor.empty() : tensor<2xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<2xf32>):
      %m = linalg.generic {indexing_maps = [#map, #map1, #map1], iterator_types = ["parallel", "reduction"]} ins(%x, %mean : tensor<2x64xf32>, tensor<2xf32>) outs(%init : tensor<2xf32>) {
      ^bb0(%in: f32, %mu: f32, %out: f32):
        %d = arith.subf %in, %mu : f32
        %sq = arith.mulf %d, %d : f32
        %v = arith.addf %out, %sq : f32
        linalg.yield %v : f32
      } -> tensor<2xf32>
      gpu.yield %m, %i : tensor<2xf32>, index
    }) {mapping = ["block_x"], steps = array<i64: 2>, upper_bounds = array<i64: 2>} : (tensor<2xf32>) -> tensor<2xf32>
    return %r : tensor<2xf32>
  }
}

// -----

// negative_short_rows: a reduction of 16 stays one loop per row.
// CHECK-LABEL: func.func @negative_short_rows
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<1x16xf32>)
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_short_rows(%x: tensor<1x16xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
    %e = tensor.empty() : tensor<1xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<1xf32>):
      %m = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x16xf32>) outs(%init : tensor<1xf32>) {
      ^bb0(%in: f32, %out: f32):
        %v = arith.addf %in, %out : f32
        linalg.yield %v : f32
      } -> tensor<1xf32>
      gpu.yield %m, %i : tensor<1xf32>, index
    }) {mapping = ["block_x"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1xf32>) -> tensor<1xf32>
    return %r : tensor<1xf32>
  }
}

// -----

// negative_not_a_combiner: the accumulator goes through a subtraction: not split.
// CHECK-LABEL: func.func @negative_not_a_combiner
// CHECK-NOT: tensor.expand_shape
// CHECK: arith.subf
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_not_a_combiner(%x: tensor<1x512xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
    %e = tensor.empty() : tensor<1xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<1xf32>):
      %m = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x512xf32>) outs(%init : tensor<1xf32>) {
      ^bb0(%in: f32, %out: f32):
        %v = arith.subf %out, %in : f32
        linalg.yield %v : f32
      } -> tensor<1xf32>
      gpu.yield %m, %i : tensor<1xf32>, index
    }) {mapping = ["block_x"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1xf32>) -> tensor<1xf32>
    return %r : tensor<1xf32>
  }
}

// -----

// negative_cpu_target: CPU blocks keep their reductions (one core per row is right there).
// CHECK-LABEL: func.func @negative_cpu_target
// CHECK-NOT: tensor.expand_shape
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {cores = 1 : i64, fma_units = 1 : i64, freq_ghz = 2.0 : f64, isa = "generic", kind = "cpu", l1 = 32768 : i64, l2 = 262144 : i64, l3 = 8388608 : i64, peak_gflops = 16.0 : f64, vector_bits = 128 : i64}} {
  func.func @negative_cpu_target(%x: tensor<1x512xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
    %e = tensor.empty() : tensor<1xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<1xf32>):
      %m = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x512xf32>) outs(%init : tensor<1xf32>) {
      ^bb0(%in: f32, %out: f32):
        %v = arith.addf %in, %out : f32
        linalg.yield %v : f32
      } -> tensor<1xf32>
      gpu.yield %m, %i : tensor<1xf32>, index
    }) {mapping = ["core"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1xf32>) -> tensor<1xf32>
    return %r : tensor<1xf32>
  }
}

// -----

// negative_sequential_loop: a reduction in a sequential `hw.parallel` (a loop over tiles on
// the host, not a block) is left alone.
// CHECK-LABEL: func.func @negative_sequential_loop
// CHECK-NOT: tensor.expand_shape
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_sequential_loop(%x: tensor<1x512xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
    %e = tensor.empty() : tensor<1xf32>
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<1xf32>):
      %m = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x512xf32>) outs(%init : tensor<1xf32>) {
      ^bb0(%in: f32, %out: f32):
        %v = arith.addf %in, %out : f32
        linalg.yield %v : f32
      } -> tensor<1xf32>
      gpu.yield %m, %i : tensor<1xf32>, index
    }) {mapping = ["sequential"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1xf32>) -> tensor<1xf32>
    return %r : tensor<1xf32>
  }
}

// -----

// negative_in_k_loop: a reduction inside a loop over reduction tiles (a pooling kernel's k
// loop) is left alone: its stages would be remade every iteration.
// CHECK-LABEL: func.func @negative_in_k_loop
// CHECK-NOT: tensor.expand_shape
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
  func.func @negative_in_k_loop(%x: tensor<1x512xf32>, %init: tensor<1xf32>) -> tensor<1xf32> {
    %e = tensor.empty() : tensor<1xf32>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %r = "hw.parallel"(%e) ({
    ^bb0(%i: index, %acc: tensor<1xf32>):
      %s = scf.for %k = %c0 to %c2 step %c1 iter_args(%a = %init) -> (tensor<1xf32>) {
        %m = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<1x512xf32>) outs(%a : tensor<1xf32>) {
        ^bb0(%in: f32, %out: f32):
          %v = arith.addf %in, %out : f32
          linalg.yield %v : f32
        } -> tensor<1xf32>
        scf.yield %m : tensor<1xf32>
      }
      gpu.yield %s, %i : tensor<1xf32>, index
    }) {mapping = ["block_x"], steps = array<i64: 1>, upper_bounds = array<i64: 1>} : (tensor<1xf32>) -> tensor<1xf32>
    return %r : tensor<1xf32>
  }
}
