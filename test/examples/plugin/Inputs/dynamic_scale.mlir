func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  %s = "toy.scale"(%x) {factor = 2.0 : f32} : (tensor<?xf32>) -> tensor<?xf32>
  return %s : tensor<?xf32>
}
