#map = affine_map<(d0) -> (d0)>
#map1 = affine_map<(d0) -> ()>
#map2 = affine_map<(d0, d1) -> (d0)>
#map3 = affine_map<(d0, d1) -> (d1)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
module attributes {aic.index_checks = {main = [{node = "embed(Gather)", size = 10 : i64}]}, aic.interface = {inputs = [{dtype = "i64", name = "ids", shape = array<i64: -1>, dim_names = ["n"]}], outputs = [{dtype = "f32", name = "y", shape = array<i64: -1, 4>, dim_names = ["n", ""]}]}} {
  func.func @main(%arg0: tensor<?xi64> {aic.name = "ids"}) -> (tensor<?x4xf32> {aic.name = "y"}, tensor<2xi64> {aic.name = "aic.status"}) {
    %c9 = arith.constant 9 : index
    %c10 = arith.constant 10 : index
    %c0 = arith.constant 0 : index
    %cst = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
    %c-9223372036854775808_i64 = arith.constant -9223372036854775808 : i64
    %cst_0 = arith.constant dense<[[0.000000e+00, 1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00], [8.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01], [1.200000e+01, 1.300000e+01, 1.400000e+01, 1.500000e+01], [1.600000e+01, 1.700000e+01, 1.800000e+01, 1.900000e+01], [2.000000e+01, 2.100000e+01, 2.200000e+01, 2.300000e+01], [2.400000e+01, 2.500000e+01, 2.600000e+01, 2.700000e+01], [2.800000e+01, 2.900000e+01, 3.000000e+01, 3.100000e+01], [3.200000e+01, 3.300000e+01, 3.400000e+01, 3.500000e+01], [3.600000e+01, 3.700000e+01, 3.800000e+01, 3.900000e+01]]> : tensor<10x4xf32>
    %c9223372036854775807_i64 = arith.constant 9223372036854775807 : i64
    %0 = tensor.empty() : tensor<i64>
    %1 = linalg.fill ins(%c9223372036854775807_i64 : i64) outs(%0 : tensor<i64>) -> tensor<i64>
    %2 = linalg.fill ins(%c-9223372036854775808_i64 : i64) outs(%0 : tensor<i64>) -> tensor<i64>
    %3:2 = linalg.generic {indexing_maps = [#map, #map1, #map1], iterator_types = ["reduction"]} ins(%arg0 : tensor<?xi64>) outs(%1, %2 : tensor<i64>, tensor<i64>) {
    ^bb0(%in: i64, %out: i64, %out_2: i64):
      %6 = arith.minsi %out, %in : i64
      %7 = arith.maxsi %out_2, %in : i64
      linalg.yield %6, %7 : i64, i64
    } -> (tensor<i64>, tensor<i64>)
    %n = tensor.dim %arg0, %c0 : tensor<?xi64>
    %4 = tensor.empty(%n) : tensor<?x4xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map3, #map4], iterator_types = ["parallel", "parallel"]} ins(%arg0, %cst : tensor<?xi64>, tensor<4xi64>) outs(%4 : tensor<?x4xf32>) {
    ^bb0(%in: i64, %in_2: i64, %out: f32):
      %6 = arith.index_cast %in_2 : i64 to index
      %7 = arith.index_cast %in : i64 to index
      %8 = arith.cmpi slt, %7, %c0 : index
      %9 = arith.addi %7, %c10 : index
      %10 = arith.select %8, %9, %7 : index
      %11 = arith.maxsi %10, %c0 : index
      %12 = arith.minsi %11, %c9 : index
      %extracted_3 = tensor.extract %cst_0[%12, %6] : tensor<10x4xf32>
      linalg.yield %extracted_3 : f32
    } -> tensor<?x4xf32>
    %extracted = tensor.extract %3#0[] : tensor<i64>
    %extracted_1 = tensor.extract %3#1[] : tensor<i64>
    %from_elements = tensor.from_elements %extracted, %extracted_1 : tensor<2xi64>
    return %5, %from_elements : tensor<?x4xf32>, tensor<2xi64>
  }
}
