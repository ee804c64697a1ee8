// A boolean tensor between compare and where: i1 buffers are stored as bytes.
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s

// CHECK: [1,   0,   3,   0]
func.func @model(%x: tensor<4xf32>) -> tensor<4xf32> {
  %zero = "graph.constant"() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %pos = "graph.compare"(%x, %zero) {predicate = "gt"} : (tensor<4xf32>, tensor<f32>) -> tensor<4xi1>
  %neg = "graph.unary"(%pos) {fn = "not", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4xi1>) -> tensor<4xi1>
  %r = "graph.where"(%neg, %zero, %x) : (tensor<4xi1>, tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[1.0, -2.0, 3.0, -4.0]> : tensor<4xf32>
  %r = call @model(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %m = bufferization.to_buffer %r : tensor<4xf32> to memref<4xf32>
  %u = memref.cast %m : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
