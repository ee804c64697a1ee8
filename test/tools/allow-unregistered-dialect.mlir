// Ops of unknown dialects are rejected (file:line:col) unless --allow-unregistered-dialect.
// RUN: not aic-opt %s 2>&1 | FileCheck %s --check-prefix=REJECT
// RUN: aic-opt %s --allow-unregistered-dialect | FileCheck %s

// REJECT: allow-unregistered-dialect.mlir:[[# @LINE + 6]]:{{[0-9]+}}: error: operation being parsed with an unregistered dialect
// REJECT-NOT: Traceback

// CHECK-LABEL: func.func @opaque
// CHECK: %[[X:.*]] = "test.producer"() : () -> tensor<2xf32>
func.func @opaque() -> tensor<2xf32> {
  %0 = "test.producer"() : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
