// RUN: aic-opt %s --split-input-file -p aic-math-approximate | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-math-approximate{functions=tanh}' | FileCheck %s --check-prefix=ONLY
// RUN: not aic-opt %s -p 'aic-math-approximate{functions=exp,sin}' 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: aic-math-approximate: unknown function(s) sin; known: exp, expm1, log, log1p, tanh, erf

// exp has no final NaN select: a NaN input stays NaN through the clamp (ordered compares),
// the fma polynomial and the scale (k read from the bits of the rounded value).
// CHECK-LABEL: func.func @exp_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> f32
// CHECK-NOT: math.exp
// CHECK: arith.shrsi
// CHECK-NOT: arith.cmpf uno
// CHECK: return %{{.*}} : f32
// ONLY-LABEL: func.func @exp_scalar
// ONLY: math.exp
func.func @exp_scalar(%x: f32) -> f32 {
  %r = math.exp %x : f32
  return %r : f32
}

// -----

// exp: clamp (NaN kept), round x/ln2 to k, reduce with two fmas, fma polynomial, scale by
// 2^(k/2) twice; k from the bits of the rounded value.
// CHECK-LABEL: func.func @exp_vector
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[HI:.*]] = arith.cmpf ogt, %[[X]], %{{.*}} : vector<16xf32>
// CHECK: %[[C:.*]] = arith.select %[[HI]], %{{.*}}, %[[X]]
// CHECK: %[[LO:.*]] = arith.cmpf olt, %[[C]], %{{.*}} : vector<16xf32>
// CHECK: %[[XC:.*]] = arith.select %[[LO]], %{{.*}}, %[[C]]
// CHECK: %[[T:.*]] = math.fma %[[XC]], %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: %[[KF:.*]] = arith.subf %[[T]], %{{.*}} : vector<16xf32>
// CHECK: %[[R1:.*]] = math.fma %[[KF]], %{{.*}}, %[[XC]] : vector<16xf32>
// CHECK: %[[R:.*]] = math.fma %[[KF]], %{{.*}}, %[[R1]] : vector<16xf32>
// CHECK-COUNT-5: math.fma %{{.*}}, %[[R]], %{{.*}} : vector<16xf32>
// CHECK: %[[TB:.*]] = arith.bitcast %[[T]] : vector<16xf32> to vector<16xi32>
// CHECK: %[[K:.*]] = arith.subi %[[TB]], %{{.*}} : vector<16xi32>
// CHECK: %[[H:.*]] = arith.shrsi %[[K]], %{{.*}} : vector<16xi32>
// CHECK: arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: arith.subi %[[K]], %[[H]] : vector<16xi32>
// CHECK: %[[Y:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NOT: arith.cmpf uno
// CHECK: return %[[Y]]
// CHECK-NOT: math.exp
func.func @exp_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %r = math.exp %x : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// expm1: the exp reduction, then 2 * (2^(k-1) * expm1(r) + (2^(k-1) - 1/2)); |x| < 2^-25 -> x.
// CHECK-LABEL: func.func @expm1_vector
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[RR:.*]] = arith.mulf %[[R:.*]], %[[R]] : vector<16xf32>
// CHECK: %[[EM1:.*]] = math.fma %[[RR]], %{{.*}}, %[[R]] : vector<16xf32>
// CHECK: %[[K:.*]] = arith.subi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: %[[HALF:.*]] = arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: %[[OFF:.*]] = arith.subf %[[HALF]], %{{.*}} : vector<16xf32>
// CHECK: %[[F:.*]] = math.fma %[[HALF]], %[[EM1]], %[[OFF]] : vector<16xf32>
// CHECK: %[[Y:.*]] = arith.mulf %{{.*}}, %[[F]] : vector<16xf32>
// CHECK: %[[TINY:.*]] = arith.cmpf olt, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: %[[T:.*]] = arith.select %[[TINY]], %[[X]], %[[Y]]
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK: arith.select %[[NAN]], %[[X]], %[[T]]
// CHECK-NOT: math.expm1
func.func @expm1_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %r = math.expm1 %x : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// CHECK-LABEL: func.func @expm1_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> f32
// CHECK-NOT: math.expm1
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]] : f32
func.func @expm1_scalar(%x: f32) -> f32 {
  %r = math.expm1 %x : f32
  return %r : f32
}

// -----

// CHECK-LABEL: func.func @log_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> f32
// CHECK-NOT: math.log
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]] : f32
func.func @log_scalar(%x: f32) -> f32 {
  %r = math.log %x : f32
  return %r : f32
}

// -----

