// RUN: aic-opt %s -p 'aic-convert-linalg-to-tiled{gpu-precision=bf16}' --verify-diagnostics

// gpu-precision is tf32 or f32.
// expected-error @below {{gpu-precision must be one of tf32, f32, got 'bf16'}}
module attributes {hw.target = {kind = "cuda", max_threads = 1024 : i64, mma = array<i64: 16, 8, 16>, sm = 80 : i64, smem = 166912 : i64, warp = 32 : i64}} {
}
