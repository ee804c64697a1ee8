// Stock mlir-opt loads the exported IRDL (all aic dialects) and parses what aic-opt prints of
// the hw round-trip file; the ops come out unchanged.
// REQUIRES: mlir-opt
// RUN: aic-opt --emit-irdl > %t.irdl.mlir
// RUN: aic-opt %S/ops.mlir --split-input-file | mlir-opt --irdl-file=%t.irdl.mlir --split-input-file | FileCheck %S/ops.mlir
// RUN: aic-opt %S/ops.mlir --split-input-file | mlir-opt --irdl-file=%t.irdl.mlir --split-input-file | FileCheck %s

// CHECK-COUNT-3: // -----
// CHECK-NOT: // -----
