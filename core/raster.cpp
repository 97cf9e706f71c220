#include "core/raster.h"

#include <leptonica/allheaders.h>

#include "core/sha256.h"

namespace assay {

std::string PixSha256(Pix* pix) {
  Sha256 h;
  const l_int32 w = pixGetWidth(pix), height = pixGetHeight(pix), d = pixGetDepth(pix);
  const std::string geometry =
      std::to_string(w) + "x" + std::to_string(height) + "x" + std::to_string(d);
  h.Update(geometry);
  h.Update(pixGetData(pix), static_cast<size_t>(PixBytes(pix)));
  return h.Hex();
}

int64_t PixBytes(Pix* pix) {
  return static_cast<int64_t>(pixGetWpl(pix)) * pixGetHeight(pix) * sizeof(l_uint32);
}

}  // namespace assay
