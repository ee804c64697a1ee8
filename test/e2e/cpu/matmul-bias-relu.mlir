// The whole CPU path in aic-opt: graph -> linalg -> tiled -> hw -> llvm, then mlir-runner.
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%libomp,%aic_buffers \
// RUN:   | FileCheck %s
// The matmul from graph-to-linalg (default indexing maps) and its bias add and relu form one
// tiled kernel:
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled | FileCheck %s --check-prefix=TILED
// TILED: "tiled.kernel"
// TILED: kind = "matmul+generic"

// relu(x @ w + b): x = [[1, 2], [3, 4], [-5, -6]], w = [[1, -1], [1, 1]], b = [0.5, -10]
// CHECK: [3.5,   0]
// CHECK: [7.5,   0]
// CHECK: [0,   0]
func.func @model(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %w = "graph.constant"() {value = dense<[[1.0, -1.0], [1.0, 1.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %b = "graph.constant"() {value = dense<[0.5, -10.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %m = "graph.matmul"(%x, %w) : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
  %a = "graph.add"(%m, %b) : (tensor<3x2xf32>, tensor<2xf32>) -> tensor<3x2xf32>
  %r = "graph.unary"(%a) {fn = "relu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %x = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [-5.0, -6.0]]> : tensor<3x2xf32>
  %r = call @model(%x) : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %m = bufferization.to_buffer %r : tensor<3x2xf32> to memref<3x2xf32>
  %u = memref.cast %m : memref<3x2xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
