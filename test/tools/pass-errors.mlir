// A failing aic pass reports at the op (naming the pass); a Python exception escaping a pass is
// an internal error on one line. Both exit 1 without a traceback; AIC_TRACEBACK=1 adds the
// traceback of the exception escaping the pass (through the crash-guarded child process too).
// RUN: not aic-opt %s --plugin %S/Inputs/failing_passes.py -p aic-test-reject 2>&1 | FileCheck %s --check-prefix=REJECT
// RUN: not aic-opt %s --plugin %S/Inputs/failing_passes.py -p 'func.func(aic-test-reject{op-name=func.return})' 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: not aic-opt %s --plugin %S/Inputs/failing_passes.py -p cse,aic-test-crash 2>&1 | FileCheck %s --check-prefix=CRASH
// RUN: env AIC_TRACEBACK=1 not aic-opt %s --plugin %S/Inputs/failing_passes.py -p aic-test-crash 2>&1 | FileCheck %s --check-prefix=TRACE
// RUN: env AIC_TRACEBACK=1 AIC_UNGUARDED= not aic-opt %s --plugin %S/Inputs/failing_passes.py -p aic-test-crash 2>&1 | FileCheck %s --check-prefix=TRACE

// REJECT: pass-errors.mlir:[[# @LINE + 10]]:8: error: aic-test-reject: 'graph.add' is not allowed here
// REJECT-NOT: Traceback

// NESTED: pass-errors.mlir:[[# @LINE + 8]]:3: error: aic-test-reject: 'func.return' is not allowed here

// CRASH: pass-errors.mlir:1:1: error: internal error in pass aic-test-crash: KeyError: 'missing-key' (at {{.*}}failing_passes.py:{{[0-9]+}})
// CRASH-NOT: Traceback
// CRASH-NOT: error

func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
  %0 = "graph.add"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// TRACE: Traceback (most recent call last):
// TRACE: failing_passes.py", line {{[0-9]+}}, in run{{$}}
// TRACE-NEXT: return {}["missing-key"]
// TRACE: KeyError: 'missing-key'
// TRACE: pass-errors.mlir:1:1: error: internal error in pass aic-test-crash: KeyError: 'missing-key'
