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

Pix* GrayForReading(Pix* pix) {
  if (pix == nullptr) return nullptr;
  if (pixGetDepth(pix) == 8 && pixGetColormap(pix) == nullptr) return pixClone(pix);
  return pixConvertTo8(pix, 0);
}

int64_t PixBytes(Pix* pix) {
  return static_cast<int64_t>(pixGetWpl(pix)) * pixGetHeight(pix) * sizeof(l_uint32);
}

void RecentRasters::Keep(int page, const std::string& sha256, std::shared_ptr<Pix> pix) {
  if (!pix || Find(page, sha256)) return;
  const int64_t bytes = PixBytes(pix.get());
  if (bytes > budget_) return;
  entries_.push_back(Entry{page, sha256, std::move(pix), bytes});
  held_ += bytes;
  while (held_ > budget_) {
    held_ -= entries_.front().bytes;
    entries_.pop_front();
  }
}

std::shared_ptr<Pix> RecentRasters::Find(int page, const std::string& sha256) const {
  for (const Entry& e : entries_) {
    if (e.page == page && e.sha256 == sha256) return e.pix;
  }
  return nullptr;
}

}  // namespace assay
