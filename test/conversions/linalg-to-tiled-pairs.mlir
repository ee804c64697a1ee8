// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cpu-avx512},aic-convert-linalg-to-tiled' | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cpu-avx2},aic-convert-linalg-to-tiled' | FileCheck %s --check-prefix=AVX2

// An i32 matmul of centred 8-bit operands (a u8 input minus its zero point; a constant in
// [-128, 127]): both provably fit i16, so the constant becomes i16 at compile time, the run-time
// operand is narrowed by an element-wise kernel (arith.trunci), and the matmul multiplies
// i16 tiles into the i32 accumulator (the pairs micro-kernel's types).
// CHECK-LABEL: func.func @centred_u8
// CHECK: %[[A:.*]] = "tiled.kernel"
// CHECK: arith.extui {{.*}} : i8 to i32
// CHECK: arith.subi
// CHECK: %[[A16:.*]] = "tiled.kernel"
// CHECK: "tiled.load"(%[[A]],
// CHECK: arith.trunci {{.*}} : i32 to i16
// CHECK: %[[W:.*]] = arith.constant {{.*}} : tensor<64x32xi16>
// CHECK: "tiled.kernel"
// CHECK: "tiled.load"(%[[A16]],
// CHECK: "tiled.load"(%[[W]],
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xi16>, tensor<{{.*}}xi16>) outs({{.*}} : tensor<{{.*}}xi32>)
// Without AVX-512 (no vpmaddwd micro-kernel) the i32 matmul stays.
// AVX2-LABEL: func.func @centred_u8
// AVX2-NOT: trunci
// AVX2: linalg.matmul ins({{.*}} : tensor<{{.*}}xi32>, tensor<{{.*}}xi32>)
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> ()>
func.func @centred_u8(%x: tensor<16x64xi8>) -> tensor<16x32xi32> {
  %zp = arith.constant dense<7> : tensor<i32>
  %w = arith.constant dense<-100> : tensor<64x32xi32>
  %e = tensor.empty() : tensor<16x64xi32>
  %a = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%x, %zp : tensor<16x64xi8>, tensor<i32>) outs(%e : tensor<16x64xi32>) {
  ^bb0(%in: i8, %z: i32, %out: i32):
    %u = arith.extui %in : i8 to i32
    %d = arith.subi %u, %z : i32
    linalg.yield %d : i32
  } -> tensor<16x64xi32>
  %zero = arith.constant 0 : i32
  %e2 = tensor.empty() : tensor<16x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e2 : tensor<16x32xi32>) -> tensor<16x32xi32>
  %c = linalg.matmul ins(%a, %w : tensor<16x64xi32>, tensor<64x32xi32>) outs(%init : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %c : tensor<16x32xi32>
}

// -----

// A constant outside i16 (40000): the i32 matmul stays.
// CHECK-LABEL: func.func @negative_wide_constant
// CHECK-NOT: trunci
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xi32>, tensor<{{.*}}xi32>)
func.func @negative_wide_constant(%x: tensor<16x64xi8>) -> tensor<16x32xi32> {
  %w = arith.constant dense<40000> : tensor<64x32xi32>
  %e = tensor.empty() : tensor<16x64xi32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x64xi8>) outs(%e : tensor<16x64xi32>) {
  ^bb0(%in: i8, %out: i32):
    %s = arith.extsi %in : i8 to i32
    linalg.yield %s : i32
  } -> tensor<16x64xi32>
  %zero = arith.constant 0 : i32
  %e2 = tensor.empty() : tensor<16x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e2 : tensor<16x32xi32>) -> tensor<16x32xi32>
  %c = linalg.matmul ins(%a, %w : tensor<16x64xi32>, tensor<64x32xi32>) outs(%init : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %c : tensor<16x32xi32>
}

// -----

// A run-time i32 operand of unknown range (a function argument): the i32 matmul stays.
// CHECK-LABEL: func.func @negative_unknown_range
// CHECK-NOT: trunci
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xi32>, tensor<{{.*}}xi32>)
func.func @negative_unknown_range(%a: tensor<16x64xi32>) -> tensor<16x32xi32> {
  %w = arith.constant dense<3> : tensor<64x32xi32>
  %zero = arith.constant 0 : i32
  %e2 = tensor.empty() : tensor<16x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e2 : tensor<16x32xi32>) -> tensor<16x32xi32>
  %c = linalg.matmul ins(%a, %w : tensor<16x64xi32>, tensor<64x32xi32>) outs(%init : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %c : tensor<16x32xi32>
}

// -----

// An odd K (a pair would straddle it): the i32 matmul stays.
// CHECK-LABEL: func.func @negative_odd_k
// CHECK-NOT: trunci
// CHECK: linalg.matmul ins({{.*}} : tensor<{{.*}}xi32>, tensor<{{.*}}xi32>)
func.func @negative_odd_k(%x: tensor<16x63xi8>) -> tensor<16x32xi32> {
  %w = arith.constant dense<3> : tensor<63x32xi32>
  %e = tensor.empty() : tensor<16x63xi32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<16x63xi8>) outs(%e : tensor<16x63xi32>) {
  ^bb0(%in: i8, %out: i32):
    %s = arith.extsi %in : i8 to i32
    linalg.yield %s : i32
  } -> tensor<16x63xi32>
  %zero = arith.constant 0 : i32
  %e2 = tensor.empty() : tensor<16x32xi32>
  %init = linalg.fill ins(%zero : i32) outs(%e2 : tensor<16x32xi32>) -> tensor<16x32xi32>
  %c = linalg.matmul ins(%a, %w : tensor<16x63xi32>, tensor<63x32xi32>) outs(%init : tensor<16x32xi32>) -> tensor<16x32xi32>
  return %c : tensor<16x32xi32>
}
