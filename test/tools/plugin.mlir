// --plugin FILE.py loads a researcher's passes; a broken plugin gives one line, exit 1.
// RUN: aic-opt %s --plugin %S/Inputs/failing_passes.py -p aic-test-annotate 2>&1 | FileCheck %s
// RUN: not aic-opt %s --plugin %S/Inputs/broken_plugin.py 2>&1 | FileCheck %s --check-prefix=BROKEN
// RUN: not aic-opt %s --plugin %S/Inputs/syntax_error_plugin.py 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not aic-opt %s --plugin %t.no-such-plugin.py 2>&1 | FileCheck %s --check-prefix=MISSING

// CHECK: plugin.mlir:[[# @LINE + 7]]:8: warning: an add
// BROKEN: aic-opt: error: plugin {{.*}}broken_plugin.py:6: RuntimeError: the plugin author made a mistake
// BROKEN-NOT: Traceback
// SYNTAX: aic-opt: error: plugin {{.*}}syntax_error_plugin.py:1: SyntaxError:
// SYNTAX-NOT: Traceback
// MISSING: aic-opt: error: plugin '{{.*}}no-such-plugin.py' does not exist
func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
