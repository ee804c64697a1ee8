// aic-opt --mlir-timing: a wall-time report on stderr, like mlir-opt's -- the driver's steps,
// then every pass of the pipeline (aic passes by name, upstream passes by class, nested
// pipelines indented); the IR still goes to stdout.
// RUN: aic-opt %s --mlir-timing -p 'aic-verify,func.func(canonicalize),cse' -o %t 2>&1 | FileCheck %s
// RUN: aic-opt %s --mlir-timing -p 'aic-verify,cse' 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: aic-opt %s -p cse 2>&1 | FileCheck %s --check-prefix=NONE

// CHECK:      ... Execution time report ...
// CHECK:      Total Execution Time: {{[0-9]+\.[0-9]+}} seconds
// CHECK:      ----Wall Time----  ----Name----
// CHECK:      {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)  parse$}}
// CHECK:      {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)  pipeline$}}
// CHECK-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)    aic-verify$}}
// CHECK-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)    'func.func' Pipeline$}}
// CHECK-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)      Canonicalizer$}}
// CHECK-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)    CSE$}}
// CHECK:      {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)  print$}}
// CHECK-NEXT: {{^ +[0-9]+\.[0-9]+ \( *[0-9.]+%\)  Rest$}}
// CHECK-NEXT: {{^ +[0-9]+\.[0-9]+ \(100\.0%\)  Total$}}

// IR-LABEL: func.func @fold
// IR-NOT:   Execution time report
// NONE-NOT: Execution time report

func.func @fold(%a: i32) -> i32 {
  %0 = arith.addi %a, %a : i32
  %1 = arith.addi %a, %a : i32
  %2 = arith.addi %0, %1 : i32
  return %2 : i32
}
