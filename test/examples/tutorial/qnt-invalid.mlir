// The qnt dialect's verifiers (docs/tutorial/qnt.py): one rule per chunk.
// RUN: aic-opt %s --plugin %tutorial/qnt.py --split-input-file --verify-diagnostics

func.func @quantize_zero_scale(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{'qnt.quantize' op scale must be a positive finite number, got 0.0}}
  %q = "qnt.quantize"(%x) {scale = 0.0 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi8>
  return %q : tensor<4xi8>
}

// -----
func.func @quantize_zero_point_out_of_range(%x: tensor<4xf32>) -> tensor<4xui8> {
  // expected-error @+1 {{'qnt.quantize' op zero_point -1 is outside the quantized range [0, 255]}}
  %q = "qnt.quantize"(%x) {scale = 1.0 : f32, zero_point = -1 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  return %q : tensor<4xui8>
}

// -----
func.func @quantize_to_i32(%x: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{'qnt.quantize' op result 'out': element type i32 is not one of i8, ui8}}
  %q = "qnt.quantize"(%x) {scale = 1.0 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi32>
  return %q : tensor<4xi32>
}

// -----
func.func @dequantize_shape(%q: tensor<4xi8>) -> tensor<2xf32> {
  // expected-error @+1 {{'qnt.dequantize' op operand and result shapes differ}}
  %x = "qnt.dequantize"(%q) {scale = 1.0 : f32, zero_point = 0 : i64} : (tensor<4xi8>) -> tensor<2xf32>
  return %x : tensor<2xf32>
}

// -----
func.func @fake_quant_empty_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qnt.fake_quant' op qmin (5) must be less than qmax (5)}}
  %y = "qnt.fake_quant"(%x) {scale = 1.0 : f32, zero_point = 5 : i64, qmin = 5 : i64, qmax = 5 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----
func.func @fake_quant_no_qmax(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{attribute "qmax" is expected but not provided}}
  %y = "qnt.fake_quant"(%x) {scale = 1.0 : f32, zero_point = 0 : i64, qmin = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
