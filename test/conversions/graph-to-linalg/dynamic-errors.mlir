// RUN: not aic-opt %s -p aic-convert-graph-to-linalg --split-input-file 2>&1 | FileCheck %s

// Two dynamic dims that may differ at run time never broadcast against each other.
// CHECK: dynamic-errors.mlir:6:8: error: aic-convert-graph-to-linalg: dynamic dims are not supported by this lowering (broadcasts dynamic dim{{.*}}which may differ)
func.func @broadcast_of_two_dynamic_dims(%x: tensor<?x4xf32> {aic.dims = ["n", ""]}, %z: tensor<?x4xf32> {aic.dims = ["m", ""]}) -> tensor<?x4xf32> {
  %r = "graph.add"(%x, %z) : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// -----

// A lowering that needs the value of a dynamic dim says so (a mean over it divides by it).
// CHECK: dynamic-errors.mlir:[[# @LINE + 2]]:8: error: aic-convert-graph-to-linalg: dynamic dims are not supported by this lowering (needs the value of dynamic dim seq); give the model's input shapes (--input-shape) to compile it
func.func @mean_over_dynamic_dim(%x: tensor<2x?xf32> {aic.dims = ["", "seq"]}) -> tensor<2xf32> {
  %r = "graph.reduce"(%x) {axes = array<i64: 1>, keepdims = false, kind = "mean"} : (tensor<2x?xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// The data-sized ops (nonzero, unique, non_max_suppression) size their result buffer from
// static operands.
// CHECK: dynamic-errors.mlir:[[# @LINE + 2]]:8: error: aic-convert-graph-to-linalg: dynamic dims are not supported by this lowering (the result buffer is sized from the operand shapes, which must be static: got tensor<?xf32>)
func.func @nonzero_of_dynamic_input(%x: tensor<?xf32>) -> tensor<1x?xi64> {
  %r = "graph.nonzero"(%x) : (tensor<?xf32>) -> tensor<1x?xi64>
  return %r : tensor<1x?xi64>
}
