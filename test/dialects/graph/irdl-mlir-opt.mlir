// Stock mlir-opt loads the exported graph IRDL and parses what aic-opt prints: every chunk of
// ops.mlir goes through both tools, and the ops come out unchanged.
// REQUIRES: mlir-opt
// RUN: aic-opt --emit-irdl > %t.irdl.mlir
// RUN: aic-opt %S/ops.mlir --split-input-file | mlir-opt --irdl-file=%t.irdl.mlir --split-input-file | FileCheck %S/ops.mlir
// RUN: aic-opt %S/ops.mlir --split-input-file | mlir-opt --irdl-file=%t.irdl.mlir --split-input-file | FileCheck %s

// mlir-opt and aic-opt agree on the number of chunks (one function per op).
// CHECK-COUNT-48: // -----
// CHECK-NOT: // -----
