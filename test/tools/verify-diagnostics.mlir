// --verify-diagnostics: every annotation (error/warning/remark/note, @+N, @-N, @above,
// @below, same line) matches, so aic-opt succeeds.
// The last chunk expects the warning and remark that a Python pass (aic-test-annotate) emits.
// RUN: aic-opt %s --split-input-file --verify-diagnostics -p aic-test-annotate --plugin %S/Inputs/failing_passes.py | FileCheck %s
// The chunks that verify print nothing; the annotated one prints its module.
// CHECK-LABEL: func.func @annotated

func.func @plus_one(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects exactly 2 operands, but got 1}}
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
func.func @minus_one(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-error @-1 {{expects exactly 2 operands}}
  return %0 : tensor<2xf32>
}

// -----
func.func @same_line(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32> // expected-error {{expects exactly 2 operands}}
  return %0 : tensor<2xf32>
}

// -----
func.func @below_and_above(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @below {{expects exactly 2 operands}}
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  // expected-note @above {{see current operation}}
  return %0 : tensor<2xf32>
}

// -----
func.func @parse_error(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{use of undeclared SSA value name}}
  %0 = "graph.add"(%a, %b) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// expected-remark @+1 {{a function}}
func.func @annotated(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-warning @+1 {{an add}}
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
