// Page rasters kept on disk between the page-major block and the stages after it (layout,
// tables), so those stages read a page's pixels back instead of rendering and preprocessing
// the page again. On a 300-page scan the rebuilds were ~0.3 s a page for each of the two
// stages, run by the document's worker alone after the block: the tail that kept -j 2 from
// halving the time (docs/benchmarks.md, "The tail after the page block: rasters spilled").
//
// A cache, never a source of truth: files are named by the SHA-256 of the pixels they hold
// (PixSha256, the raster step's own hash), written whole or not at all (a temporary name,
// then rename), compressed with a checksum (zstd level 1: a 300-dpi gray page, 8.7 MB, is
// ~0.6 MB in ~30 ms), and read back only when they decode to exactly that hash. Anything else
// (missing, damaged, another run's leftovers) is a miss, and the page is rebuilt as before.
// The folder is the run's (WorkRequest::spill_dir): a document's worker and its page-task
// helpers share it; the document's worker removes its pages' files when it is done, the
// session the folder when the run ends.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

struct Pix;

namespace assay {

class RasterSpill {
 public:
  RasterSpill() = default;  // off: Put does nothing, Get finds nothing
  // Writes at most `max_bytes` in all, and nothing that would leave the disk with less than
  // `min_free_bytes` free: a long colour scan must not fill the disk the store is on.
  explicit RasterSpill(std::filesystem::path dir, int64_t max_bytes = int64_t{4} << 30,
                       int64_t min_free_bytes = int64_t{1} << 30)
      : dir_(std::move(dir)), max_bytes_(max_bytes), min_free_bytes_(min_free_bytes) {}

  bool on() const { return !dir_.empty(); }
  // Keeps `pix`, whose PixSha256 is `sha256`. Does nothing when it is already kept, when the
  // image has a colour map (not kept: the hash does not cover it), when the limits above say
  // no, or when writing fails (a full disk costs rebuilds, never the document).
  void Put(const std::string& sha256, Pix* pix) const;
  // The pixels kept as `sha256`, or null.
  std::shared_ptr<Pix> Get(const std::string& sha256) const;
  void Remove(const std::string& sha256) const;

 private:
  std::filesystem::path PathOf(const std::string& sha256) const;
  std::filesystem::path dir_;
  int64_t max_bytes_ = 0, min_free_bytes_ = 0;
  mutable int64_t written_ = 0;
};

}  // namespace assay
