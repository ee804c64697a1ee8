func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %y = "qnt.fake_quant"(%x) {scale = 0.5 : f32, zero_point = 0 : i64, qmin = -128 : i64, qmax = 127 : i64} : (tensor<?xf32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}
