// Pipeline mistakes: one clear line each, exit 1, no traceback; "did you mean" for typos.
// RUN: not aic-opt %s -p aic-verfy 2>&1 | FileCheck %s --check-prefix=AIC-TYPO
// RUN: not aic-opt %s --aic-verfy 2>&1 | FileCheck %s --check-prefix=AIC-TYPO
// RUN: not aic-opt %s -p 'func.func(canonicalise)' 2>&1 | FileCheck %s --check-prefix=UP-TYPO
// RUN: not aic-opt %s --pass-pipeline='builtin.module(cse,canonicalise)' 2>&1 | FileCheck %s --check-prefix=UP-TYPO
// RUN: not aic-opt %s -p 'cse{no-such=1}' 2>&1 | FileCheck %s --check-prefix=UP-OPT
// RUN: not aic-opt %s -p 'canonicalize{max-iterations=many}' 2>&1 | FileCheck %s --check-prefix=UP-VALUE
// RUN: not aic-opt %s -p 'aic-verify{no-such=1}' 2>&1 | FileCheck %s --check-prefix=AIC-OPT
// RUN: not aic-opt %s --plugin %S/Inputs/failing_passes.py -p 'aic-test-reject{op-name}' 2>&1 | FileCheck %s --check-prefix=AIC-NOVALUE
// RUN: not aic-opt %s -p 'builtin.module(cse' 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not aic-opt %s --pass-pipeline='func.func(cse)' 2>&1 | FileCheck %s --check-prefix=ANCHOR
// RUN: not aic-opt %s --split-input-fil 2>&1 | FileCheck %s --check-prefix=FLAG-TYPO
// The pipeline is checked before the input is read: a bad pass with a missing file names the pass.
// RUN: not aic-opt %t.missing.mlir -p aic-verfy 2>&1 | FileCheck %s --check-prefix=AIC-TYPO

// AIC-TYPO: aic-opt: error: unknown pass 'aic-verfy'; did you mean 'aic-verify'
// AIC-TYPO-NOT: Traceback
// UP-TYPO: aic-opt: error: unknown pass 'canonicalise'; did you mean 'canonicalize'
// UP-TYPO-NOT: Traceback
// UP-OPT: aic-opt: error: invalid pass pipeline 'cse{no-such=1}': no such option no-such
// UP-VALUE: aic-opt: error: invalid pass pipeline 'canonicalize{max-iterations=many}': for the --max-iterations option: 'many' value invalid
// AIC-OPT: aic-opt: error: pass 'aic-verify' has no option 'no-such' (options: none)
// AIC-NOVALUE: aic-opt: error: option 'op-name' of 'aic-test-reject' needs a value
// SYNTAX: aic-opt: error: invalid pass pipeline 'builtin.module(cse' at column 19: expected ')'
// ANCHOR: aic-opt: error: the pass pipeline is anchored on 'func.func' but the input's top-level op is 'builtin.module'
// FLAG-TYPO: aic-opt: error: unknown option '--split-input-fil'; did you mean --split-input-file?

func.func @f() {
  return
}
