// Column sums: a dynamic input, a static output (caller-allocated, as for static models).
module attributes {aic.interface = {inputs = [{dtype = "f32", name = "x", shape = array<i64: -1, 3>, dim_names = ["rows", ""]}], outputs = [{dtype = "f32", name = "col_sums", shape = array<i64: 3>}]}} {
  func.func @main(%x: tensor<?x3xf32> {aic.name = "x"}) -> (tensor<3xf32> {aic.name = "col_sums"}) {
    %zero = arith.constant 0.0 : f32
    %e3 = tensor.empty() : tensor<3xf32>
    %init3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<3xf32>) -> tensor<3xf32>
    %cols = linalg.reduce ins(%x : tensor<?x3xf32>) outs(%init3 : tensor<3xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
    return %cols : tensor<3xf32>
  }
}
