// Row sums of x (a dynamic output) and column sums (a static output of a dynamic input).
module attributes {aic.interface = {inputs = [{dtype = "f32", name = "x", shape = array<i64: -1, 3>, dim_names = ["rows", ""]}], outputs = [{dtype = "f32", name = "row_sums", shape = array<i64: -1>, dim_names = ["rows"]}, {dtype = "f32", name = "col_sums", shape = array<i64: 3>}]}} {
  func.func @main(%x: tensor<?x3xf32> {aic.name = "x"}) -> (tensor<?xf32> {aic.name = "row_sums"}, tensor<3xf32> {aic.name = "col_sums"}) {
    %zero = arith.constant 0.0 : f32
    %c0 = arith.constant 0 : index
    %rows = tensor.dim %x, %c0 : tensor<?x3xf32>
    %e = tensor.empty(%rows) : tensor<?xf32>
    %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    %sums = linalg.reduce ins(%x : tensor<?x3xf32>) outs(%init : tensor<?xf32>) dimensions = [1]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
    %e3 = tensor.empty() : tensor<3xf32>
    %init3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<3xf32>) -> tensor<3xf32>
    %cols = linalg.reduce ins(%x : tensor<?x3xf32>) outs(%init3 : tensor<3xf32>) dimensions = [0]
      (%in: f32, %acc: f32) {
        %s = arith.addf %in, %acc : f32
        linalg.yield %s : f32
      }
    return %sums, %cols : tensor<?xf32>, tensor<3xf32>
  }
}
