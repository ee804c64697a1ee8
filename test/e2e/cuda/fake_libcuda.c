/* A fake CUDA driver for the host-runtime tests (test_cuda_host.py): no GPU, no kernels run.
   Device memory (cuMemAlloc) is host pages mapped PROT_NONE, opened only inside cuMemcpy and
   cuMemsetD32, so host code that touches a device buffer directly crashes as it would with a
   real GPU; managed memory is plain host memory. Modules, functions and streams are dummies;
   every call succeeds,
   except a launch while fake_fail_launches is set, which fails as a real driver does after a
   kernel fault (CUDA_ERROR_LAUNCH_FAILED, 719). Loaded by aic's CUDA runtime through
   $AIC_CUDA_DRIVER; the test counts what the host code did through aic_cuda_counters. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
/* Device allocations, page-aligned mappings, listed so that copies can open them. */
#define PAGE 4096
#define MAX_DEVICE 65536
static struct { void *ptr; size_t size; } device[MAX_DEVICE];
static size_t mapped_size(size_t n) { return (n + PAGE - 1) / PAGE * PAGE + PAGE; }
static int device_index(const void *p) {
  for (int i = 0; i < MAX_DEVICE; ++i)
    if (device[i].ptr == p) return i;
  return -1;
}
static void open_device(const void *p, int prot) {
  int i = p ? device_index(p) : -1;
  if (i >= 0) mprotect(device[i].ptr, mapped_size(device[i].size), prot);
}

CUresult cuMemAlloc_v2(void **p, size_t n) {
  int i = device_index(0);
  void *base = mmap(0, mapped_size(n), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (i < 0 || base == MAP_FAILED) return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
  device[i].ptr = base;
  device[i].size = n;
  *p = base;
  return 0;
}
CUresult cuMemAllocManaged(void **p, size_t n, unsigned f) { (void)f; *p = calloc(1, n); return 0; }
CUresult cuMemFree_v2(void *p) {
  int i = p ? device_index(p) : -1;
  if (i < 0) {
    free(p);
    return 0;
  }
  munmap(device[i].ptr, mapped_size(device[i].size));
  device[i].ptr = 0;
  return 0;
}
CUresult cuMemcpy(void *d, const void *s, size_t n) {
  open_device(d, PROT_READ | PROT_WRITE);
  open_device(s, PROT_READ);
  memcpy(d, s, n);
  open_device(d, PROT_NONE);
  open_device(s, PROT_NONE);
  return 0;
}
CUresult cuMemsetD32_v2(void *d, unsigned v, size_t n) {
  open_device(d, PROT_READ | PROT_WRITE);
  for (size_t i = 0; i < n; ++i) ((unsigned *)d)[i] = v;
  open_device(d, PROT_NONE);
  return 0;
}
