// The qnt dialect's IRDL (aic-opt --emit-irdl) is read by stock mlir-opt, which then parses
// and verifies qnt IR without aic: the structure (operands, attributes, results) is IRDL's.
// REQUIRES: mlir-opt
// RUN: aic-opt --emit-irdl --plugin %tutorial/qnt.py > %t.irdl.mlir
// RUN: FileCheck %s --check-prefix=IRDL < %t.irdl.mlir
// RUN: mlir-opt --irdl-file=%t.irdl.mlir %s | FileCheck %s
// RUN: not mlir-opt --irdl-file=%t.irdl.mlir %S/Inputs/qnt-no-scale.mlir 2>&1 | FileCheck %s --check-prefix=STOCK-ERROR

// IRDL: irdl.dialect @qnt {
// IRDL: irdl.operation @quantize {
// IRDL: irdl.attributes {"scale" = %{{.*}}, "zero_point" = %{{.*}}}
// IRDL: irdl.operation @dequantize {
// IRDL: irdl.operation @fake_quant {
// IRDL-NOT: irdl.dialect @graph

// CHECK-LABEL: func.func @stock
// CHECK: "qnt.quantize"
// CHECK: "qnt.dequantize"
func.func @stock(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// STOCK-ERROR: attribute "scale" is expected but not provided
