"""The C entry's ``aic_run`` for a model that returns its results (a dynamic output).

A model with an output of dynamic shape cannot write into caller-allocated out-params: its
``@main`` returns every result as a buffer it allocated (``aic-memref-results-to-out-params``)
and the caller owns them. The generated ``aic_run`` then, after the run, writes each output's
shape into ``out[k].shape`` and either

* copies the result into the caller's buffer (``out[k].data``), refusing one too small with
  ``AIC_ERROR_BUFFER`` (the shapes are written first: the caller can allocate and call
  again), or
* hands the buffer itself to the caller when ``out[k].data`` is NULL and ``out[k].bytes``
  0 (its data moved to the start of the allocation; ``out[k].data``/``bytes`` set; the
  caller releases it with ``aic_free``),

and frees everything else (the index status result, a buffer on an error). A buffer returned
as two results is delivered to both (a copy for the second), freed once.

Generated text only; ``aic.compiler.c_entry`` puts it together. May import numpy.
"""

from __future__ import annotations

import numpy as np

DELIVER = r"""
static int unique(void *const *allocated, int k) {
  for (int j = 0; j < N_RESULTS; ++j)
    if (j != k && allocated[j] == allocated[k]) return 0;
  return 1;
}

/* Hands the results of a run to the caller (aic.compiler.c_results); rc: an error found
   already (then nothing is delivered and every buffer is freed). */
static int deliver(aic_tensor *out, void **allocated, char *const *data,
                   const int64_t *const *sizes, int rc) {
  size_t need[N_RESULTS];
  void *fresh[N_RESULTS];
  for (int k = 0; k < N_OUT; ++k) {
    int i = N_IN + k;
    size_t count = 1;
    for (int d = 0; d < RANKS[i]; ++d) {
      out[k].shape[d] = sizes[k][d];
      count *= (size_t)sizes[k][d];
    }
    need[k] = count * ITEMSIZE[i];
    fresh[k] = NULL;
    if (!rc && out[k].data && out[k].bytes < need[k])
      rc = fail(AIC_ERROR_BUFFER, "output '%s' has a buffer of %zu bytes, needs %zu", NAMES[i],
                out[k].bytes, need[k]);
    if (!rc && !out[k].data && !unique(allocated, k)
        && !(fresh[k] = malloc(need[k] ? need[k] : 1)))
      rc = fail(AIC_ERROR_BUFFER, "no memory for output '%s' (%zu bytes)", NAMES[i], need[k]);
  }
  for (int k = 0; k < N_OUT; ++k) {
    if (rc) {
      free(fresh[k]);
      continue;
    }
    char *to = out[k].data ? out[k].data : fresh[k] ? fresh[k] : allocated[k];
    if (need[k]) memmove(to, data[k], need[k]);
    if (!out[k].data) {
      out[k].data = to;
      out[k].bytes = need[k];
      if (to == allocated[k]) allocated[k] = NULL;  /* the caller's now */
    }
  }
  for (int k = 0; k < N_RESULTS; ++k) {
    int first = 1;
    for (int j = 0; j < k; ++j) first &= allocated[j] != allocated[k];
    if (first) free(allocated[k]);
  }
  return rc;
}
"""


def _ranks(outputs, checks) -> list[int]:
    return [len(t.shape) for t in outputs] + ([1] if checks else [])


def results_struct(outputs, checks) -> str:
    """The C struct ``_mlir_ciface_main`` writes its results into (its first argument)."""
    fields = " ".join(f"aic_memref{r} r{k};" for k, r in enumerate(_ranks(outputs, checks)))
    return (f"enum {{ N_RESULTS = {len(_ranks(outputs, checks))} }};\n"
            f"typedef struct {{ {fields} }} aic_results;")


def run_returning(inputs, outputs, checks, input_memrefs: list[str]) -> list[str]:
    """``aic_run``: check, build the input descriptors, run, deliver the results."""
    ranks = _ranks(outputs, checks)
    sizes = [np.dtype(t.dtype).itemsize for t in outputs] + ([8] if checks else [])
    args = ", ".join(["&r"] + [f"&m{i}" for i in range(len(inputs))])
    allocated = ", ".join(f"r.r{k}.allocated" for k in range(len(ranks)))
    data = ", ".join(f"(char *)r.r{k}.aligned + r.r{k}.offset * {size}"
                     for k, size in enumerate(sizes))
    dims = ", ".join(f"r.r{k}.sizes" if r else "0" for k, r in enumerate(ranks))
    lines = ["int aic_run(const aic_tensor *in, size_t n_in, aic_tensor *out, size_t n_out) {",
             "  int rc = check_call(in, n_in, out, n_out);", "  if (rc) return rc;",
             *input_memrefs, "  aic_results r;", f"  _mlir_ciface_main({args});",
             f"  void *allocated[N_RESULTS] = {{ {allocated} }};",
             f"  char *const data[N_RESULTS] = {{ {data} }};",
             f"  const int64_t *const sizes[N_RESULTS] = {{ {dims} }};"]
    if checks:
        lines.append("  rc = check_status((const int64_t *)data[N_OUT]);")
    lines += ["  rc = deliver(out, allocated, data, sizes, rc);",
              "  if (!rc) last_error[0] = 0;", "  return rc;", "}", ""]
    return lines
