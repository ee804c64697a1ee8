// RUN: aic-opt %s --split-input-file --verify-diagnostics -p aic-hw-profile | FileCheck %s

// Every kernel of @main is bracketed by clock calls that add its time to its slot; the slots
// are named after the kernels' ONNX nodes.
// CHECK: module attributes {aic.profile = ["add1", "mul1(Mul)"]}
// CHECK: llvm.func @rtclock() -> f64
// CHECK: memref.global "private" @aic_profile_seconds : memref<2xf64> = dense<0.000000e+00>
// CHECK-LABEL: func.func @main
// CHECK: %[[T0:.*]] = llvm.call @rtclock()
// CHECK-NEXT: %[[ADD:.*]] = linalg.add
// CHECK-NEXT: %[[T1:.*]] = llvm.call @rtclock()
// CHECK-NEXT: %[[DT:.*]] = arith.subf %[[T1]], %[[T0]]
// CHECK-NEXT: %[[G:.*]] = memref.get_global @aic_profile_seconds
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[OLD:.*]] = memref.load %[[G]][%[[C0]]]
// CHECK-NEXT: %[[NEW:.*]] = arith.addf %[[OLD]], %[[DT]]
// CHECK-NEXT: memref.store %[[NEW]], %[[G]][%[[C0]]]
// CHECK: linalg.mul
// CHECK: arith.constant 1 : index
// CHECK-LABEL: func.func @aic_profile_read
// CHECK-SAME: (%[[OUT:.*]]: memref<2xf64>)
// CHECK: memref.copy %{{.*}}, %[[OUT]]
func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.add ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32> loc("add1"("m.onnx":1:1))
  %1 = linalg.mul ins(%0, %0 : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32> loc("mul1(Mul)"("m.onnx":2:1))
  return %1 : tensor<4xf32>
}

// -----

// expected-error @+1 {{aic-hw-profile: needs a func.func @main}}
module {
  func.func @negative_not_main(%a: tensor<4xf32>) -> tensor<4xf32> {
    return %a : tensor<4xf32>
  }
}
