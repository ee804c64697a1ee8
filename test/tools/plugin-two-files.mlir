// A plugin that imports a sibling plugin: loading both, in either order, declares the
// sibling's dialect once; --emit-irdl with --plugin prints only the plugins' dialects.
// RUN: aic-opt %s --plugin %S/Inputs/base_dialect_plugin.py --plugin %S/Inputs/uses_base_plugin.py -p aic-test-erase-ids | FileCheck %s
// RUN: aic-opt %s --plugin %S/Inputs/uses_base_plugin.py --plugin %S/Inputs/base_dialect_plugin.py -p aic-test-erase-ids | FileCheck %s
// RUN: aic-opt --plugin %S/Inputs/uses_base_plugin.py --plugin %S/Inputs/base_dialect_plugin.py --emit-irdl | FileCheck %s --check-prefix=IRDL
// RUN: aic-opt --plugin %S/Inputs/base_dialect_plugin.py --emit-irdl | FileCheck %s --check-prefix=IRDL

// CHECK-LABEL: func.func @ids
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK-NOT: tbase.id
// CHECK: return %[[X]]
func.func @ids(%x: f32) -> f32 {
  %0 = "tbase.id"(%x) : (f32) -> f32
  %1 = "tbase.id"(%0) : (f32) -> f32
  return %1 : f32
}

// IRDL: irdl.dialect @tbase {
// IRDL-NOT: irdl.dialect @graph
