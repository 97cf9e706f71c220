// Small helpers for page rasters (Leptonica images).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

struct Pix;

namespace assay {

// SHA-256 of a Leptonica image's geometry and pixels (rows at the image's depth, padding
// included, which Leptonica keeps zeroed). Stable for the same decoded or rendered image.
std::string PixSha256(Pix* pix);

// Bytes the image's pixels occupy in memory.
int64_t PixBytes(Pix* pix);

// `pix` as 8-bit gray for reading only (never changed by the caller): `pix` itself, cloned,
// when it is gray already, else Leptonica's conversion. pixConvertTo8 copies a gray page
// whole (8 MB at 300 dpi, to allocate, clear and fill) even when nothing needs converting.
Pix* GrayForReading(Pix* pix);

// The last few page rasters a worker made or rebuilt for the document it runs, by page number
// and the SHA-256 of the raster step they are the pixels of, within `budget_bytes`, the oldest
// dropped first. The stages after the page-major block (layout, tables) read the pixels the
// block already had instead of decoding or rendering the page again for each of them: on a
// one-page image that was two PNG decodes and two hashes of the page. Small on purpose: a
// long scan still holds about one page at a time (flat memory); its other pages are read back
// from disk (core/raster_spill.h).
class RecentRasters {
 public:
  explicit RecentRasters(int64_t budget_bytes) : budget_(budget_bytes) {}
  // Keeps `pix` (shared, never changed by its readers) as page `page`'s raster `sha256`.
  void Keep(int page, const std::string& sha256, std::shared_ptr<Pix> pix);
  // The pixels kept for page `page`'s raster `sha256`, or null.
  std::shared_ptr<Pix> Find(int page, const std::string& sha256) const;
  int64_t budget() const { return budget_; }
  void Clear() {
    entries_.clear();
    held_ = 0;
  }

 private:
  struct Entry {
    int page;
    std::string sha256;
    std::shared_ptr<Pix> pix;
    int64_t bytes;
  };
  int64_t budget_;
  int64_t held_ = 0;
  std::deque<Entry> entries_;  // oldest first
};

}  // namespace assay
