/* One model library, two sizes: a model with a dynamic batch dim called from C.
 *
 *   aic-compile dyn-ewd.linalg.mlir -o libdyn.so      # writes libdyn.so and libdyn.h
 *   cc run_dynamic.c -I. -L. -ldyn -Wl,-rpath,. -lm -o run_dynamic && ./run_dynamic
 *
 * The model (test/tools/Inputs/dyn-ewd.linalg.mlir): y = relu(x @ W) + x, x and y of shape
 * batch x 4 (aic_signature: "shape": [-1, 4], "dim_names": ["batch", ""]), W[i][j] =
 * (4 i + j) / 10. The batch size is whatever x has. Output buffers, three ways:
 *   1. a buffer large enough: aic_run copies y into it and writes y's shape;
 *   2. a buffer too small: AIC_ERROR_BUFFER, with y's shape written -- allocate, call again;
 *   3. data = NULL, bytes = 0: aic_run hands over a buffer it allocated; aic_free releases it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "libdyn.h"

/* The largest difference between y (batch x 4) and relu(x @ W) + x computed here. */
static double max_error(const float *x, const float *y, int64_t batch) {
  double worst = 0;
  for (int64_t i = 0; i < batch; ++i)
    for (int j = 0; j < 4; ++j) {
      double acc = 0;
      for (int k = 0; k < 4; ++k) acc += x[i * 4 + k] * (4 * k + j) / 10.0;
      double want = (acc > 0 ? acc : 0) + x[i * 4 + j];
      worst = fmax(worst, fabs(want - y[i * 4 + j]));
    }
  return worst;
}

static float *make_input(int64_t batch) {
  float *x = malloc(sizeof(float) * (size_t)(batch * 4));
  for (int64_t i = 0; i < batch * 4; ++i) x[i] = (float)((i * 7) % 11) / 5.0f - 1.0f;
  return x;
}

int main(void) {
  printf("signature: %s\n", aic_signature());

  /* 1. batch 2 into a buffer of 8 rows. */
  float *x = make_input(2), y[8 * 4];
  int64_t x_shape[] = {2, 4}, y_shape[2] = {0, 0};
  aic_tensor in[] = {{x, sizeof(float) * 2 * 4, x_shape, 2, AIC_F32}};
  aic_tensor out[] = {{y, sizeof y, y_shape, 2, AIC_F32}};
  int rc = aic_run(in, 1, out, 1);
  printf("batch 2: rc %d, y shape %lldx%lld, max error %.2g\n", rc, (long long)y_shape[0],
         (long long)y_shape[1], max_error(x, y, y_shape[0]));
  free(x);

  /* 2. batch 13: the 8-row buffer is too small; the shape says how much to allocate. */
  x = make_input(13);
  x_shape[0] = 13;
  in[0].data = x, in[0].bytes = sizeof(float) * 13 * 4;
  rc = aic_run(in, 1, out, 1);
  printf("batch 13, 8-row buffer: rc %d (AIC_ERROR_BUFFER %d): %s; y shape %lldx%lld\n", rc,
         AIC_ERROR_BUFFER, aic_last_error(), (long long)y_shape[0], (long long)y_shape[1]);
  size_t bytes = sizeof(float) * (size_t)(y_shape[0] * y_shape[1]);
  float *big = malloc(bytes);
  out[0].data = big, out[0].bytes = bytes;
  rc = aic_run(in, 1, out, 1);
  printf("batch 13, allocated: rc %d, max error %.2g\n", rc, max_error(x, big, y_shape[0]));
  free(big);

  /* 3. the library allocates y. */
  out[0].data = NULL, out[0].bytes = 0;
  rc = aic_run(in, 1, out, 1);
  printf("batch 13, library buffer: rc %d, %zu bytes, max error %.2g\n", rc, out[0].bytes,
         max_error(x, out[0].data, y_shape[0]));
  aic_free(out[0].data);

  /* A wrong static dim is refused before the model runs. */
  x_shape[1] = 5;
  rc = aic_run(in, 1, out, 1);
  printf("x of 13x5: rc %d (AIC_ERROR_ARGUMENT %d): %s\n", rc, AIC_ERROR_ARGUMENT,
         aic_last_error());
  free(x);
  return 0;
}
