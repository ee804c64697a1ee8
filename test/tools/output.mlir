// -o OUT writes the result there (nothing on stdout); a failing run leaves OUT untouched.
// RUN: rm -f %t.out
// RUN: aic-opt %s -o %t.out | FileCheck %s --allow-empty --check-prefix=NOSTDOUT
// RUN: FileCheck %s --input-file=%t.out
// RUN: echo previous content > %t.kept
// RUN: not aic-opt %s -p aic-test-reject --plugin %S/Inputs/failing_passes.py -o %t.kept
// RUN: FileCheck %s --check-prefix=KEPT --input-file=%t.kept
// RUN: not aic-opt %s -o %t.missing-dir/out.mlir 2>&1 | FileCheck %s --check-prefix=NODIR

// CHECK-LABEL: func.func @add
// CHECK: "graph.add"
func.func @add(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// NOSTDOUT-NOT: {{.}}

// KEPT: previous content
// KEPT-NOT: func.func

// NODIR: aic-opt: error: cannot write '{{.*}}out.mlir': No such file or directory
