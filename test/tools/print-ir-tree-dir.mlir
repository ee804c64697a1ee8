// --print-ir-tree-dir DIR writes the IR after every pass (aic and upstream) into a tree of files.
// RUN: rm -rf %t.tree
// RUN: aic-opt %s -p 'aic-verify,func.func(canonicalize),cse' --print-ir-tree-dir %t.tree -o %t.out
// RUN: FileCheck %s --check-prefix=VERIFY --input-file=%t.tree/builtin_module_no-symbol-name/0_aic-verify.mlir
// RUN: FileCheck %s --check-prefix=CANON --input-file=%t.tree/builtin_module_no-symbol-name/func_func_tree/0_0_canonicalize.mlir
// RUN: FileCheck %s --check-prefix=CSE --input-file=%t.tree/builtin_module_no-symbol-name/1_cse.mlir

// VERIFY: arith.addi
// CANON-NOT: arith.addi
// CANON: "graph.add"
// CSE: "graph.add"
func.func @tree(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.addi %c1, %c1 : index
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
