/* aic's CUDA host runtime: the mgpu* functions that MLIR's gpu-to-llvm lowering calls
   (the same names and signatures as MLIR's libmlir_cuda_runtime.so), on the CUDA driver API
   loaded with dlopen, so that a model library links and loads without a driver.

   Errors never abort and never crash: the first CUDA error of a call is recorded (its CUDA
   name and message) and the rest of the call degrades -- launches are skipped, allocations
   fall back to host memory so the host code can finish -- until aic_cuda_finish() reports
   it. A failed kernel-module load (the module loads in a global constructor) is kept and
   reported by every call that launches its kernels. The error state is per thread (a call
   runs on its caller's thread); the model's own lock keeps its calls from overlapping.

   Interface for the caller (aic's JIT through ctypes, the library's aic_run):
     int aic_cuda_begin(void);         0, or -1: no usable driver/GPU (message in aic_cuda_error)
     int8_t aic_cuda_ok(void);         1 while the current call has had no error
     int aic_cuda_finish(void);        synchronize; 0, or -1 with the first error of the call
     const char *aic_cuda_error(void);
     void aic_cuda_counters(long long out[4]);  allocations, frees, launches, mgpuMemcpy calls
   $AIC_CUDA_DRIVER names the driver library (default libcuda.so.1; tests use a fake). */

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef void *CUcontext, *CUmodule, *CUfunction, *CUstream, *CUevent;

static struct {
  CUresult (*Init)(unsigned);
  CUresult (*DeviceGet)(int *, int);
  CUresult (*DeviceGetCount)(int *);
  CUresult (*PrimaryCtxRetain)(CUcontext *, int);
  CUresult (*CtxSetCurrent)(CUcontext);
  CUresult (*CtxSynchronize)(void);
  CUresult (*GetErrorName)(CUresult, const char **);
  CUresult (*GetErrorString)(CUresult, const char **);
  CUresult (*ModuleLoadData)(CUmodule *, const void *);
  CUresult (*ModuleLoadDataEx)(CUmodule *, const void *, unsigned, int *, void **);
  CUresult (*ModuleUnload)(CUmodule);
  CUresult (*ModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*FuncSetAttribute)(CUfunction, int, int);
  CUresult (*LaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, CUstream, void **, void **);
  CUresult (*StreamCreate)(CUstream *, unsigned);
  CUresult (*StreamSynchronize)(CUstream);
  CUresult (*StreamDestroy)(CUstream);
  CUresult (*StreamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*EventCreate)(CUevent *, unsigned);
  CUresult (*EventRecord)(CUevent, CUstream);
  CUresult (*EventSynchronize)(CUevent);
  CUresult (*EventDestroy)(CUevent);
  CUresult (*MemAlloc)(void **, size_t);
  CUresult (*MemAllocManaged)(void **, size_t, unsigned);
  CUresult (*MemFree)(void *);
  CUresult (*Memcpy)(void *, const void *, size_t);
  CUresult (*MemsetD32)(void *, unsigned, size_t);
} cu;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char driver_problem[256];    /* why the driver cannot be used ("" when it can) */
static char load_problem[768];      /* why the kernel module did not load ("" when it did) */
static __thread char first_error[512];  /* the first error of this thread's current call */
static CUcontext context;
static long long counters[4];       /* allocations, frees, launches, mgpuMemcpy calls */

typedef struct fallback { void *ptr; struct fallback *next; } fallback;
static fallback *fallbacks;         /* host buffers handed out in place of device ones */
static pthread_mutex_t fallback_lock = PTHREAD_MUTEX_INITIALIZER;

/* Device blocks: those in use (ptr -> size) and those freed by the host code, kept for the
   next allocation of the same size (a loop's per-iteration buffers, e.g. an LSTM's time
   steps, then cost no cuMemAlloc/cuMemFree after the first call). Managed blocks are not
   kept. The host code frees a block only after the work using it is done (gpu.dealloc is
   waited for), so handing it out again is safe. */
typedef struct block { void *ptr; uint64_t bytes; struct block *next; } block;
static block *in_use, *released;
static pthread_mutex_t block_lock = PTHREAD_MUTEX_INITIALIZER;

