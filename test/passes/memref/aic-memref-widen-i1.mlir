// RUN: aic-opt %s --split-input-file -p aic-memref-widen-i1 | FileCheck %s

// CHECK-LABEL: func.func @load_store
// CHECK-SAME: (%[[A:.*]]: memref<4xi8>, %[[B:.*]]: memref<4xi8>)
// CHECK: %[[V:.*]] = memref.load %[[A]][%{{.*}}] : memref<4xi8>
// CHECK: %[[T:.*]] = arith.trunci %[[V]] : i8 to i1
// CHECK: %[[N:.*]] = arith.xori %[[T]], %{{.*}} : i1
// CHECK: %[[E:.*]] = arith.extui %[[N]] : i1 to i8
// CHECK: memref.store %[[E]], %[[B]][%{{.*}}] : memref<4xi8>
func.func @load_store(%a: memref<4xi1>, %b: memref<4xi1>) {
  %c0 = arith.constant 0 : index
  %true = arith.constant true
  %v = memref.load %a[%c0] : memref<4xi1>
  %n = arith.xori %v, %true : i1
  memref.store %n, %b[%c0] : memref<4xi1>
  return
}

// -----

// CHECK: memref.global "private" constant @mask : memref<3xi8> = dense<[1, 0, 1]>
// CHECK-LABEL: func.func @global_and_alloc
// CHECK: memref.get_global @mask : memref<3xi8>
// CHECK: memref.alloc() : memref<3xi8>
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<3xi8> to memref<3xi8>
memref.global "private" constant @mask : memref<3xi1> = dense<[true, false, true]>
func.func @global_and_alloc() -> memref<3xi1> {
  %g = memref.get_global @mask : memref<3xi1>
  %m = memref.alloc() : memref<3xi1>
  memref.copy %g, %m : memref<3xi1> to memref<3xi1>
  return %m : memref<3xi1>
}

// -----

// CHECK-LABEL: func.func @negative_other_types
// CHECK-SAME: (%{{.*}}: memref<4xi32>, %{{.*}}: memref<4xf32>)
// CHECK-NOT: arith.trunci
func.func @negative_other_types(%a: memref<4xi32>, %b: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xi32>
  memref.store %v, %a[%c0] : memref<4xi32>
  return
}

// -----

// i4 (int4/uint4 tensors) is stored a byte per element: loads keep the low 4 bits, stores
// zero-extend (-1 : i4 is stored as 0x0F, as ml_dtypes stores it).
// CHECK-LABEL: func.func @load_store_i4
// CHECK-SAME: (%[[A:.*]]: memref<4xi8>, %[[B:.*]]: memref<4xi8>)
// CHECK: %[[V:.*]] = memref.load %[[A]][%{{.*}}] : memref<4xi8>
// CHECK: %[[T:.*]] = arith.trunci %[[V]] : i8 to i4
// CHECK: %[[E:.*]] = arith.extui %[[T]] : i4 to i8
// CHECK: memref.store %[[E]], %[[B]][%{{.*}}] : memref<4xi8>
func.func @load_store_i4(%a: memref<4xi4>, %b: memref<4xi4>) {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<4xi4>
  memref.store %v, %b[%c0] : memref<4xi4>
  return
}

// -----

// float4 goes through its i4 bits.
// CHECK-LABEL: func.func @load_store_f4
// CHECK: %[[V:.*]] = memref.load %{{.*}} : memref<2xi8>
// CHECK: %[[T:.*]] = arith.trunci %[[V]] : i8 to i4
// CHECK: %[[F:.*]] = arith.bitcast %[[T]] : i4 to f4E2M1FN
// CHECK: %[[I:.*]] = arith.bitcast %[[F]] : f4E2M1FN to i4
// CHECK: %[[E:.*]] = arith.extui %[[I]] : i4 to i8
// CHECK: memref.store %[[E]], %{{.*}} : memref<2xi8>
func.func @load_store_f4(%a: memref<2xf4E2M1FN>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = memref.load %a[%c0] : memref<2xf4E2M1FN>
  memref.store %v, %a[%c1] : memref<2xf4E2M1FN>
  return
}

// -----

// An i4 global's initial value becomes its bytes (two's complement in the low 4 bits).
// CHECK: memref.global "private" constant @nibbles : memref<3xi8> = dense<[15, 7, 8]>
memref.global "private" constant @nibbles : memref<3xi4> = dense<[-1, 7, -8]>
func.func @use_nibbles() -> memref<3xi4> {
  %g = memref.get_global @nibbles : memref<3xi4>
  return %g : memref<3xi4>
}
