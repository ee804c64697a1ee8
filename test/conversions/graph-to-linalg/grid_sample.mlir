// RUN: aic-opt %s -p aic-convert-graph-to-linalg --split-input-file | FileCheck %s

// linear, zeros: one parallel generic; two grid reads (innermost dim first), 2x2 taps of x,
// each masked to 0 outside the input.
// CHECK-LABEL: func.func @linear_zeros
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x2x4x4xf32>, %[[G:[^:]*]]: tensor<1x3x5x2xf32>
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK:           %[[C1:.*]] = arith.constant 1 : index
// CHECK:           tensor.extract %[[G]][%{{.*}}, %{{.*}}, %{{.*}}, %[[C1]]]
// CHECK:           math.floor
// CHECK-COUNT-4:   tensor.extract %[[X]]
// CHECK-NOT:       tensor.extract %[[X]]
// CHECK:           linalg.yield
// CHECK-NOT:     graph.
func.func @linear_zeros(%x: tensor<1x2x4x4xf32>, %g: tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32> {
  %r = "graph.grid_sample"(%x, %g) {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x2x4x4xf32>, tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32>
  return %r : tensor<1x2x3x5xf32>
}

// -----

// nearest rounds half to even and reads one tap.
// CHECK-LABEL: func.func @nearest_border
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x1x3x2xf32>
// CHECK:           math.roundeven
// CHECK-COUNT-1:   tensor.extract %[[X]]
// CHECK-NOT:       tensor.extract %[[X]]
func.func @nearest_border(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %r = "graph.grid_sample"(%x, %g) {align_corners = true, mode = "nearest", padding_mode = "border"} : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %r : tensor<1x1x2x4xf32>
}

// -----

// cubic: 4 x 4 taps.
// CHECK-LABEL: func.func @cubic_reflection
// CHECK-SAME:    %[[X:[^:]*]]: tensor<1x1x3x2xf32>
// CHECK-COUNT-16:  tensor.extract %[[X]]
// CHECK-NOT:       tensor.extract %[[X]]
func.func @cubic_reflection(%x: tensor<1x1x3x2xf32>, %g: tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32> {
  %r = "graph.grid_sample"(%x, %g) {align_corners = false, mode = "cubic", padding_mode = "reflection"} : (tensor<1x1x3x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x1x2x4xf32>
  return %r : tensor<1x1x2x4xf32>
}
