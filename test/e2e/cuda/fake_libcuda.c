/* A fake CUDA driver for the host-runtime tests (test_cuda_host.py): no GPU, no kernels run.
   Memory is host memory; modules, functions and streams are dummies; every call succeeds,
   except a launch while fake_fail_launches is set, which fails as a real driver does after a
   kernel fault (CUDA_ERROR_LAUNCH_FAILED, 719). Loaded by aic's CUDA runtime through
   $AIC_CUDA_DRIVER; the test counts what the host code did through aic_cuda_counters. */
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
int fake_fail_launches;
static int dummy;

CUresult cuInit(unsigned flags) { (void)flags; return 0; }
CUresult cuDeviceGetCount(int *n) { *n = 1; return 0; }
CUresult cuDeviceGet(int *d, int i) { *d = i; return 0; }
CUresult cuDevicePrimaryCtxRetain(void **c, int d) { (void)d; *c = &dummy; return 0; }
CUresult cuCtxSetCurrent(void *c) { (void)c; return 0; }
CUresult cuCtxSynchronize(void) { return 0; }
CUresult cuGetErrorName(CUresult e, const char **s) {
  *s = e == 719 ? "CUDA_ERROR_LAUNCH_FAILED" : "CUDA_ERROR_UNKNOWN"; return 0; }
CUresult cuGetErrorString(CUresult e, const char **s) {
  *s = e == 719 ? "unspecified launch failure" : "unknown error"; return 0; }
CUresult cuModuleLoadData(void **m, const void *d) { (void)d; *m = &dummy; return 0; }
CUresult cuModuleLoadDataEx(void **m, const void *d, unsigned n, int *o, void **v) {
  (void)d; (void)n; (void)o; (void)v; *m = &dummy; return 0; }
CUresult cuModuleUnload(void *m) { (void)m; return 0; }
CUresult cuModuleGetFunction(void **f, void *m, const char *name) {
  (void)m; (void)name; *f = &dummy; return 0; }
CUresult cuFuncSetAttribute(void *f, int a, int v) { (void)f; (void)a; (void)v; return 0; }
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                        unsigned by, unsigned bz, unsigned smem, void *s, void **p, void **e) {
  (void)f; (void)gx; (void)gy; (void)gz; (void)bx; (void)by; (void)bz; (void)smem; (void)s;
  (void)p; (void)e;
  return fake_fail_launches ? 719 : 0;
}
CUresult cuStreamCreate(void **s, unsigned f) { (void)f; *s = &dummy; return 0; }
CUresult cuStreamSynchronize(void *s) { (void)s; return 0; }
CUresult cuStreamDestroy_v2(void *s) { (void)s; return 0; }
CUresult cuStreamWaitEvent(void *s, void *e, unsigned f) { (void)s; (void)e; (void)f; return 0; }
CUresult cuEventCreate(void **e, unsigned f) { (void)f; *e = &dummy; return 0; }
CUresult cuEventRecord(void *e, void *s) { (void)e; (void)s; return 0; }
CUresult cuEventSynchronize(void *e) { (void)e; return 0; }
CUresult cuEventDestroy_v2(void *e) { (void)e; return 0; }
CUresult cuMemAlloc_v2(void **p, size_t n) { *p = calloc(1, n); return 0; }
CUresult cuMemAllocManaged(void **p, size_t n, unsigned f) { (void)f; *p = calloc(1, n); return 0; }
CUresult cuMemFree_v2(void *p) { free(p); return 0; }
CUresult cuMemcpy(void *d, const void *s, size_t n) { memcpy(d, s, n); return 0; }
CUresult cuMemsetD32_v2(void *d, unsigned v, size_t n) {
  for (size_t i = 0; i < n; ++i) ((unsigned *)d)[i] = v;
  return 0;
}
