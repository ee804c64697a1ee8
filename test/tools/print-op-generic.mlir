// --mlir-print-op-generic prints every op, upstream ones included, in generic form.
// RUN: aic-opt %s --mlir-print-op-generic | FileCheck %s
// RUN: aic-opt %s | FileCheck %s --check-prefix=PRETTY

// CHECK: "builtin.module"() ({
// CHECK: "func.func"() <{function_type = (tensor<2xf32>) -> tensor<2xf32>, sym_name = "generic"}>
// CHECK: "graph.add"
// CHECK: "func.return"

// PRETTY-LABEL: func.func @generic
// PRETTY: return
func.func @generic(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
