// --list-passes lists aic passes (name, summary, options) then the upstream passes.
// RUN: aic-opt --list-passes | FileCheck %s
// RUN: aic-opt --list-passes --plugin %S/Inputs/failing_passes.py | FileCheck %s --check-prefix=PLUGIN

// CHECK: aic passes:
// CHECK: {{^  aic-verify +Check aic ops' semantics}}
// CHECK: upstream MLIR passes ({{[0-9]+}}; options: mlir-opt --list-passes):
// CHECK: {{^  canonicalize$}}
// CHECK: {{^  cse$}}

// PLUGIN: {{^  aic-test-reject +Fail with a located PassError}}
// PLUGIN-NEXT: {{^      op-name=str +name of the op to reject \(default: 'graph.add'\)}}
