// RUN: aic-opt %s --plugin %tutorial/qnt_passes.py --split-input-file -p aic-convert-qnt-to-linalg | FileCheck %s
// RUN: not aic-opt %S/Inputs/qnt-dynamic.mlir --plugin %tutorial/qnt_passes.py -p aic-convert-qnt-to-linalg 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not aic-opt %S/Inputs/qnt-ui8-escapes.mlir --plugin %tutorial/qnt_passes.py -p aic-convert-qnt-to-linalg 2>&1 | FileCheck %s --check-prefix=UI8
// The lowered IR has no qnt op left: stock mlir-opt parses it without any IRDL.
// RUN: aic-opt %s --plugin %tutorial/qnt_passes.py --split-input-file -p aic-convert-qnt-to-linalg -o %t
// RUN: %if mlir-opt %{ mlir-opt %t --split-input-file | FileCheck %s --check-prefix=STOCK %}

// CHECK-LABEL: func.func @fake_quant
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]{{.*}} ins(%[[X]] : tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[DIV:.*]] = arith.divf %[[IN]], %{{.*}} : f32
// CHECK: %[[ROUND:.*]] = math.roundeven %[[DIV]] : f32
// CHECK: %[[ZP:.*]] = arith.addf %[[ROUND]]
// CHECK: %[[LO:.*]] = arith.maximumf %[[ZP]]
// CHECK: %[[HI:.*]] = arith.minimumf %[[LO]]
// CHECK: %[[SUB:.*]] = arith.subf %[[HI]]
// CHECK: %[[MUL:.*]] = arith.mulf %[[SUB]]
// CHECK: linalg.yield %[[MUL]] : f32
// CHECK: return %[[R]]
// CHECK-NOT: qnt.
// STOCK-LABEL: func.func @fake_quant
// STOCK: math.roundeven
func.func @fake_quant(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = "qnt.fake_quant"(%x) {scale = 0.5 : f32, zero_point = 0 : i64, qmin = -128 : i64, qmax = 127 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----
// i8: the clamp bounds are [-128, 127], the conversions signed.
// CHECK-LABEL: func.func @signed_pair
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xi8>)
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.constant 1.270000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
// CHECK: linalg.generic {{.*}} ins(%[[Q]] : tensor<4xi8>)
// CHECK: arith.sitofp %{{.*}} : i8 to f32
func.func @signed_pair(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xf32>) -> tensor<4xi8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 0 : i64} : (tensor<4xi8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----
// ui8: the quantized tensor becomes signless i8; range [0, 255], unsigned conversions.
// CHECK-LABEL: func.func @unsigned_pair
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xi8>)
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
// CHECK: linalg.generic {{.*}} ins(%[[Q]] : tensor<4xi8>)
// CHECK: arith.uitofp %{{.*}} : i8 to f32
func.func @unsigned_pair(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = "qnt.quantize"(%x) {scale = 0.5 : f32, zero_point = 128 : i64} : (tensor<4xf32>) -> tensor<4xui8>
  %d = "qnt.dequantize"(%q) {scale = 0.5 : f32, zero_point = 128 : i64} : (tensor<4xui8>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// DYNAMIC: qnt-dynamic.mlir:2:8: error: aic-convert-qnt-to-linalg: dynamic shapes are not supported (got tensor<?xf32>)
// DYNAMIC-NOT: Traceback
// UI8: qnt-ui8-escapes.mlir:2:8: error: aic-convert-qnt-to-linalg: a ui8 tensor must go from qnt.quantize straight to qnt.dequantize
