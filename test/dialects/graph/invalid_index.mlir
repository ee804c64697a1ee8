// Diagnostics of the indexing ops (ops_index.py).
// RUN: aic-opt %s --split-input-file --verify-diagnostics

func.func @gather_nd_too_many_coords(%x: tensor<2x3xf32>, %i: tensor<5x3xi64>) -> tensor<5xf32> {
  // expected-error @+1 {{'graph.gather_nd' op expects 1 <= indices.shape[-1] <= 2, got 3}}
  %r = "graph.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<2x3xf32>, tensor<5x3xi64>) -> tensor<5xf32>
  return %r : tensor<5xf32>
}

// -----

func.func @gather_nd_batch_mismatch(%x: tensor<2x3xf32>, %i: tensor<4x1xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{'graph.gather_nd' op expects the first 1 dims of x and indices to agree}}
  %r = "graph.gather_nd"(%x, %i) {batch_dims = 1 : i64} : (tensor<2x3xf32>, tensor<4x1xi64>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @gather_nd_result(%x: tensor<2x3xf32>, %i: tensor<5x1xi64>) -> tensor<5x4xf32> {
  // expected-error @+1 {{'graph.gather_nd' op expects result #0 of type tensor<5x3xf32> (? allowed), got tensor<5x4xf32>}}
  %r = "graph.gather_nd"(%x, %i) {batch_dims = 0 : i64} : (tensor<2x3xf32>, tensor<5x1xi64>) -> tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}

// -----

func.func @scatter_nd_updates(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'graph.scatter_nd' op expects updates of shape [2, 3], got [2, 4]}}
  %r = "graph.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

func.func @scatter_nd_reduction(%x: tensor<4x3xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{reduction}}
  %r = "graph.scatter_nd"(%x, %i, %u) {reduction = "sub"} : (tensor<4x3xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

func.func @scatter_elements_shapes(%x: tensor<3x5xf32>, %i: tensor<2x2xi64>, %u: tensor<2x3xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'graph.scatter_elements' op expects indices and updates of one shape, got [2, 2] and [2, 3]}}
  %r = "graph.scatter_elements"(%x, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<3x5xf32>, tensor<2x2xi64>, tensor<2x3xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_elements_larger(%x: tensor<3x5xf32>, %i: tensor<4x2xi64>, %u: tensor<4x2xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'graph.scatter_elements' op expects indices no larger than x ([3, 5]) off the axis, got [4, 2]}}
  %r = "graph.scatter_elements"(%x, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<3x5xf32>, tensor<4x2xi64>, tensor<4x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_elements_element(%x: tensor<3x5xf32>, %i: tensor<2x2xi64>, %u: tensor<2x2xf16>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'graph.scatter_elements' op expects x and updates of one element type, got f32, f16}}
  %r = "graph.scatter_elements"(%x, %i, %u) {axis = 1 : i64, reduction = "none"} : (tensor<3x5xf32>, tensor<2x2xi64>, tensor<2x2xf16>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @grid_sample_coords(%x: tensor<1x2x4x4xf32>, %g: tensor<1x3x5x3xf32>) -> tensor<1x2x3x5xf32> {
  // expected-error @+1 {{'graph.grid_sample' op expects grid [N, ..., 2] for x [1, 2, 4, 4], got [1, 3, 5, 3]}}
  %r = "graph.grid_sample"(%x, %g) {align_corners = false, mode = "linear", padding_mode = "zeros"} : (tensor<1x2x4x4xf32>, tensor<1x3x5x3xf32>) -> tensor<1x2x3x5xf32>
  return %r : tensor<1x2x3x5xf32>
}

// -----

func.func @grid_sample_mode(%x: tensor<1x2x4x4xf32>, %g: tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32> {
  // expected-error @+1 {{mode}}
  %r = "graph.grid_sample"(%x, %g) {align_corners = false, mode = "bilinear", padding_mode = "zeros"} : (tensor<1x2x4x4xf32>, tensor<1x3x5x2xf32>) -> tensor<1x2x3x5xf32>
  return %r : tensor<1x2x3x5xf32>
}