static void *reuse(uint64_t bytes) {
  void *ptr = 0;
  pthread_mutex_lock(&block_lock);
  for (block **at = &released; *at; at = &(*at)->next) {
    if ((*at)->bytes == bytes) {
      block *node = *at;
      *at = node->next;
      node->next = in_use;
      in_use = node;
      ptr = node->ptr;
      break;
    }
  }
  pthread_mutex_unlock(&block_lock);
  return ptr;
}

static void keep(void *ptr, uint64_t bytes) {
  block *node = malloc(sizeof *node);
  if (!node) abort();
  node->ptr = ptr;
  node->bytes = bytes;
  pthread_mutex_lock(&block_lock);
  node->next = in_use;
  in_use = node;
  pthread_mutex_unlock(&block_lock);
}

/* Moves a device block from in use to released; 0 when ptr is not one. */
static int release(void *ptr) {
  int found = 0;
  pthread_mutex_lock(&block_lock);
  for (block **at = &in_use; *at; at = &(*at)->next) {
    if ((*at)->ptr == ptr) {
      block *node = *at;
      *at = node->next;
      node->next = released;
      released = node;
      found = 1;
      break;
    }
  }
  pthread_mutex_unlock(&block_lock);
  return found;
}

const char *aic_cuda_error(void) { return first_error[0] ? first_error : driver_problem; }
void aic_cuda_counters(long long out[4]) { memcpy(out, counters, sizeof counters); }
/* Called by the model's host code after it made its cached buffers (aic-gpu-host-buffers). */
int8_t aic_cuda_ok(void) { return first_error[0] == 0; }

static void record(const char *fmt, ...) {
  if (first_error[0]) return;
  va_list args;
  va_start(args, fmt);
  vsnprintf(first_error, sizeof first_error, fmt, args);
  va_end(args);
}

static int check(CUresult status, const char *what) {
  if (status == 0) return 0;
  const char *name = 0, *text = 0;
  if (cu.GetErrorName) cu.GetErrorName(status, &name);
  if (cu.GetErrorString) cu.GetErrorString(status, &text);
  record("CUDA error in %s: %s (%s)", what, text ? text : "unknown error",
         name ? name : "unknown");
  return -1;
}

#define BIND(field, symbol) \
  if (!(*(void **)&cu.field = dlsym(lib, symbol))) missing = symbol;

static void load_driver(void) {
  const char *path = getenv("AIC_CUDA_DRIVER");
  if (!path || !*path) path = "libcuda.so.1";
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf(driver_problem, sizeof driver_problem,
             "no CUDA driver on this machine (%s not found)", path);
    return;
  }
  const char *missing = 0;
  BIND(Init, "cuInit") BIND(DeviceGet, "cuDeviceGet") BIND(DeviceGetCount, "cuDeviceGetCount")
  BIND(PrimaryCtxRetain, "cuDevicePrimaryCtxRetain") BIND(CtxSetCurrent, "cuCtxSetCurrent")
  BIND(CtxSynchronize, "cuCtxSynchronize") BIND(GetErrorName, "cuGetErrorName")
  BIND(GetErrorString, "cuGetErrorString") BIND(ModuleLoadData, "cuModuleLoadData")
  BIND(ModuleLoadDataEx, "cuModuleLoadDataEx") BIND(ModuleUnload, "cuModuleUnload")
  BIND(ModuleGetFunction, "cuModuleGetFunction") BIND(FuncSetAttribute, "cuFuncSetAttribute")
  BIND(LaunchKernel, "cuLaunchKernel") BIND(StreamCreate, "cuStreamCreate")
  BIND(StreamSynchronize, "cuStreamSynchronize") BIND(StreamDestroy, "cuStreamDestroy_v2")
  BIND(StreamWaitEvent, "cuStreamWaitEvent") BIND(EventCreate, "cuEventCreate")
  BIND(EventRecord, "cuEventRecord") BIND(EventSynchronize, "cuEventSynchronize")
  BIND(EventDestroy, "cuEventDestroy_v2")
  BIND(MemAlloc, "cuMemAlloc_v2") BIND(MemAllocManaged, "cuMemAllocManaged")
  BIND(MemFree, "cuMemFree_v2") BIND(Memcpy, "cuMemcpy") BIND(MemsetD32, "cuMemsetD32_v2")
  if (missing) {
    snprintf(driver_problem, sizeof driver_problem, "the CUDA driver lacks %s", missing);
    return;
  }
  int device = 0, count = 0;
  CUresult status = cu.Init(0);
  if (status == 0) status = cu.DeviceGetCount(&count);
  if (status == 0 && count == 0) {
    snprintf(driver_problem, sizeof driver_problem, "no CUDA GPU found (0 devices)");
    return;
  }
  if (status == 0) status = cu.DeviceGet(&device, 0);
  if (status == 0) status = cu.PrimaryCtxRetain(&context, device);
  if (status != 0) {
    const char *text = 0;
    cu.GetErrorString(status, &text);
    snprintf(driver_problem, sizeof driver_problem, "the CUDA driver failed to initialise: %s",
             text ? text : "unknown error");
  }
}