// log: denormals scaled by 2^23, exponent and mantissa from the bits; log(0) = -inf,
// log(x < 0) = NaN, log(inf) = inf.
// CHECK-LABEL: func.func @log_vector
// CHECK-SAME: (%[[X:.*]]: vector<4x8xf32>)
// CHECK: %[[DEN:.*]] = arith.cmpf olt, %[[X]], %{{.*}} : vector<4x8xf32>
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : vector<4x8xf32> to vector<4x8xi32>
// CHECK: arith.shrsi %[[BITS]], %{{.*}} : vector<4x8xi32>
// CHECK: arith.sitofp %{{.*}} : vector<4x8xi32> to vector<4x8xf32>
// CHECK: %[[ZERO:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : vector<4x8xf32>
// CHECK: arith.select %[[ZERO]], %{{.*}}, %{{.*}} : vector<4x8xi1>, vector<4x8xf32>
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %[[X]], %{{.*}} : vector<4x8xf32>
// CHECK: arith.select %[[NEG]], %{{.*}}, %{{.*}} : vector<4x8xi1>, vector<4x8xf32>
// CHECK: %[[INF:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : vector<4x8xf32>
// CHECK: %[[R:.*]] = arith.select %[[INF]], %[[X]], %{{.*}} : vector<4x8xi1>, vector<4x8xf32>
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]]
// CHECK: arith.select %[[NAN]], %[[X]], %[[R]]
// CHECK-NOT: math.log
func.func @log_vector(%x: vector<4x8xf32>) -> vector<4x8xf32> {
  %r = math.log %x : vector<4x8xf32>
  return %r : vector<4x8xf32>
}

// -----

// log1p: log(u) + (x - (u - 1)) / u with u = 1 + x; -1 -> -inf, inf -> inf, |x| < 2^-25 -> x.
// CHECK-LABEL: func.func @log1p_vector
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[U:.*]] = arith.addf %[[X]], %{{.*}} : vector<16xf32>
// CHECK: %[[UM1:.*]] = arith.subf %[[U]], %{{.*}} : vector<16xf32>
// CHECK: %[[LOST:.*]] = arith.subf %[[X]], %[[UM1]] : vector<16xf32>
// CHECK: %[[UNO:.*]] = arith.cmpf uno, %[[U]], %[[U]] : vector<16xf32>
// CHECK: %[[LOG:.*]] = arith.select %[[UNO]], %[[U]], %{{.*}} : vector<16xi1>, vector<16xf32>
// CHECK: %[[Q:.*]] = arith.divf %[[LOST]], %[[U]] : vector<16xf32>
// CHECK: arith.addf %[[LOG]], %[[Q]] : vector<16xf32>
// CHECK: %[[M1:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : vector<16xf32>
// CHECK: arith.select %[[M1]]
// CHECK: %[[INF:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : vector<16xf32>
// CHECK: arith.select %[[INF]], %[[X]]
// CHECK-NOT: math.log1p
func.func @log1p_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %r = math.log1p %x : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// CHECK-LABEL: func.func @log1p_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> f32
// CHECK-NOT: math.log1p
// CHECK: %[[M1:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : f32
// CHECK: arith.select %[[M1]], %{{.*}}, %{{.*}} : f32
// CHECK: %[[INF:.*]] = arith.cmpf oeq, %[[X]], %{{.*}} : f32
// CHECK: arith.select %[[INF]], %[[X]], %{{.*}} : f32
// CHECK: %[[TINY:.*]] = arith.cmpf olt, %{{.*}}, %{{.*}} : f32
// CHECK: %[[R:.*]] = arith.select %[[TINY]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]] : f32
func.func @log1p_scalar(%x: f32) -> f32 {
  %r = math.log1p %x : f32
  return %r : f32
}

// -----

// CHECK-LABEL: func.func @tanh_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> f32
// CHECK-NOT: math.tanh
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]] : f32
// ONLY-LABEL: func.func @tanh_scalar
// ONLY-NOT: math.tanh
// ONLY: return
func.func @tanh_scalar(%x: f32) -> f32 {
  %r = math.tanh %x : f32
  return %r : f32
}

// -----

// tanh: polynomial below 0.625, 1 - 2/(exp(2|x|) + 1) above, sign bit of x copied.
// CHECK-LABEL: func.func @tanh_vector
// CHECK-SAME: (%[[X:.*]]: vector<8xf32>)
// CHECK: %[[A:.*]] = arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK: %[[SMALL:.*]] = math.fma %{{.*}}, %[[A]], %[[A]] : vector<8xf32>
// CHECK: %[[TWOA:.*]] = arith.addf %[[A]], %[[A]] : vector<8xf32>
// CHECK: arith.shrsi
// CHECK: %[[LARGE:.*]] = arith.subf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[A]], %{{.*}} : vector<8xf32>
// CHECK: arith.select %[[LT]], %[[SMALL]], %[[LARGE]]
// CHECK: arith.ori
// CHECK: arith.cmpf uno, %[[X]], %[[X]]
// CHECK-NOT: math.tanh
func.func @tanh_vector(%x: vector<8xf32>) -> vector<8xf32> {
  %r = math.tanh %x : vector<8xf32>
  return %r : vector<8xf32>
}

