// Softmax of [0, ln 2, ln 4] is [1/7, 2/7, 4/7].
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s

// CHECK: [0.142857,   0.285714,   0.571429]
func.func @model(%x: tensor<3xf32>) -> tensor<3xf32> {
  %r = "graph.softmax"(%x) {axis = -1 : i64, log = false} : (tensor<3xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[0.0, 0.693147182, 1.38629436]> : tensor<3xf32>
  %r = call @model(%x) : (tensor<3xf32>) -> tensor<3xf32>
  %m = bufferization.to_buffer %r : tensor<3xf32> to memref<3xf32>
  %u = memref.cast %m : memref<3xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
