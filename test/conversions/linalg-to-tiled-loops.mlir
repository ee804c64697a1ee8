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
