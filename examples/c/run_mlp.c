/* Link a model library written by `aic-compile --emit lib` and call it from C.
 *
 *   aic-compile mlp.onnx -o libmlp.so            # writes libmlp.so and libmlp.h
 *   cc run_mlp.c -I. -L. -lmlp -Wl,-rpath,. -o run_mlp && ./run_mlp
 *
 * The MLP of aic.testing.models: input x (4x64 f32), output probs (4x10 f32). Every row of
 * probs is a softmax, so it sums to 1. */
#include <stdio.h>

#include "libmlp.h"

int main(void) {
  static float x[4][64], probs[4][10];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 64; ++j) x[i][j] = (float)((i + 1) * (j % 7)) / 10.0f;
  const void *inputs[] = {x};
  void *outputs[] = {probs};
  printf("signature: %s\n", aic_signature());
  if (aic_run(inputs, outputs) != 0) return 1;
  for (int i = 0; i < 4; ++i) {
    float sum = 0;
    for (int j = 0; j < 10; ++j) sum += probs[i][j];
    printf("row %d sum %.4f\n", i, sum);
  }
  return 0;
}
