/* aic's buffer cache: the allocation functions of compiled CPU code.

   finalize-memref-to-llvm{use-generic-functions} makes every memref.alloc call
   _mlir_memref_to_llvm_alloc and every dealloc _mlir_memref_to_llvm_free. With plain malloc a
   model's large intermediate buffers are mmap'ed and unmapped on every call (glibc serves
   blocks above its mmap threshold that way, or trims them off the heap's top), and every page
   is faulted in again on the next call: MobileNetV2's library ran 18.5 ms a call in a fresh
   process against 10.0 ms with the pages kept. Here a freed block of at least
   AIC_CACHE_MIN bytes is kept (up to AIC_CACHE_SLOTS blocks) and handed to the next
   allocation it fits without wasting more than a quarter of it, so from the second call on a
   model reuses its own buffers. Blocks are malloc's: anything that frees one with free()
   (a returned output's owner) is right. Thread-safe (one mutex, taken only for large blocks).
*/
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define AIC_CACHE_MIN ((size_t)64 << 10)
#define AIC_CACHE_SLOTS 64

static void *aic_slot_ptr[AIC_CACHE_SLOTS];
static size_t aic_slot_size[AIC_CACHE_SLOTS];
static pthread_mutex_t aic_slot_lock = PTHREAD_MUTEX_INITIALIZER;

void *_mlir_memref_to_llvm_alloc(size_t size) {
  if (size >= AIC_CACHE_MIN) {
    int best = -1;
    pthread_mutex_lock(&aic_slot_lock);
    for (int i = 0; i < AIC_CACHE_SLOTS; ++i)
      if (aic_slot_ptr[i] && aic_slot_size[i] >= size &&
          aic_slot_size[i] - size <= aic_slot_size[i] / 4 &&
          (best < 0 || aic_slot_size[i] < aic_slot_size[best]))
        best = i;
    void *block = best < 0 ? NULL : aic_slot_ptr[best];
    if (best >= 0) aic_slot_ptr[best] = NULL;
    pthread_mutex_unlock(&aic_slot_lock);
    if (block) return block;
  }
  return malloc(size);
}

void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  void *block = NULL;
  return posix_memalign(&block, alignment < sizeof(void *) ? sizeof(void *) : alignment,
                        size) ? NULL : block;
}

void _mlir_memref_to_llvm_free(void *block) {
  if (!block) return;
  size_t size = malloc_usable_size(block);
  if (size >= AIC_CACHE_MIN) {
    void *evicted = block;
    pthread_mutex_lock(&aic_slot_lock);
    int smallest = 0;
    for (int i = 0; i < AIC_CACHE_SLOTS; ++i) {
      if (!aic_slot_ptr[i]) { smallest = i; break; }
      if (aic_slot_size[i] < aic_slot_size[smallest]) smallest = i;
    }
    if (!aic_slot_ptr[smallest] || aic_slot_size[smallest] < size) {
      evicted = aic_slot_ptr[smallest];  /* NULL, or the smallest kept block */
      aic_slot_ptr[smallest] = block;
      aic_slot_size[smallest] = size;
    }
    pthread_mutex_unlock(&aic_slot_lock);
    free(evicted);
    return;
  }
  free(block);
}
