/* The machine's f32 FMA throughput, measured: CHAINS independent accumulators of one
 * vector register each (GCC/Clang vector extension, VECTOR_BYTES wide), each updated by an
 * FMA per iteration -- more chains than FMA latency x FMA units, so the loop runs at the
 * FMA issue rate. Built by benchmarks/peak.py with -O2 -march=native -ffp-contract=fast. */

typedef float vec __attribute__((vector_size(VECTOR_BYTES)));

#define CHAINS 16

float aic_peak_fma(long iterations, float a, float b) {
  vec acc[CHAINS];
  for (int c = 0; c < CHAINS; c++)
    acc[c] = (vec){0} + (float)c;
  vec va = (vec){0} + a, vb = (vec){0} + b;
  for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 16
    for (int c = 0; c < CHAINS; c++)
      acc[c] = acc[c] * va + vb;
  }
  float sum = 0;
  for (int c = 0; c < CHAINS; c++)
    for (unsigned l = 0; l < VECTOR_BYTES / sizeof(float); l++)
      sum += acc[c][l];
  return sum;
}
