// aic-opt reads a file or stdin ('-', also the default) and prints the module.
// RUN: aic-opt %s | FileCheck %s
// RUN: aic-opt - < %s | FileCheck %s
// RUN: aic-opt < %s | FileCheck %s
// RUN: not aic-opt %t.does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not aic-opt - < %S/Inputs/broken_plugin.py 2>&1 | FileCheck %s --check-prefix=STDIN-ERR

// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[A:.*]]: tensor<2xf32>)
// CHECK: return %[[A]]
func.func @identity(%a: tensor<2xf32>) -> tensor<2xf32> {
  return %a : tensor<2xf32>
}

// MISSING: aic-opt: error: cannot read '{{.*}}does-not-exist.mlir': No such file or directory
// MISSING-NOT: Traceback

// STDIN-ERR: <stdin>:1:1: error:
// STDIN-ERR-NOT: Traceback
