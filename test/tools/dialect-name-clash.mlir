// A plugin dialect named like an upstream MLIR dialect, or like one already declared, is one
// error line naming the plugin line (exit 1) -- never MLIR's "LLVM ERROR: a dialect with
// namespace 'quant' has already been registered" abort.
// RUN: not aic-opt %s --plugin %S/Inputs/clash_upstream_plugin.py 2>&1 | FileCheck %s --check-prefix=UPSTREAM
// RUN: not aic-opt %s --plugin %S/Inputs/clash_aic_plugin.py 2>&1 | FileCheck %s --check-prefix=DECLARED
// RUN: env AIC_UNGUARDED= not aic-opt %s --plugin %S/Inputs/clash_upstream_plugin.py 2>&1 | FileCheck %s --check-prefix=UPSTREAM

// UPSTREAM: aic-opt: error: plugin {{.*}}clash_upstream_plugin.py:5: ValueError: dialect name 'quant' is taken by an upstream MLIR dialect; choose another name
// UPSTREAM-NOT: LLVM ERROR
// UPSTREAM-NOT: internal compiler error
// DECLARED: aic-opt: error: plugin {{.*}}clash_aic_plugin.py:5: ValueError: dialect 'graph' is already declared in this process (by aic or another plugin); choose another name

func.func @f() {
  return
}
