// Layer norm of [1, 2, 3, 4] (epsilon 0): (x - 2.5) / sqrt(1.25).
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s

// CHECK: [-1.34164,   -0.447214,   0.447214,   1.34164]
func.func @model(%x: tensor<4xf32>) -> tensor<4xf32> {
  %g = "graph.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %r = "graph.layer_norm"(%x, %g) {axis = -1 : i64, epsilon = 0.0 : f32, operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %r = call @model(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %m = bufferization.to_buffer %r : tensor<4xf32> to memref<4xf32>
  %u = memref.cast %m : memref<4xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