/* 0 when the driver is usable and no error happened in this call (the context is current). */
static int ready(void) {
  pthread_once(&once, load_driver);
  if (driver_problem[0]) {
    record("cannot run on a CUDA GPU: %s", driver_problem);
    return -1;
  }
  if (first_error[0]) return -1;
  return check(cu.CtxSetCurrent(context), "cuCtxSetCurrent");
}

int aic_cuda_begin(void) {
  first_error[0] = 0;
  pthread_once(&once, load_driver);
  if (driver_problem[0]) {
    record("cannot run on a CUDA GPU: %s", driver_problem);
    return -1;
  }
  return 0;
}

int aic_cuda_finish(void) {
  if (ready() == 0) check(cu.CtxSynchronize(), "the model's kernels (cuCtxSynchronize)");
  return first_error[0] ? -1 : 0;
}

/* -- kernels --------------------------------------------------------------------------- */

static CUmodule load(const void *data, int jit, int opt_level) {
  CUmodule module = 0;
  if (ready() != 0) {
    snprintf(load_problem, sizeof load_problem, "%s", aic_cuda_error());
    return 0;
  }
  char log[1024] = {0};
  int options[] = {5 /* ERROR_LOG_BUFFER */, 6 /* ..._SIZE_BYTES */, 7 /* OPTIMIZATION_LEVEL */};
  void *values[] = {log, (void *)(intptr_t)sizeof log, (void *)(intptr_t)opt_level};
  CUresult status = jit ? cu.ModuleLoadDataEx(&module, data, 3, options, values)
                        : cu.ModuleLoadData(&module, data);
  if (check(status, "loading the kernels (cuModuleLoadData)") != 0) {
    snprintf(load_problem, sizeof load_problem, "%s%s%.200s", first_error, log[0] ? ": " : "",
             log);
    return 0;
  }
  return module;
}

CUmodule mgpuModuleLoad(void *data, size_t size) { (void)size; return load(data, 0, 0); }
CUmodule mgpuModuleLoadJIT(void *data, int opt_level) { return load(data, 1, opt_level); }

void mgpuModuleUnload(CUmodule module) {
  if (module && cu.ModuleUnload) cu.ModuleUnload(module);
}

CUfunction mgpuModuleGetFunction(CUmodule module, const char *name) {
  CUfunction function = 0;
  if (ready() != 0) return 0;
  if (!module) {
    record("%s", load_problem[0] ? load_problem : "the kernels are not loaded");
    return 0;
  }
  check(cu.ModuleGetFunction(&function, module, name), "cuModuleGetFunction");
  return function;
}

void mgpuLaunchKernel(CUfunction function, intptr_t gx, intptr_t gy, intptr_t gz, intptr_t bx,
                      intptr_t by, intptr_t bz, int32_t smem, CUstream stream, void **params,
                      void **extra, size_t count) {
  (void)count;
  if (ready() != 0 || !function) return;
  if (smem > 0 && check(cu.FuncSetAttribute(function, 8 /* MAX_DYNAMIC_SHARED_SIZE_BYTES */,
                                            smem), "cuFuncSetAttribute") != 0)
    return;
  counters[2]++;
  check(cu.LaunchKernel(function, gx, gy, gz, bx, by, bz, smem, stream, params, extra),
        "cuLaunchKernel");
}

