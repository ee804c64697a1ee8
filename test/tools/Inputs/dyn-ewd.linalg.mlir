// y = relu(x @ W) + x with W[i][j] = (4 i + j) / 10: a matmul with a dynamic M (dim "batch").
#map = affine_map<(d0, d1) -> (d0, d1)>
module attributes {aic.interface = {inputs = [{dtype = "f32", name = "x", shape = array<i64: -1, 4>, dim_names = ["batch", ""]}], outputs = [{dtype = "f32", name = "y", shape = array<i64: -1, 4>, dim_names = ["batch", ""]}]}} {
  func.func @main(%arg0: tensor<?x4xf32> {aic.name = "x"}) -> (tensor<?x4xf32> {aic.name = "y"}) {
    %cst = arith.constant dense<[[0.000000e+00, 1.000000e-01, 2.000000e-01, 3.000000e-01], [4.000000e-01, 5.000000e-01, 6.000000e-01, 0.699999988], [8.000000e-01, 0.899999976, 1.000000e+00, 1.100000e+00], [1.200000e+00, 1.300000e+00, 1.400000e+00, 1.500000e+00]]> : tensor<4x4xf32>
    %cst_0 = arith.constant 0.000000e+00 : f32
    %c0 = arith.constant 0 : index
    %d0 = tensor.dim %arg0, %c0 : tensor<?x4xf32>
    %0 = tensor.empty(%d0) : tensor<?x4xf32>
    %1 = linalg.fill ins(%cst_0 : f32) outs(%0 : tensor<?x4xf32>) -> tensor<?x4xf32>
    %2 = linalg.matmul ins(%arg0, %cst : tensor<?x4xf32>, tensor<4x4xf32>) outs(%1 : tensor<?x4xf32>) -> tensor<?x4xf32>
    %3 = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel", "parallel"]} ins(%2, %arg0 : tensor<?x4xf32>, tensor<?x4xf32>) outs(%0 : tensor<?x4xf32>) {
    ^bb0(%in: f32, %in_1: f32, %out: f32):
      %4 = arith.maximumf %in, %cst_0 : f32
      %5 = arith.addf %4, %in_1 : f32
      linalg.yield %5 : f32
    } -> tensor<?x4xf32>
    return %3 : tensor<?x4xf32>
  }
}
