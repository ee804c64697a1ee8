func.func @escapes(%x: tensor<4xf32>) -> tensor<4xui8> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  return %q : tensor<4xui8>
}
