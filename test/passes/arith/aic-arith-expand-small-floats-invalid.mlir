// RUN: not aic-opt %s -p aic-arith-expand-small-floats 2>&1 | FileCheck %s

// Vector conversions are refused (aic's vectorizer leaves these types scalar).
// CHECK: error: aic-arith-expand-small-floats: vector conversions of float8/float4 are not supported (scalars only)
func.func @negative_vector(%x: vector<4xf32>) -> vector<4xf8E4M3FN> {
  %r = arith.truncf %x : vector<4xf32> to vector<4xf8E4M3FN>
  return %r : vector<4xf8E4M3FN>
}
