#include "core/gray_histogram.h"

#include <leptonica/allheaders.h>

#include <algorithm>

namespace assay {

bool GrayHistogram(Pix* pix, int factor, GrayCounts* counts) {
  counts->fill(0);
  if (pix == nullptr || factor < 1 || pixGetDepth(pix) != 8 || pixGetColormap(pix) != nullptr) {
    return false;
  }
  const int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  const l_uint32* data = pixGetData(pix);
  // Four sub-histograms: consecutive pixels of one level (paper, mostly) would otherwise wait
  // on each other's increment.
  uint32_t sub[4][256] = {};
  for (int i = 0; i < h; i += factor) {
    const l_uint32* line = data + static_cast<int64_t>(i) * wpl;
    const auto* bytes = reinterpret_cast<const uint8_t*>(line);
    if (factor == 1) {
      // Whole words hold four pixels in some byte order: all of them count alike.
      const int whole = w & ~3;
      for (int b = 0; b < whole; b += 4) {
        ++sub[0][bytes[b]];
        ++sub[1][bytes[b + 1]];
        ++sub[2][bytes[b + 2]];
        ++sub[3][bytes[b + 3]];
      }
      for (int j = whole; j < w; ++j) ++sub[0][GET_DATA_BYTE(line, j)];
    } else {
      int k = 0;
      for (int j = 0; j < w; j += factor, k = (k + 1) & 3) ++sub[k][GET_DATA_BYTE(line, j)];
    }
  }
  // Leptonica counts in floats, which stop growing at 2^24 (a 60-megapixel page of paper).
  for (int v = 0; v < 256; ++v) {
    (*counts)[v] = std::min<uint32_t>(sub[0][v] + sub[1][v] + sub[2][v] + sub[3][v], 1u << 24);
  }
  return true;
}

double RankOfCounts(const GrayCounts& counts, double rank) {
  NUMA* na = numaCreate(256);
  if (na == nullptr) return 0;
  for (int v = 0; v < 256; ++v) numaAddNumber(na, static_cast<l_float32>(counts[v]));
  l_float32 val = 0;
  if (numaHistogramGetValFromRank(na, static_cast<l_float32>(rank), &val) != 0) val = 0;
  numaDestroy(&na);
  return val;
}

bool GrayRankValue(Pix* pix, int factor, double rank, uint32_t* value) {
  *value = 0;
  GrayCounts counts;
  if (!GrayHistogram(pix, factor, &counts)) {
    l_uint32 v = 0;
    if (pix == nullptr || pixGetRankValue(pix, factor, static_cast<l_float32>(rank), &v) != 0) {
      return false;
    }
    *value = v;
    return true;
  }
  *value = static_cast<uint32_t>(lept_roundftoi(static_cast<l_float32>(RankOfCounts(counts, rank))));
  return true;
}

}  // namespace assay
