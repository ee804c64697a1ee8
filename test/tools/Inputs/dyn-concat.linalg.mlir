// y = concat(a, b) along dim 0: its first dim is the sum of two input dims; z = a + c where
// a and c share the dim name "batch" (must be equal), returned twice (w is the same buffer).
module attributes {aic.interface = {inputs = [{dtype = "f32", name = "a", shape = array<i64: -1, 4>, dim_names = ["batch", ""]}, {dtype = "f32", name = "b", shape = array<i64: -1, 4>, dim_names = ["other", ""]}, {dtype = "f32", name = "c", shape = array<i64: -1, 4>, dim_names = ["batch", ""]}], outputs = [{dtype = "f32", name = "y", shape = array<i64: -1, 4>}, {dtype = "f32", name = "z", shape = array<i64: -1, 4>, dim_names = ["batch", ""]}, {dtype = "f32", name = "w", shape = array<i64: -1, 4>, dim_names = ["batch", ""]}]}} {
  func.func @main(%a: tensor<?x4xf32> {aic.name = "a"}, %b: tensor<?x4xf32> {aic.name = "b"}, %c: tensor<?x4xf32> {aic.name = "c"}) -> (tensor<?x4xf32> {aic.name = "y"}, tensor<?x4xf32> {aic.name = "z"}, tensor<?x4xf32> {aic.name = "w"}) {
    %c0 = arith.constant 0 : index
    %na = tensor.dim %a, %c0 : tensor<?x4xf32>
    %nb = tensor.dim %b, %c0 : tensor<?x4xf32>
    %n = arith.addi %na, %nb : index
    %e = tensor.empty(%n) : tensor<?x4xf32>
    %y0 = tensor.insert_slice %a into %e[0, 0] [%na, 4] [1, 1] : tensor<?x4xf32> into tensor<?x4xf32>
    %y = tensor.insert_slice %b into %y0[%na, 0] [%nb, 4] [1, 1] : tensor<?x4xf32> into tensor<?x4xf32>
    %ez = tensor.empty(%na) : tensor<?x4xf32>
    %z = linalg.add ins(%a, %c : tensor<?x4xf32>, tensor<?x4xf32>) outs(%ez : tensor<?x4xf32>) -> tensor<?x4xf32>
    return %y, %z, %z : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
  }
}
