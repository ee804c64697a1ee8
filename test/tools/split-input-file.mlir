// --split-input-file: each chunk is processed alone, outputs are joined with '// -----',
// and diagnostics name the line in this file (also for chunks whose first line is code).
// RUN: aic-opt %s --split-input-file | FileCheck %s
// RUN: not aic-opt %s --split-input-file -p aic-test-reject --plugin %S/Inputs/failing_passes.py 2>&1 | FileCheck %s --check-prefix=LINES
// RUN: not aic-opt %S/Inputs/code_on_line_one.mlir 2>&1 | FileCheck %s --check-prefix=LINE-ONE

// CHECK-LABEL: func.func @first
// CHECK: // -----
// CHECK-LABEL: func.func @second
// CHECK: // -----
// CHECK-LABEL: func.func @third
// CHECK: // -----
// CHECK: module {
// CHECK-LABEL: func.func @fourth_a
// CHECK-LABEL: func.func @fourth_b
// CHECK-NOT: // -----

// LINES: split-input-file.mlir:[[# @LINE + 5]]:8: error: aic-test-reject: 'graph.add' is not allowed here
// LINES: split-input-file.mlir:[[# @LINE + 10]]:8: error: aic-test-reject: 'graph.add' is not allowed here
// LINES: split-input-file.mlir:[[# @LINE + 14]]:6: error: aic-test-reject: 'graph.add' is not allowed here
// LINES: split-input-file.mlir:[[# @LINE + 21]]:8: error: aic-test-reject: 'graph.add' is not allowed here
func.func @first(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
func.func @second(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// -----
func.func @third(%a: tensor<2xf32>) -> tensor<2xf32> {
%0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// -----
func.func @fourth_a(%a: tensor<2xf32>) -> tensor<2xf32> {
  return %a : tensor<2xf32>
}
func.func @fourth_b(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// Several top-level ops with code on the file's first line: the implicit module wrapper
// must not shift the reported column (col 57 is the '"graph.add"' in that file).
// LINE-ONE: code_on_line_one.mlir:1:57: error: {{.*}}expects exactly 2 operands, but got 1
