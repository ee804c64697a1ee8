// aic passes and upstream passes in one pipeline, nested and mixed, in every spelling.
// RUN: aic-opt %s --pass-pipeline='builtin.module(aic-verify,func.func(canonicalize),cse)' --print-ir-after-all -o %t 2>&1 | FileCheck %s --check-prefix=MIXED
// RUN: aic-opt %s --pass-pipeline='builtin.module(aic-verify,func.func(canonicalize),cse)' | FileCheck %s
// RUN: aic-opt %s --pass-pipeline='builtin.module(func.func(aic-verify,canonicalize))' --print-ir-after-all -o %t 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: aic-opt %s -p 'aic-verify,func.func(canonicalize{max-iterations=3 region-simplify=disabled}),cse' | FileCheck %s
// RUN: aic-opt %s -p 'builtin.module(aic-verify,canonicalize)' | FileCheck %s
// RUN: aic-opt %s --cse --aic-verify --canonicalize=max-iterations=2 --print-ir-after-all -o %t 2>&1 | FileCheck %s --check-prefix=FLAGS
// RUN: aic-opt %s --pass-pipeline='builtin.module(cse)' -p aic-verify --canonicalize --print-ir-after-all -o %t 2>&1 | FileCheck %s --check-prefix=ORDER

// MIXED: IR Dump After aic-verify (aic-verify) ('builtin.module' operation)
// MIXED: IR Dump After Canonicalizer (canonicalize) ('func.func' operation: @fold)
// MIXED: IR Dump After CSE (cse) ('builtin.module' operation)

// NESTED: IR Dump After aic-verify (aic-verify) ('builtin.module' operation)
// NESTED: IR Dump After Canonicalizer (canonicalize) ('func.func' operation: @fold)

// FLAGS: IR Dump After CSE (cse)
// FLAGS: IR Dump After aic-verify (aic-verify)
// FLAGS: IR Dump After Canonicalizer (canonicalize)

// ORDER: IR Dump After CSE (cse)
// ORDER: IR Dump After aic-verify (aic-verify)
// ORDER: IR Dump After Canonicalizer (canonicalize)

// The final output: canonicalize folded the constant add, the graph op stayed.
// CHECK-LABEL: func.func @fold
// CHECK-SAME: (%[[A:.*]]: tensor<2xf32>)
// CHECK-NOT: arith.addi
// CHECK: %[[ADD:.*]] = "graph.add"(%[[A]], %[[A]])
// CHECK: return %[[ADD]]
func.func @fold(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.addi %c1, %c1 : index
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