// -----

// CHECK-LABEL: func.func @erf_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> f32
// CHECK-NOT: math.erf
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// CHECK: return %[[R]] : f32
func.func @erf_scalar(%x: f32) -> f32 {
  %r = math.erf %x : f32
  return %r : f32
}

// -----

// erf: x + x*P(x^2) below 0.921875, 1 - exp(Q(min(|x|, 4))) above, sign bit of x copied.
// CHECK-LABEL: func.func @erf_vector
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[A:.*]] = arith.bitcast %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: %[[SMALL:.*]] = math.fma %{{.*}}, %[[A]], %[[A]] : vector<16xf32>
// CHECK: %[[BIG:.*]] = arith.cmpf ugt, %[[A]], %{{.*}} : vector<16xf32>
// CHECK: %[[T:.*]] = arith.select %[[BIG]], %{{.*}}, %[[A]]
// CHECK-COUNT-7: math.fma %{{.*}}, %[[T]], %{{.*}} : vector<16xf32>
// CHECK: arith.shrsi
// CHECK: %[[LARGE:.*]] = arith.subf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: %[[LT:.*]] = arith.cmpf olt, %[[A]], %{{.*}} : vector<16xf32>
// CHECK: arith.select %[[LT]], %[[SMALL]], %[[LARGE]]
// CHECK: arith.cmpf uno, %[[X]], %[[X]]
// CHECK-NOT: math.erf
func.func @erf_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %r = math.erf %x : vector<16xf32>
  return %r : vector<16xf32>
}

// -----

// Only f32 (scalars and vectors) is rewritten.
// CHECK-LABEL: func.func @negative_other_types
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.tanh %{{.*}} : vector<8xf16>
// CHECK: math.erf %{{.*}} : tensor<4xf32>
// CHECK: math.log %{{.*}} : vector<[4]xf32>
func.func @negative_other_types(%a: f64, %b: vector<8xf16>, %c: tensor<4xf32>, %d: vector<[4]xf32>)
    -> (f64, vector<8xf16>, tensor<4xf32>, vector<[4]xf32>) {
  %0 = math.exp %a : f64
  %1 = math.tanh %b : vector<8xf16>
  %2 = math.erf %c : tensor<4xf32>
  %3 = math.log %d : vector<[4]xf32>
  return %0, %1, %2, %3 : f64, vector<8xf16>, tensor<4xf32>, vector<[4]xf32>
}

// -----

// Other math ops stay for the math lowering.
// CHECK-LABEL: func.func @negative_other_functions
// CHECK: math.sin
// CHECK: math.atan
// CHECK: math.exp2
func.func @negative_other_functions(%x: f32) -> (f32, f32, f32) {
  %0 = math.sin %x : f32
  %1 = math.atan %x : f32
  %2 = math.exp2 %x : f32
  return %0, %1, %2 : f32, f32, f32
}

// -----

// With an AVX-512 hw.target, exp's 2^k is one llvm.ldexp (vscalefps) on the fma
// polynomial, not two multiplications by powers of two built from exponent bits.
// CHECK-LABEL: func.func @exp_vector_avx512
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[T:.*]] = math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: %[[TB:.*]] = arith.bitcast %[[T]] : vector<16xf32> to vector<16xi32>
// CHECK: %[[K:.*]] = arith.subi %[[TB]], %{{.*}} : vector<16xi32>
// CHECK-NOT: arith.shrsi
// CHECK: %[[Y:.*]] = llvm.call_intrinsic "llvm.ldexp"(%{{.*}}, %[[K]]) : (vector<16xf32>, vector<16xi32>) -> vector<16xf32>
// CHECK-NEXT: return %[[Y]]
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx512", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 332.8 : f64, vector_bits = 512 : i64}} {
func.func @exp_vector_avx512(%x: vector<16xf32>) -> vector<16xf32> {
  %r = math.exp %x : vector<16xf32>
  return %r : vector<16xf32>
}
}

// -----

// An AVX2 target keeps the portable scale (LLVM would scalarise a vector ldexp there).
// CHECK-LABEL: func.func @negative_exp_vector_avx2
// CHECK: arith.shrsi
// CHECK-NOT: llvm.call_intrinsic
module attributes {hw.target = {cores = 2 : i64, fma_units = 2 : i64, freq_ghz = 2.6 : f64, isa = "avx2", kind = "cpu", l1 = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, peak_gflops = 166.4 : f64, vector_bits = 256 : i64}} {
func.func @negative_exp_vector_avx2(%x: vector<8xf32>) -> vector<8xf32> {
  %r = math.exp %x : vector<8xf32>
  return %r : vector<8xf32>
}
}
