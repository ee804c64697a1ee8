// RUN: aic-opt %s --plugin %tutorial/qnt_passes.py --split-input-file -p aic-qnt-simplify | FileCheck %s

// CHECK-LABEL: func.func @pair_to_fake_quant
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[F:.*]] = "qnt.fake_quant"(%[[X]]) {qmax = 127 : i64, qmin = -128 : i64, scale = 5.000000e-01 : f32, zero_point = 2 : i64}
// CHECK-NEXT: return %[[F]]
func.func @pair_to_fake_quant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 2 : i64} : (tensor<4xf32>) -> tensor<4xi8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 2 : i64} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----
// ui8 storage gives the range [0, 255].
// CHECK-LABEL: func.func @unsigned_pair
// CHECK-NEXT: "qnt.fake_quant"(%{{.*}}) {qmax = 255 : i64, qmin = 0 : i64
func.func @unsigned_pair(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 128 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 128 : i64} : (tensor<4xui8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----
// CHECK-LABEL: func.func @fake_quant_twice
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[F:.*]] = "qnt.fake_quant"(%[[X]])
// CHECK-NEXT: return %[[F]]
func.func @fake_quant_twice(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "qnt.fake_quant"(%x) {scale = 0.5 : f32, zero_point = 0 : i64, qmin = -128 : i64, qmax = 127 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "qnt.fake_quant"(%a) {scale = 0.5 : f32, zero_point = 0 : i64, qmin = -128 : i64, qmax = 127 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----
// Different scales: the pair is not the identity on the quantization grid, so it stays.
// CHECK-LABEL: func.func @negative_scales_differ
// CHECK-NEXT: "qnt.quantize"
// CHECK-NEXT: "qnt.dequantize"
// CHECK-NEXT: return
func.func @negative_scales_differ(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi8>
  %d = "qnt.dequantize"(%q) {scale = 0.25 : f32, zero_point = 0 : i64} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----
// CHECK-LABEL: func.func @negative_fake_quant_params_differ
// CHECK-COUNT-2: "qnt.fake_quant"
// CHECK-NEXT: return
func.func @negative_fake_quant_params_differ(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "qnt.fake_quant"(%x) {scale = 0.5 : f32, zero_point = 0 : i64, qmin = -128 : i64, qmax = 127 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "qnt.fake_quant"(%a) {scale = 0.5 : f32, zero_point = 0 : i64, qmin = 0 : i64, qmax = 127 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %b : tensor<4xf32>
}
