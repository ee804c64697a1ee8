// RUN: aic-opt %s --split-input-file -p aic-arith-expand-small-floats | FileCheck %s

// Widening decodes the bits: exponent rebiased (e4m3fn: bias 7), mantissa shifted into place.
// CHECK-LABEL: func.func @extf_e4m3fn
// CHECK-SAME: (%[[X:.*]]: f8E4M3FN) -> f32
// CHECK-NOT: arith.extf
// CHECK: %[[B:.*]] = arith.bitcast %[[X]] : f8E4M3FN to i8
// CHECK: %[[C:.*]] = arith.extui %[[B]] : i8 to i32
// CHECK: %[[R:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: return %[[R]] : f32
func.func @extf_e4m3fn(%x: f8E4M3FN) -> f32 {
  %r = arith.extf %x : f8E4M3FN to f32
  return %r : f32
}

// -----

// Narrowing rounds the f32 bits (normal results) or adds a power of two whose ulp is the
// smallest subnormal (e5m2: 2^-16, so 2^7), then truncates the code to 8 bits.
// CHECK-LABEL: func.func @truncf_e5m2
// CHECK-SAME: (%[[X:.*]]: f32) -> f8E5M2
// CHECK-NOT: arith.truncf
// CHECK: %[[U:.*]] = arith.bitcast %[[X]] : f32 to i32
// CHECK: %[[MAGIC:.*]] = arith.constant 1.280000e+02 : f32
// CHECK: arith.addf %{{.*}}, %[[MAGIC]] : f32
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK: %[[R:.*]] = arith.bitcast %[[CODE]] : i8 to f8E5M2
// CHECK: return %[[R]] : f8E5M2
func.func @truncf_e5m2(%x: f32) -> f8E5M2 {
  %r = arith.truncf %x : f32 to f8E5M2
  return %r : f8E5M2
}

// -----

// To a wider float than f32's neighbour: through f32, exactly.
// CHECK-LABEL: func.func @extf_e5m2fnuz_to_f16
// CHECK-NOT: arith.extf %{{.*}} : f8E5M2FNUZ
// CHECK: %[[F:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[H:.*]] = arith.truncf %[[F]] : f32 to f16
// CHECK: return %[[H]] : f16
func.func @extf_e5m2fnuz_to_f16(%x: f8E5M2FNUZ) -> f16 {
  %r = arith.extf %x : f8E5M2FNUZ to f16
  return %r : f16
}

// -----

// Integers convert through f32 (canonicalization folds sitofp + truncf into one sitofp).
// CHECK-LABEL: func.func @sitofp_e4m3fnuz
// CHECK-SAME: (%[[X:.*]]: i32)
// CHECK: %[[F:.*]] = arith.sitofp %[[X]] : i32 to f32
// CHECK: %[[U:.*]] = arith.bitcast %[[F]] : f32 to i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FNUZ
func.func @sitofp_e4m3fnuz(%x: i32) -> f8E4M3FNUZ {
  %r = arith.sitofp %x : i32 to f8E4M3FNUZ
  return %r : f8E4M3FNUZ
}

// -----

// float4 is 4 bits wide: the code is an i4.
// CHECK-LABEL: func.func @fptosi_f4
// CHECK-SAME: (%[[X:.*]]: f4E2M1FN)
// CHECK: %[[B:.*]] = arith.bitcast %[[X]] : f4E2M1FN to i4
// CHECK: %[[F:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[R:.*]] = arith.fptosi %[[F]] : f32 to i32
// CHECK: return %[[R]] : i32
func.func @fptosi_f4(%x: f4E2M1FN) -> i32 {
  %r = arith.fptosi %x : f4E2M1FN to i32
  return %r : i32
}

// -----

// CHECK-LABEL: func.func @negative_wide_floats
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @negative_wide_floats(%x: f16) -> bf16 {
  %f = arith.extf %x : f16 to f32
  %r = arith.truncf %f : f32 to bf16
  return %r : bf16
}
