// Diagnostics of the data-sized ops (ops_selection.py).
// RUN: aic-opt %s --split-input-file --verify-diagnostics

func.func @nms_boxes_not_4(%b: tensor<1x6x5xf32>, %s: tensor<1x1x6xf32>, %m: tensor<i64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{'graph.non_max_suppression' op expects boxes of shape B x N x 4, got [1, 6, 5]}}
  %r = "graph.non_max_suppression"(%b, %s, %m, %t) {center_point_box = false} : (tensor<1x6x5xf32>, tensor<1x1x6xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// -----

func.func @nms_scores_mismatch(%b: tensor<1x6x4xf32>, %s: tensor<1x1x5xf32>, %m: tensor<i64>, %t: tensor<f32>) -> tensor<?x3xi64> {
  // expected-error @+1 {{'graph.non_max_suppression' op expects scores of shape 1 x C x 6 for boxes [1, 6, 4], got [1, 1, 5]}}
  %r = "graph.non_max_suppression"(%b, %s, %m, %t) {center_point_box = false} : (tensor<1x6x4xf32>, tensor<1x1x5xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return %r : tensor<?x3xi64>
}

// -----

func.func @unique_axis_out_of_range(%x: tensor<6xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'graph.unique' op expects axis < rank 1, got 1}}
  %y, %i, %inv, %c = "graph.unique"(%x) {axis = 1 : i64, sorted = true} : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
  return %y : tensor<?xf32>
}

// -----

func.func @unique_inverse_length(%x: tensor<6xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'graph.unique' op expects result #2 of type tensor<6xi64> (? allowed), got tensor<5xi64>}}
  %y, %i, %inv, %c = "graph.unique"(%x) {axis = 0 : i64, sorted = true} : (tensor<6xf32>) -> (tensor<?xf32>, tensor<?xi64>, tensor<5xi64>, tensor<?xi64>)
  return %y : tensor<?xf32>
}
