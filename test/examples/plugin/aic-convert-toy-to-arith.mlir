// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --split-input-file -p aic-convert-toy-to-arith | FileCheck %s
// RUN: not aic-opt %S/Inputs/dynamic_scale.mlir --plugin %examples/plugin/toy_plugin.py -p aic-convert-toy-to-arith 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// The lowered IR has no toy op left: stock mlir-opt parses it without any IRDL.
// RUN: aic-opt %s --plugin %examples/plugin/toy_plugin.py --split-input-file -p aic-toy-simplify,aic-convert-toy-to-arith -o %t
// RUN: %if mlir-opt %{ mlir-opt %t --split-input-file | FileCheck %s --check-prefix=STOCK %}

// CHECK-LABEL: func.func @lower_all
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>)
// CHECK: %[[C:.*]] = arith.constant dense<1.500000e+00> : tensor<4xf32>
// CHECK: %[[F:.*]] = arith.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK: %[[M:.*]] = arith.mulf %[[X]], %[[F]] : tensor<4xf32>
// CHECK: %[[A:.*]] = arith.addf %[[M]], %[[C]] : tensor<4xf32>
// CHECK: return %[[A]]
// CHECK-NOT: toy.
// STOCK-LABEL: func.func @lower_all
// STOCK: arith.mulf
func.func @lower_all(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %c = "toy.constant"() {value = dense<1.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = "toy.scale"(%x) {factor = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %a = "toy.add"(%s, %c) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----
// f64 tensors get an f64 factor.
// CHECK-LABEL: func.func @lower_f64
// CHECK: arith.constant dense<5.000000e-01> : tensor<2x3xf64>
// CHECK: arith.mulf
func.func @lower_f64(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %s = "toy.scale"(%x) {factor = 0.5 : f32} : (tensor<2x3xf64>) -> tensor<2x3xf64>
  return %s : tensor<2x3xf64>
}

// DYNAMIC: dynamic_scale.mlir:2:8: error: aic-convert-toy-to-arith: toy.scale on a tensor with dynamic dimensions cannot be lowered
// DYNAMIC-NOT: Traceback
