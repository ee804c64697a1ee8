// The CPU pipeline inlines exp/expm1/log/log1p/tanh/erf (aic-math-approximate): the models that
// use them (exp, log, tanh, erf, sigmoid, SiLU, GELU in both forms, softmax, ELU, softplus,
// mish), vectorized and scalar, reach LLVM without a libm call or an LLVM exp/log/tanh
// intrinsic (which LLVM expands into a libm call per lane).
// RUN: aic-opt %s -p aic-stage-graph,aic-stage-linalg,aic-stage-tiled,aic-stage-hw,aic-stage-llvm \
// RUN:   | FileCheck %s --implicit-check-not=expf --implicit-check-not=logf \
// RUN:       --implicit-check-not=tanhf --implicit-check-not=erff \
// RUN:       --implicit-check-not=llvm.intr.exp --implicit-check-not=llvm.intr.log \
// RUN:       --implicit-check-not=llvm.intr.tanh --implicit-check-not=expm1f \
// RUN:       --implicit-check-not=log1pf

// CHECK-LABEL: llvm.func @main
// CHECK: llvm.intr.fma
// CHECK: llvm.return
func.func @main(%x: tensor<4x64xf32>, %s: tensor<3x5xf32>) -> (tensor<4x64xf32>,
    tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>,
    tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<3x5xf32>, tensor<4x64xf32>,
    tensor<4x64xf32>, tensor<4x64xf32>) {
  %0 = "graph.unary"(%x) {fn = "exp", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %1 = "graph.unary"(%x) {fn = "log", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %2 = "graph.unary"(%x) {fn = "tanh", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %3 = "graph.unary"(%x) {fn = "erf", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %4 = "graph.unary"(%x) {fn = "sigmoid", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %5 = "graph.unary"(%x) {fn = "silu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %6 = "graph.unary"(%x) {fn = "gelu", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %7 = "graph.unary"(%x) {fn = "gelu_tanh", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %8 = "graph.softmax"(%x) {axis = -1 : i64, log = false} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %9 = "graph.softmax"(%s) {axis = -1 : i64, log = false} : (tensor<3x5xf32>) -> tensor<3x5xf32>
  %10 = "graph.unary"(%x) {fn = "elu", alpha = 1.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %11 = "graph.unary"(%x) {fn = "softplus", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  %12 = "graph.unary"(%x) {fn = "mish", alpha = 0.0 : f32, beta = 0.0 : f32} : (tensor<4x64xf32>) -> tensor<4x64xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12 : tensor<4x64xf32>,
    tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>,
    tensor<4x64xf32>, tensor<4x64xf32>, tensor<4x64xf32>, tensor<3x5xf32>, tensor<4x64xf32>,
    tensor<4x64xf32>, tensor<4x64xf32>
}
