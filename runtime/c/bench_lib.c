/* aic-bench-lib: load a model library written by `aic-compile --emit lib`, run it on zeroed
 * inputs N times after a warm-up, and print the median and minimum latency.
 *
 *   aic-bench-lib MODEL.so [N]
 *
 * Shapes and dtypes come from the library's own aic_signature() JSON ("shape", "dtype" and
 * "dtype_code" of each input, then each output, in order); a call that fails prints
 * aic_last_error(). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdint.h>

/* The ABI of the library's header (aic.compiler.c_entry): kept in step with it. */
typedef struct aic_tensor {
  void *data;
  size_t bytes;
  int64_t *shape;
  int32_t rank;
  int32_t dtype;
} aic_tensor;
typedef int (*run_fn)(const aic_tensor *, size_t, aic_tensor *, size_t);
typedef const char *(*text_fn)(void);

enum { MAX_TENSORS = 256, MAX_RANK = 32 };

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static size_t dtype_size(const char *p) {
  if (!strncmp(p, "f64", 3) || !strncmp(p, "i64", 3) || !strncmp(p, "ui64", 4)) return 8;
  if (!strncmp(p, "f32", 3) || !strncmp(p, "i32", 3) || !strncmp(p, "ui32", 4)) return 4;
  if (!strncmp(p, "f16", 3) || !strncmp(p, "i16", 3) || !strncmp(p, "ui16", 4) ||
      !strncmp(p, "bf16", 4))
    return 2;
  return 1;
}

/* Every tensor of the signature, in order (inputs first, then outputs): its shape, dtype
 * code and a zeroed buffer. Returns the count. */
static int read_tensors(const char *sig, aic_tensor *t, int64_t (*shapes)[MAX_RANK]) {
  int n = 0;
  for (const char *p = sig; (p = strstr(p, "\"shape\": [")) && n < MAX_TENSORS; ++n) {
    char *q = (char *)p + 10;
    size_t elems = 1;
    int rank = 0;
    while (*q && *q != ']' && rank < MAX_RANK) {
      shapes[n][rank] = strtoll(q, &q, 10);
      elems *= (size_t)shapes[n][rank++];
      while (*q == ',' || *q == ' ') ++q;
    }
    const char *dtype = strstr(q, "\"dtype\": \"");
    const char *code = strstr(q, "\"dtype_code\": ");
    t[n].bytes = elems * (dtype ? dtype_size(dtype + 10) : 1);
    t[n].data = calloc(1, t[n].bytes ? t[n].bytes : 1);
    t[n].shape = shapes[n];
    t[n].rank = rank;
    t[n].dtype = code ? atoi(code + 14) : 0;
    p = code ? code : q;
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL.so [N]\n", argv[0]);
    return 2;
  }
  int n = argc > 2 ? atoi(argv[2]) : 20;
  if (n < 1) n = 1;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "aic-bench-lib: error: %s\n", dlerror());
    return 1;
  }
  run_fn run = (run_fn)dlsym(lib, "aic_run");
  text_fn sig = (text_fn)dlsym(lib, "aic_signature");
  text_fn last_error = (text_fn)dlsym(lib, "aic_last_error");
  if (!run || !sig || !last_error) {
    fprintf(stderr, "aic-bench-lib: error: %s is not an aic model library\n", argv[1]);
    return 1;
  }
  const char *signature = sig();
  const char *outputs_at = strstr(signature, "\"outputs\"");
  static aic_tensor tensors[MAX_TENSORS];
  static int64_t shapes[MAX_TENSORS][MAX_RANK];
  int total = read_tensors(signature, tensors, shapes);
  int n_in = 0;
  for (const char *p = signature; (p = strstr(p, "\"shape\"")) && p < outputs_at; ++p) ++n_in;
  printf("signature: %s\n", signature);
  double *times = malloc(sizeof(double) * n);
  if (run(tensors, n_in, tensors + n_in, total - n_in) != 0) { /* warm-up */
    fprintf(stderr, "aic-bench-lib: error: %s\n", last_error());
    return 1;
  }
  for (int i = 0; i < n; ++i) {
    double t0 = now_ms();
    run(tensors, n_in, tensors + n_in, total - n_in);
    times[i] = now_ms() - t0;
  }
  qsort(times, n, sizeof(double), cmp);
  printf("median %.3f ms, min %.3f ms over %d runs\n", times[n / 2], times[0], n);
  return 0;
}
