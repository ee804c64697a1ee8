// --verify-diagnostics fails (exit 1) when an expected diagnostic is missing, when one is
// unexpected, and when the text or the line does not match; it names each mismatch.
// RUN: not aic-opt %s --split-input-file --verify-diagnostics 2>&1 | FileCheck %s

// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 2]]:6: error: expected error "this never happens" was not produced
func.func @missing(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{this never happens}}
  return %a : tensor<2xf32>
}

// -----
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 2]]:8: error: unexpected error: {{.*}}expects exactly 2 operands, but got 1
func.func @unexpected(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 4]]:8: error: unexpected error: {{.*}}expects exactly 2 operands
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 2]]:6: error: expected error "expects exactly 3 operands" was not produced
func.func @wrong_text(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expects exactly 3 operands}}
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 4]]:8: error: unexpected error:
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 2]]:6: error: expected error "expects exactly 2 operands" was not produced
func.func @wrong_line(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{expects exactly 2 operands}}
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 4]]:8: error: unexpected error:
// CHECK: verify-diagnostics-mismatch.mlir:[[# @LINE + 2]]:6: error: expected warning "expects exactly 2 operands" was not produced
func.func @wrong_severity(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-warning @+1 {{expects exactly 2 operands}}
  %0 = "graph.add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
// CHECK-NOT: Traceback
