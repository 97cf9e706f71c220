#include "core/page_heap.h"

#include <malloc.h>

#include <cstddef>

namespace assay {
namespace {

// Free heap kept between pages: a few pages' buffers (a 300-dpi gray page is 8.7 MB).
constexpr size_t kFreeHeapKept = size_t{64} << 20;

}  // namespace

void ServePageBuffersFromHeap() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
}

void ReturnSurplusFreeHeap() {
  if (mallinfo2().fordblks > kFreeHeapKept) malloc_trim(0);
}

}  // namespace assay
