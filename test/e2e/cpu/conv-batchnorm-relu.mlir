// Conv (2x2 identity-diagonal kernel) + batch norm (folded into the conv) + relu.
// conv: [[6, 8], [12, 14]]; bn: (y - 10) / sqrt(3 + 1) * 2 + 1 = y - 9; relu.
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s

// CHECK: [0,   0]
// CHECK: [3,   5]
func.func @model(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  %w = "graph.constant"() {value = dense<[[[[1.0, 0.0], [0.0, 1.0]]]]> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %s = "graph.constant"() {value = dense<2.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %b = "graph.constant"() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = "graph.constant"() {value = dense<10.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %v = "graph.constant"() {value = dense<3.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = "graph.conv"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %n = "graph.batch_norm"(%c, %s, %b, %m, %v) {epsilon = 1.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %r = "graph.unary"(%n) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  return %r : tensor<1x1x2x2xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %r = call @model(%x) : (tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  %m = bufferization.to_buffer %r : tensor<1x1x2x2xf32> to memref<1x1x2x2xf32>
  %u = memref.cast %m : memref<1x1x2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
