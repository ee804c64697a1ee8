// --emit-irdl prints the IRDL of every loaded aic dialect (plugins too); stock mlir-opt loads it
// and then parses aic IR.
// REQUIRES: mlir-opt
// RUN: aic-opt --emit-irdl | FileCheck %s --check-prefix=IRDL
// RUN: aic-opt --emit-irdl > %t.irdl.mlir
// RUN: mlir-opt --irdl-file=%t.irdl.mlir %s | FileCheck %s

// IRDL: irdl.dialect @graph {
// IRDL: irdl.operation @add {

// CHECK-LABEL: func.func @stock
// CHECK: "graph.add"
func.func @stock(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
