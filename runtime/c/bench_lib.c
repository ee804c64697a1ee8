/* aic-bench-lib: load a model library written by `aic-compile --emit lib`, run it on zeroed
 * inputs N times after a warm-up, and print the median and minimum latency.
 *
 *   aic-bench-lib MODEL.so [N] [DIM=SIZE]...
 *
 * Shapes and dtypes come from the library's own aic_signature() JSON ("shape", "dtype" and
 * "dtype_code" of each input, then each output, in order); a call that fails prints
 * aic_last_error(). A dynamic input dim (-1) takes its size from DIM=SIZE, DIM being its
 * name in "dim_names" (batch=8); a dynamic output is allocated by the library (data NULL,
 * bytes 0) and released with aic_free after each run, as a caller would (docs/c-api.md). */
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
typedef void (*free_fn)(void *);

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

static int library_allocated[MAX_TENSORS]; /* dynamic outputs: data NULL, bytes 0 per run */

/* The size given for dim name `name` (`len` bytes) among the NAME=SIZE arguments, or -1. */
static int64_t dim_size(const char *name, size_t len, int argc, char **argv) {
  for (int i = 0; i < argc; ++i)
    if (len && !strncmp(argv[i], name, len) && argv[i][len] == '=')
      return strtoll(argv[i] + len + 1, NULL, 10);
  return -1;
}

/* Dynamic dims of tensor n from its "dim_names" (after `q`, the end of its shape) and the
 * NAME=SIZE arguments; an output's stay -1. Returns 0, or -1 for a dim without a size. */
static int resolve_dims(const char *q, int64_t *shape, int rank, int argc, char **argv) {
  const char *names = strstr(q, "\"dim_names\": [");
  const char *next = strstr(q, "\"name\"");
  const char *p = names && (!next || names < next) ? names + 14 : NULL;
  for (int d = 0; d < rank; ++d) {
    const char *start = p ? strchr(p, '"') : NULL, *end = start ? strchr(start + 1, '"') : NULL;
    if (shape[d] < 0) {
      shape[d] = start && end ? dim_size(start + 1, (size_t)(end - start - 1), argc, argv) : -1;
      if (shape[d] < 0) {
        fprintf(stderr, "aic-bench-lib: error: dim %d of an input is dynamic (%.*s): give its "
                "size as NAME=SIZE\n", d, start && end ? (int)(end - start - 1) : 0,
                start ? start + 1 : "");
        return -1;
      }
    }
    p = end ? end + 1 : NULL;
  }
  return 0;
}

/* Every tensor of the signature, in order (inputs first, then outputs): its shape, dtype
 * code and a zeroed buffer (none for a dynamic output). Returns the count, -1 on an error. */
static int read_tensors(const char *sig, aic_tensor *t, int64_t (*shapes)[MAX_RANK],
                        const char *outputs_at, int argc, char **argv) {
  int n = 0;
  for (const char *p = sig; (p = strstr(p, "\"shape\": [")) && n < MAX_TENSORS; ++n) {
    char *q = (char *)p + 10;
    int rank = 0, dynamic = 0;
    while (*q && *q != ']' && rank < MAX_RANK) {
      shapes[n][rank] = strtoll(q, &q, 10);
      dynamic |= shapes[n][rank++] < 0;
      while (*q == ',' || *q == ' ') ++q;
    }
    int output = p > outputs_at;
    if (dynamic && !output && resolve_dims(q, shapes[n], rank, argc, argv)) return -1;
    size_t elems = 1;
    for (int d = 0; d < rank; ++d) elems *= shapes[n][d] < 0 ? 0 : (size_t)shapes[n][d];
    const char *dtype = strstr(q, "\"dtype\": \"");
    const char *code = strstr(q, "\"dtype_code\": ");
    library_allocated[n] = dynamic && output;
    t[n].bytes = dynamic && output ? 0 : elems * (dtype ? dtype_size(dtype + 10) : 1);
    t[n].data = dynamic && output ? NULL : calloc(1, t[n].bytes ? t[n].bytes : 1);
    t[n].shape = shapes[n];
    t[n].rank = rank;
    t[n].dtype = code ? atoi(code + 14) : 0;
    p = code ? code : q;
  }
  return n;
}

/* One run; the buffers the library allocated go back with aic_free. */
static int run_once(run_fn run, free_fn release, aic_tensor *t, int n_in, int total) {
  int rc = run(t, n_in, t + n_in, total - n_in);
  for (int i = n_in; i < total; ++i)
    if (library_allocated[i]) {
      if (release) release(t[i].data);
      t[i].data = NULL, t[i].bytes = 0;
    }
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL.so [N] [DIM=SIZE]...\n", argv[0]);
    return 2;
  }
  int given_n = argc > 2 && !strchr(argv[2], '=');
  int n = given_n ? atoi(argv[2]) : 20;
  if (n < 1) n = 1;
  int dims_at = 2 + given_n;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "aic-bench-lib: error: %s\n", dlerror());
    return 1;
  }
  run_fn run = (run_fn)dlsym(lib, "aic_run");
  text_fn sig = (text_fn)dlsym(lib, "aic_signature");
  text_fn last_error = (text_fn)dlsym(lib, "aic_last_error");
  free_fn release = (free_fn)dlsym(lib, "aic_free");
  if (!run || !sig || !last_error) {
    fprintf(stderr, "aic-bench-lib: error: %s is not an aic model library\n", argv[1]);
    return 1;
  }
  const char *signature = sig();
  const char *outputs_at = strstr(signature, "\"outputs\"");
  static aic_tensor tensors[MAX_TENSORS];
  static int64_t shapes[MAX_TENSORS][MAX_RANK];
  int total = read_tensors(signature, tensors, shapes, outputs_at, argc - dims_at,
                           argv + dims_at);
  if (total < 0) return 1;
  int n_in = 0;
  for (const char *p = signature; (p = strstr(p, "\"shape\"")) && p < outputs_at; ++p) ++n_in;
  printf("signature: %s\n", signature);
  double *times = malloc(sizeof(double) * n);
  if (run_once(run, release, tensors, n_in, total) != 0) { /* warm-up */
    fprintf(stderr, "aic-bench-lib: error: %s\n", last_error());
    return 1;
  }
  for (int i = 0; i < n; ++i) {
    double t0 = now_ms();
    run_once(run, release, tensors, n_in, total);
    times[i] = now_ms() - t0;
  }
  qsort(times, n, sizeof(double), cmp);
  printf("median %.3f ms, min %.3f ms over %d runs\n", times[n / 2], times[0], n);
  return 0;
}
