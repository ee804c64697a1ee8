// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --split-input-file -p aic-toy-simplify | FileCheck %s
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --split-input-file -p 'aic-toy-simplify{max-iterations=1}' | FileCheck %s --check-prefix=ONE-SWEEP

// CHECK-LABEL: func.func @scale_of_scale
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[S:.*]] = "toy.scale"(%[[X]]) {factor = 6.000000e+00 : f32}
// CHECK-NEXT: return %[[S]]
// ONE-SWEEP-LABEL: func.func @scale_of_scale
func.func @scale_of_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "toy.scale"(%x) {factor = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "toy.scale"(%a) {factor = 3.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----
// Three scales need two sweeps; with max-iterations=1 one fold is left for later.
// CHECK-LABEL: func.func @three_scales
// CHECK-NEXT: "toy.scale"(%{{.*}}) {factor = 3.000000e+01 : f32}
// CHECK-NEXT: return
// ONE-SWEEP-LABEL: func.func @three_scales
// ONE-SWEEP-COUNT-2: "toy.scale"
// ONE-SWEEP-NEXT: return
func.func @three_scales(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "toy.scale"(%x) {factor = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "toy.scale"(%a) {factor = 3.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %c = "toy.scale"(%b) {factor = 5.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----
// CHECK-LABEL: func.func @unit_scale
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @unit_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "toy.scale"(%x) {factor = 1.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----
// A scale whose input is no scale, and an add, stay.
// CHECK-LABEL: func.func @negative_no_chain
// CHECK: "toy.add"
// CHECK: "toy.scale"
func.func @negative_no_chain(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %s = "toy.add"(%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a = "toy.scale"(%s) {factor = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}
