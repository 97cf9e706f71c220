#include "stages/raster_util.h"

#include <leptonica/allheaders.h>

#include "core/sha256.h"

namespace assay {

std::string PixSha256(Pix* pix) {
  Sha256 h;
  const l_int32 w = pixGetWidth(pix), height = pixGetHeight(pix), d = pixGetDepth(pix);
  const l_int32 wpl = pixGetWpl(pix);
  const std::string geometry =
      std::to_string(w) + "x" + std::to_string(height) + "x" + std::to_string(d);
  h.Update(geometry);
  h.Update(pixGetData(pix), static_cast<size_t>(wpl) * height * sizeof(l_uint32));
  return h.Hex();
}

}  // namespace assay
