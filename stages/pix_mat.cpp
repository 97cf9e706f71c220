#include "stages/pix_mat.h"

#include <leptonica/allheaders.h>

namespace assay {

cv::Mat PixToMat(Pix* pix) {
  const bool gray = pixGetDepth(pix) <= 8 && (pixGetColormap(pix) == nullptr ||
                                               !pixcmapHasColor(pixGetColormap(pix), nullptr));
  Pix* conv = gray ? pixConvertTo8(pix, 0) : pixConvertTo32(pix);
  if (conv == nullptr) return {};
  const int w = pixGetWidth(conv), h = pixGetHeight(conv), wpl = pixGetWpl(conv);
  const l_uint32* data = pixGetData(conv);
  cv::Mat m(h, w, gray ? CV_8UC1 : CV_8UC3);
  for (int y = 0; y < h; ++y) {
    const l_uint32* line = data + static_cast<size_t>(y) * wpl;
    unsigned char* row = m.ptr<unsigned char>(y);
    for (int x = 0; x < w; ++x) {
      if (gray) {
        row[x] = GET_DATA_BYTE(line, x);
      } else {
        l_int32 r, g, b;
        extractRGBValues(line[x], &r, &g, &b);
        row[3 * x] = b, row[3 * x + 1] = g, row[3 * x + 2] = r;
      }
    }
  }
  pixDestroy(&conv);
  return m;
}

}  // namespace assay
