#include "stages/pix_mat.h"

#include <leptonica/allheaders.h>

#include <bit>
#include <cstring>

#include "core/raster.h"

namespace assay {
namespace {

// Leptonica keeps 8-bit pixels in 32-bit words, the leftmost pixel in the word's most
// significant byte: on a little-endian machine each word's four bytes are in reverse order in
// memory. A row is therefore a copy with each word byte-swapped (a page in a few ms, where
// GET_DATA_BYTE per pixel took 40-70 ms at 300 dpi).
void CopyGrayRow(const l_uint32* line, int w, unsigned char* row) {
  const int whole = w / 4;
  for (int i = 0; i < whole; ++i) {
    uint32_t word = line[i];
    if constexpr (std::endian::native == std::endian::little) word = __builtin_bswap32(word);
    std::memcpy(row + 4 * i, &word, 4);
  }
  for (int x = 4 * whole; x < w; ++x) row[x] = GET_DATA_BYTE(line, x);
}

}  // namespace

cv::Mat PixToMat(Pix* pix) {
  const bool gray = pixGetDepth(pix) <= 8 && (pixGetColormap(pix) == nullptr ||
                                               !pixcmapHasColor(pixGetColormap(pix), nullptr));
  // A gray page is read where it is (no converted copy); anything else is converted first.
  Pix* conv = gray ? GrayForReading(pix) : pixConvertTo32(pix);
  if (conv == nullptr) return {};
  const int w = pixGetWidth(conv), h = pixGetHeight(conv), wpl = pixGetWpl(conv);
  const l_uint32* data = pixGetData(conv);
  cv::Mat m(h, w, gray ? CV_8UC1 : CV_8UC3);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    unsigned char* row = m.ptr<unsigned char>(y);
    if (gray) {
      CopyGrayRow(line, w, row);
      continue;
    }
    for (int x = 0; x < w; ++x) {
      l_int32 r, g, b;
      extractRGBValues(line[x], &r, &g, &b);
      row[3 * x] = b, row[3 * x + 1] = g, row[3 * x + 2] = r;
    }
  }
  pixDestroy(&conv);
  return m;
}

}  // namespace assay
