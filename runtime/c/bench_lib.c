/* aic-bench-lib: load a model library written by `aic-compile --emit lib`, run it on zeroed
 * inputs N times and print the median latency. Usage: aic-bench-lib MODEL.so [N] */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*run_fn)(const void *const *, void *const *);
typedef const char *(*sig_fn)(void);

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL.so [N]\n", argv[0]);
    return 2;
  }
  int n = argc > 2 ? atoi(argv[2]) : 20;
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "error: %s\n", dlerror());
    return 1;
  }
  run_fn run = (run_fn)dlsym(lib, "aic_run");
  sig_fn sig = (sig_fn)dlsym(lib, "aic_signature");
  if (!run || !sig) {
    fprintf(stderr, "error: %s is not an aic model library\n", argv[1]);
    return 1;
  }
  printf("signature: %s\n", sig());
  /* Generous zeroed buffers: 64 MiB per tensor slot, 16 slots (enough for the examples). */
  enum { SLOTS = 16 };
  void *bufs[SLOTS];
  for (int i = 0; i < SLOTS; ++i) bufs[i] = calloc(1, 64u << 20);
  double *times = malloc(sizeof(double) * (n > 0 ? n : 1));
  for (int i = 0; i < n; ++i) {
    double t0 = now_ms();
    run((const void *const *)bufs, bufs + SLOTS / 2);
    times[i] = now_ms() - t0;
  }
  qsort(times, n, sizeof(double), cmp);
  printf("median %.3f ms over %d runs\n", n ? times[n / 2] : 0.0, n);
  return 0;
}