/* -- streams (the host code makes one per synchronous launch) ----------------------------- */

CUstream mgpuStreamCreate(void) {
  CUstream stream = 0;
  if (ready() == 0) check(cu.StreamCreate(&stream, 1 /* NON_BLOCKING */), "cuStreamCreate");
  return stream;
}

void mgpuStreamSynchronize(CUstream stream) {
  if (ready() == 0 && stream)
    check(cu.StreamSynchronize(stream), "the kernels (cuStreamSynchronize)");
}

void mgpuStreamDestroy(CUstream stream) {
  if (stream && cu.StreamDestroy) cu.StreamDestroy(stream);
}

/* Events order streams when the host code waits on several launches at once. */
CUevent mgpuEventCreate(void) {
  CUevent event = 0;
  if (ready() == 0) check(cu.EventCreate(&event, 2 /* DISABLE_TIMING */), "cuEventCreate");
  return event;
}

void mgpuEventDestroy(CUevent event) {
  if (event && cu.EventDestroy) cu.EventDestroy(event);
}

void mgpuEventSynchronize(CUevent event) {
  if (ready() == 0 && event) check(cu.EventSynchronize(event), "the kernels (cuEventSynchronize)");
}

void mgpuEventRecord(CUevent event, CUstream stream) {
  if (ready() == 0 && event) check(cu.EventRecord(event, stream), "cuEventRecord");
}

void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  if (ready() == 0 && event) check(cu.StreamWaitEvent(stream, event, 0), "cuStreamWaitEvent");
}

/* -- memory -------------------------------------------------------------------------------- */

void *mgpuMemAlloc(uint64_t bytes, CUstream stream, int8_t host_shared) {
  (void)stream;
  void *ptr = 0;
  if (bytes == 0) return 0;
  if (ready() == 0 && !host_shared && (ptr = reuse(bytes)) != 0) return ptr;
  if (ready() == 0) {
    CUresult status = host_shared ? cu.MemAllocManaged(&ptr, bytes, 1 /* ATTACH_GLOBAL */)
                                  : cu.MemAlloc(&ptr, bytes);
    if (check(status, host_shared ? "cuMemAllocManaged" : "cuMemAlloc") == 0) {
      counters[0]++;
      if (!host_shared) keep(ptr, bytes);
      return ptr;
    }
  }
  /* Failed: host memory, so the host code can run to its end and report the error. */
  fallback *node = malloc(sizeof *node);
  ptr = calloc(1, bytes);
  if (!node || !ptr) abort();
  node->ptr = ptr;
  pthread_mutex_lock(&fallback_lock);
  node->next = fallbacks;
  fallbacks = node;
  pthread_mutex_unlock(&fallback_lock);
  return ptr;
}

void mgpuMemFree(void *ptr, CUstream stream) {
  (void)stream;
  fallback *node = 0;
  pthread_mutex_lock(&fallback_lock);
  for (fallback **at = &fallbacks; *at; at = &(*at)->next) {
    if ((*at)->ptr == ptr) {
      node = *at;
      *at = node->next;
      break;
    }
  }
  pthread_mutex_unlock(&fallback_lock);
  if (node) {
    free(node->ptr);
    free(node);
    return;
  }
  if (release(ptr)) return;  /* kept for the next allocation of its size */
  if (ptr && cu.MemFree) {
    counters[1]++;
    check(cu.MemFree(ptr), "cuMemFree");
  }
}

void mgpuMemcpy(void *dst, void *src, size_t bytes, CUstream stream) {
  (void)stream;
  counters[3]++;
  if (ready() == 0) check(cu.Memcpy(dst, src, bytes), "cuMemcpy");
}

void mgpuMemset32(void *dst, unsigned value, size_t count, CUstream stream) {
  (void)stream;
  if (ready() == 0) check(cu.MemsetD32(dst, value, count), "cuMemsetD32");
}

void mgpuSetDefaultDevice(int32_t device) { (void)device; }
