// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cpu-avx512},aic-convert-linalg-to-tiled' | FileCheck %s

// Kernels form inside an scf.for body (a recurrence's step): the recurrent matmul reads the
// carried tensor and takes the step's input slice into its epilogue.
// CHECK-LABEL: func.func @step_matmul_in_loop
// CHECK: scf.for {{.*}} iter_args(%[[H:.*]] = %{{.*}}) -> (tensor<1x64xf32>)
// CHECK: %[[X:.*]] = tensor.extract_slice
// CHECK: %[[K:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[H]],
// CHECK: linalg.matmul
// CHECK: }, {
// CHECK: "tiled.load"(%[[X]],
// CHECK: arith.addf
// CHECK: kind = "matmul+generic"
// CHECK-NOT: linalg.matmul
// CHECK: scf.yield %[[K]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @step_matmul_in_loop(%xw: tensor<8x1x64xf32>, %r: tensor<64x64xf32>, %h0: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %out = scf.for %t = %c0 to %c8 step %c1 iter_args(%h = %h0) -> (tensor<1x64xf32>) {
    %x = tensor.extract_slice %xw[%t, 0, 0] [1, 1, 64] [1, 1, 1] : tensor<8x1x64xf32> to tensor<1x64xf32>
    %e = tensor.empty() : tensor<1x64xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64xf32>) -> tensor<1x64xf32>
    %m = linalg.matmul ins(%h, %r : tensor<1x64xf32>, tensor<64x64xf32>) outs(%f : tensor<1x64xf32>) -> tensor<1x64xf32>
    %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %m : tensor<1x64xf32>, tensor<1x64xf32>) outs(%e : tensor<1x64xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %y = arith.addf %a, %b : f32
      linalg.yield %y : f32
    } -> tensor<1x64xf32>
    scf.yield %s : tensor<1x64xf32>
  }
  return %out : tensor<1x64xf32>
}

// -----

// A row group inside a loop body (a chunk of aic-linalg-chunk-dynamic) forms one row kernel.
#x = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @row_group_in_loop
// CHECK: scf.for
// CHECK-NOT: linalg.generic
// CHECK: %[[K:.*]] = "tiled.kernel"
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: kind = "rows:reduce+map"{{.*}}tile_sizes = array<i64: 8, 64>
// CHECK-NEXT: tensor.insert_slice %[[K]]
func.func @row_group_in_loop(%x: tensor<?x64xf32>, %out: tensor<?x64xf32>, %n: index) -> tensor<?x64xf32> {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c8 iter_args(%acc = %out) -> (tensor<?x64xf32>) {
    %xt = tensor.extract_slice %x[%i, 0] [8, 64] [1, 1] : tensor<?x64xf32> to tensor<8x64xf32>
    %e = tensor.empty() : tensor<8xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
    %sum = linalg.generic {indexing_maps = [#x, #row], iterator_types = ["parallel", "reduction"]} ins(%xt : tensor<8x64xf32>) outs(%init : tensor<8xf32>) {
    ^bb0(%in: f32, %a: f32):
      %s = arith.addf %in, %a : f32
      linalg.yield %s : f32
    } -> tensor<8xf32>
    %ot = tensor.extract_slice %acc[%i, 0] [8, 64] [1, 1] : tensor<?x64xf32> to tensor<8x64xf32>
    %q = linalg.generic {indexing_maps = [#x, #row, #x], iterator_types = ["parallel", "parallel"]} ins(%xt, %sum : tensor<8x64xf32>, tensor<8xf32>) outs(%ot : tensor<8x64xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %d = arith.divf %a, %b : f32
      linalg.yield %d : f32
    } -> tensor<8x64xf32>
    %ins = tensor.insert_slice %q into %acc[%i, 0] [8, 64] [1, 1] : tensor<8x64xf32> into tensor<?x64xf32>
    scf.yield %ins : tensor<?x64xf32>
  }
  return %r : tensor<?x64xf32>
}
