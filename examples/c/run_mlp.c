/* Link a model library written by `aic-compile --emit lib` and call it from C.
 *
 *   aic-compile mlp.onnx -o libmlp.so            # writes libmlp.so and libmlp.h
 *   cc run_mlp.c -I. -L. -lmlp -Wl,-rpath,. -o run_mlp && ./run_mlp
 *
 * The MLP of aic.testing.models: input x (4x64 f32), output probs (4x10 f32). Every row of
 * probs is a softmax, so it sums to 1. aic_run checks counts, pointers, ranks, dtypes,
 * shapes and buffer sizes before it runs: a wrong call returns an error code and
 * aic_last_error() says why. */
#include <stdio.h>

#include "libmlp.h"

int main(void) {
  static float x[4][64], probs[4][10];
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 64; ++j) x[i][j] = (float)((i + 1) * (j % 7)) / 10.0f;
  int64_t x_shape[] = {4, 64}, probs_shape[2] = {0, 0};
  aic_tensor in[] = {{x, sizeof x, x_shape, 2, AIC_F32}};
  aic_tensor out[] = {{probs, sizeof probs, probs_shape, 2, AIC_F32}};
  printf("signature: %s\n", aic_signature());

  /* A short output buffer is refused: nothing is written past it. */
  out[0].bytes = sizeof probs - 1;
  int rc = aic_run(in, 1, out, 1);
  printf("short buffer: rc %d (AIC_ERROR_BUFFER %d): %s\n", rc, AIC_ERROR_BUFFER,
         aic_last_error());
  out[0].bytes = sizeof probs;
  in[0].data = NULL;
  rc = aic_run(in, 1, out, 1);
  printf("NULL input: rc %d: %s\n", rc, aic_last_error());
  in[0].data = x;

  if (aic_run(in, 1, out, 1) != AIC_OK) {
    fprintf(stderr, "aic_run: %s\n", aic_last_error());
    return 1;
  }
  printf("probs shape %lldx%lld\n", (long long)probs_shape[0], (long long)probs_shape[1]);
  for (int i = 0; i < 4; ++i) {
    float sum = 0;
    for (int j = 0; j < 10; ++j) sum += probs[i][j];
    printf("row %d sum %.4f\n", i, sum);
  }
  return 0;
}
