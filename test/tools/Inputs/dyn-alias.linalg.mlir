// Results that alias an input (x itself) or a constant (table): buffer-deallocation-pipeline
// clones them, so the caller owns every returned buffer (and frees none it does not own).
module attributes {aic.interface = {inputs = [{dtype = "f32", name = "x", shape = array<i64: -1, 4>}], outputs = [{dtype = "f32", name = "same", shape = array<i64: -1, 4>}, {dtype = "f32", name = "table", shape = array<i64: 2>}]}} {
  func.func @main(%x: tensor<?x4xf32> {aic.name = "x"}) -> (tensor<?x4xf32> {aic.name = "same"}, tensor<2xf32> {aic.name = "table"}) {
    %cst = arith.constant dense<[1.5, 2.5]> : tensor<2xf32>
    return %x, %cst : tensor<?x4xf32>, tensor<2xf32>
  }
}
