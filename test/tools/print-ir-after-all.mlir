// --print-ir-after-all prints the module to stderr after every pass, naming aic passes too;
// the final output still goes to stdout (or -o).
// RUN: aic-opt %s -p 'aic-verify,func.func(canonicalize),cse' --print-ir-after-all -o %t.out 2>&1 | FileCheck %s
// RUN: aic-opt %s -p 'aic-verify' --mlir-print-ir-after-all -o %t.out 2>&1 | FileCheck %s --check-prefix=ALIAS

// CHECK: // -----// IR Dump After aic-verify (aic-verify) ('builtin.module' operation) //----- //
// CHECK-NEXT: module {
// CHECK: arith.addi
// CHECK: // -----// IR Dump After Canonicalizer (canonicalize) ('func.func' operation: @dump) //----- //
// CHECK-NOT: arith.addi
// CHECK: // -----// IR Dump After CSE (cse) ('builtin.module' operation) //----- //
// CHECK-NOT: IR Dump

// ALIAS: IR Dump After aic-verify (aic-verify)
func.func @dump(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.addi %c1, %c1 : index
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
