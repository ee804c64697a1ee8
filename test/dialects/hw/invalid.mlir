// Invalid hw IR: one diagnostic per chunk.
// RUN: aic-opt %s --split-input-file --verify-diagnostics

func.func @parallel_lengths(%init: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error@+1 {{upper_bounds, steps and mapping must have one entry per dimension}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %out: tensor<64xf32>):
    "gpu.yield"(%out, %i) : (tensor<64xf32>, index) -> ()
  }) {mapping = ["core", "core"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @parallel_mapping(%init: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error@+1 {{attribute 'mapping': "socket" is not one of core, sequential}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %out: tensor<64xf32>):
    "gpu.yield"(%out, %i) : (tensor<64xf32>, index) -> ()
  }) {mapping = ["socket"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @parallel_args(%init: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error@+1 {{the body arguments must be 1 index values then the outs types}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index):
    "gpu.yield"(%init, %i) : (tensor<64xf32>, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @parallel_yield_count(%init: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error@+1 {{gpu.yield must carry 1 tiles and 1 offsets, got 1 values}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %out: tensor<64xf32>):
    "gpu.yield"(%out) : (tensor<64xf32>) -> ()
  }) {mapping = ["core"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @parallel_yield_tile(%init: tensor<64xf32>, %t: tensor<16xf16>) -> tensor<64xf32> {
  // expected-error@+1 {{yielded tile tensor<16xf16> does not fit out tensor<64xf32>}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %out: tensor<64xf32>):
    "gpu.yield"(%t, %i) : (tensor<16xf16>, index) -> ()
  }) {mapping = ["core"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @parallel_yield_offset(%init: tensor<64xf32>, %t: tensor<16xf32>, %o: i64) -> tensor<64xf32> {
  // expected-error@+1 {{yielded offsets must be index, got i64}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %out: tensor<64xf32>):
    "gpu.yield"(%t, %o) : (tensor<16xf32>, i64) -> ()
  }) {mapping = ["core"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @parallel_terminator(%init: tensor<64xf32>) -> tensor<64xf32> {
  // expected-error@+1 {{the body must end in gpu.yield}}
  %r = "hw.parallel"(%init) ({
  ^bb0(%i: index, %out: tensor<64xf32>):
    "ub.unreachable"() : () -> ()
  }) {mapping = ["core"], steps = array<i64: 16>, upper_bounds = array<i64: 64>} : (tensor<64xf32>) -> tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

func.func @microkernel_shapes(%a: tensor<8x4xf32>, %b: tensor<5x16xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error@+1 {{shapes [8, 4] x [5, 16] -> [8, 16] do not form a matmul}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8x4xf32>, tensor<5x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

func.func @microkernel_elements(%a: tensor<8x4xf16>, %b: tensor<4x16xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error@+1 {{a and b must share one element type}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8x4xf16>, tensor<4x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

func.func @microkernel_accumulator(%a: tensor<8x4xf32>, %b: tensor<4x16xf32>, %c: tensor<8x16xf16>) -> tensor<8x16xf16> {
  // expected-error@+1 {{c's element type must be the inputs' (f32) or, for f16/bf16 inputs, f32 (i16 inputs: i32); got f16}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8x4xf32>, tensor<4x16xf32>, tensor<8x16xf16>) -> tensor<8x16xf16>
  return %r : tensor<8x16xf16>
}

// -----

func.func @microkernel_rank(%a: tensor<8xf32>, %b: tensor<4x16xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error@+1 {{operand 'a': expected rank 2, got rank 1}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8xf32>, tensor<4x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

func.func @microkernel_packed_panels(%a: tensor<8x4xf32>, %b: tensor<1x4x16xf32>, %c: tensor<8x40xf32>) -> tensor<8x40xf32> {
  // expected-error@+1 {{packed b [1, 4, 16] does not hold 40 columns in panels of nr = 16}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8x4xf32>, tensor<1x4x16xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
  return %r : tensor<8x40xf32>
}

// -----

func.func @microkernel_packed_k(%a: tensor<8x4xf32>, %b: tensor<3x5x16xf32>, %c: tensor<8x40xf32>) -> tensor<8x40xf32> {
  // expected-error@+1 {{shapes [8, 4] x [3, 5, 16] -> [8, 40] do not form a matmul}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8x4xf32>, tensor<3x5x16xf32>, tensor<8x40xf32>) -> tensor<8x40xf32>
  return %r : tensor<8x40xf32>
}

// -----

func.func @microkernel_b_rank(%a: tensor<8x4xf32>, %b: tensor<4xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error@+1 {{b must have rank 2 (K x N) or 3 (packed panels), got rank 1}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 8 : i64, nr = 16 : i64} : (tensor<8x4xf32>, tensor<4xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

func.func @microkernel_mr(%a: tensor<8x4xf32>, %b: tensor<4x16xf32>, %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  // expected-error@+1 {{attribute 'mr': must be >= 1, got 0}}
  %r = "hw.microkernel"(%a, %b, %c) {mr = 0 : i64, nr = 16 : i64} : (tensor<8x4xf32>, tensor<4x16xf32>, tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

func.func @shared_space() {
  // expected-error@+1 {{shared buffers live in memory space 3, got None}}
  %s = "hw.shared_alloc"() : () -> memref<64x32xf16>
  return
}

// -----

func.func @shared_dynamic(%n: index) {
  // expected-error@+1 {{shared buffers must have a static shape}}
  %s = "hw.shared_alloc"() : () -> memref<?x32xf16, 3>
  return
}

// -----

func.func @barrier_scope() {
  // expected-error@+1 {{'"grid"' does not satisfy the constraint}}
  "hw.barrier"() {scope = "grid"} : () -> ()
  return
}
