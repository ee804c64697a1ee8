// concat([[1, 2], [3, 4]], [[5], [6]], axis 1) -> transpose -> mean over axis 1.
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s

// CHECK: [2,   3,   5.5]
func.func @model(%a: tensor<2x2xf32>) -> tensor<3xf32> {
  %b = "graph.constant"() {value = dense<[[5.0], [6.0]]> : tensor<2x1xf32>} : () -> tensor<2x1xf32>
  %c = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %t = "graph.transpose"(%c) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %r = "graph.reduce"(%t) {axes = array<i64: 1>, keepdims = false, kind = "mean"} : (tensor<3x2xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %r = call @model(%x) : (tensor<2x2xf32>) -> tensor<3xf32>
  %m = bufferization.to_buffer %r : tensor<3xf32> to memref<3xf32>
  %u = memref.cast %m : memref<3xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
