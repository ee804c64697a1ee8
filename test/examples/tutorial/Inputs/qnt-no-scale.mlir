func.func @no_scale(%x: tensor<4xf32>) -> tensor<4xi8> {
  %q = "qnt.quantize"(%x) {zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi8>
  return %q : tensor<4xi8>
}
