// A recurrence at the graph level (as the ONNX importer builds LSTM/GRU/RNN): an scf.for
// over 3 steps carrying h and filling y: h' = relu(x_t + h @ R) with R = 2 * identity,
// h0 = [1, 1] and x_t = [1, 0], [0, 1], [1, 1] gives h = [3, 2], [6, 5], [13, 11].
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-vector,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s

// CHECK: {{\[\[\[}}3, 2]],
// CHECK-NEXT: {{\[\[}}6, 5]],
// CHECK-NEXT: {{\[\[}}13, 11]]]
func.func @model(%xs: tensor<3x1x2xf32>) -> tensor<3x1x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = "graph.constant"() {value = dense<[[2.0, 0.0], [0.0, 2.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %h0 = "graph.constant"() {value = dense<1.0> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %y0 = tensor.empty() : tensor<3x1x2xf32>
  %out:2 = scf.for %t = %c0 to %c3 step %c1 iter_args(%h = %h0, %y = %y0) -> (tensor<1x2xf32>, tensor<3x1x2xf32>) {
    %x = tensor.extract_slice %xs[%t, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<3x1x2xf32> to tensor<1x2xf32>
    %m = "graph.matmul"(%h, %r) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
    %s = "graph.add"(%x, %m) : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    %a = "graph.unary"(%s) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %y1 = tensor.insert_slice %a into %y[%t, 0, 0] [1, 1, 2] [1, 1, 1] : tensor<1x2xf32> into tensor<3x1x2xf32>
    scf.yield %a, %y1 : tensor<1x2xf32>, tensor<3x1x2xf32>
  }
  return %out#1 : tensor<3x1x2xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[[1.0, 0.0]], [[0.0, 1.0]], [[1.0, 1.0]]]> : tensor<3x1x2xf32>
  %r = call @model(%x) : (tensor<3x1x2xf32>) -> tensor<3x1x2xf32>
  %m = bufferization.to_buffer %r : tensor<3x1x2xf32> to memref<3x1x2xf32>
  %u = memref.cast %m : memref<3x1x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
