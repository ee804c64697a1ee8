/* aic-bench-lib: load a model library written by `aic-compile --emit lib`, run it on zeroed
 * inputs N times after a warm-up, and print the median and minimum latency.
 *
 *   aic-bench-lib MODEL.so [N]
 *
 * Buffer sizes come from the library's own aic_signature() JSON ("shape" and "dtype" of each
 * input, then each output, in order). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*run_fn)(const void *const *, void *const *);
typedef const char *(*sig_fn)(void);

enum { MAX_TENSORS = 256 };

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
  if (!strncmp(p, "f64", 3) || !strncmp(p, "i64", 3)) return 8;
  if (!strncmp(p, "f32", 3) || !strncmp(p, "i32", 3)) return 4;
  if (!strncmp(p, "f16", 3) || !strncmp(p, "i16", 3) || !strncmp(p, "bf16", 4)) return 2;
  return 1;
}

/* Byte sizes of every tensor in the signature, in order (inputs first, then outputs). */
static int tensor_sizes(const char *sig, size_t *sizes) {
  int n = 0;
  for (const char *p = sig; (p = strstr(p, "\"shape\": [")) && n < MAX_TENSORS;) {
    char *q = (char *)p + 10;
    size_t elems = 1;
    while (*q && *q != ']') {
      elems *= strtoull(q, &q, 10);
      while (*q == ',' || *q == ' ') ++q;
    }
    const char *dtype = strstr(q, "\"dtype\": \"");
    sizes[n++] = elems * (dtype ? dtype_size(dtype + 10) : 1);
    p = dtype ? dtype : q;
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
  sig_fn sig = (sig_fn)dlsym(lib, "aic_signature");
  if (!run || !sig) {
    fprintf(stderr, "aic-bench-lib: error: %s is not an aic model library\n", argv[1]);
    return 1;
  }
  const char *signature = sig();
  const char *outputs_at = strstr(signature, "\"outputs\"");
  static size_t sizes[MAX_TENSORS];
  static void *bufs[MAX_TENSORS];
  int total = tensor_sizes(signature, sizes);
  int n_in = 0;
  for (const char *p = signature; (p = strstr(p, "\"shape\"")) && p < outputs_at; ++p) ++n_in;
  for (int i = 0; i < total; ++i) bufs[i] = calloc(1, sizes[i] ? sizes[i] : 1);
  printf("signature: %s\n", signature);
  double *times = malloc(sizeof(double) * n);
  run((const void *const *)bufs, bufs + n_in); /* warm-up */
  for (int i = 0; i < n; ++i) {
    double t0 = now_ms();
    run((const void *const *)bufs, bufs + n_in);
    times[i] = now_ms() - t0;
  }
  qsort(times, n, sizeof(double), cmp);
  printf("median %.3f ms, min %.3f ms over %d runs\n", times[n / 2], times[0], n);
  return 0;
}
