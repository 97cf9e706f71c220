// Near-duplicate images over a whole store: which images are copies of one another by their
// 64-bit perceptual hashes (stages/image_measures.h), grouped, with the member to keep.
// Pure functions of the set of images: the result does not depend on their order, so the
// supervisor's step (core/near_duplicate_step.h) is deterministic whatever the order or number
// of workers that made the hashes. docs/image_checks.md has the threshold's ROC.
#pragma once

#include <cstdint>
#include <bit>
#include <optional>
#include <string>
#include <vector>

namespace assay {

// Distance at or below which two images are near-duplicates. With 18 windows (90% and 95%)
// every copy kind of the graded set is found at 8 (docs/image_checks.md), and 8 keeps the
// index cheap at millions of hashes (3 bands probed within 2 bits each) and chance matches of
// unrelated hashes rare (~3e-10 a pair of uniform hashes, vs ~2e-7 at 12).
inline constexpr int kNearDuplicateMaxDistance = 8;

// Multi-index hashing: the 64 bits cut into m bands, each band a bucket table. Two hashes
// within distance d agree within floor(d/m) bits on at least one band (pigeonhole), so probing
// each band's buckets within that radius finds every hash within d without comparing all.
// m (2..8) is chosen for the least expected work at the index's size and threshold.
class HashIndex {
 public:
  // `queries`: how many ForEachWithin calls are expected (0: as many as hashes), which
  // weighs building wide tables against probing them.
  HashIndex(const std::vector<uint64_t>& hashes, int max_distance, size_t queries = 0);
  // Calls `visit(i)` once for every index i of the hashes given within max_distance of `h`.
  template <typename Visit>
  void ForEachWithin(uint64_t h, Visit&& visit) const;
  int bands() const { return static_cast<int>(bands_.size()); }

 private:
  struct BandBits {
    int start, bits;
  };
  uint32_t BandOf(uint64_t h, int b) const;
  int max_distance_ = 0, radius_ = 0;
  std::vector<BandBits> bands_;
  std::vector<std::vector<uint32_t>> masks_;  // per band: masks with at most radius_ bits set
  // Per band: offsets_[b][v] .. offsets_[b][v + 1] index ids_[b], the hashes whose band b is v;
  // sorted_[b] holds those hashes in the same order, so a bucket's candidates are compared
  // reading memory in sequence.
  std::vector<std::vector<uint32_t>> offsets_, ids_;
  std::vector<std::vector<uint64_t>> sorted_;
};

template <typename Visit>
void HashIndex::ForEachWithin(uint64_t h, Visit&& visit) const {
  for (int b = 0; b < bands(); ++b) {
    const uint32_t band = BandOf(h, b);
    for (uint32_t m : masks_[b]) {
      const uint32_t v = band ^ m;
      for (uint32_t k = offsets_[b][v]; k < offsets_[b][v + 1]; ++k) {
        const uint64_t other = sorted_[b][k];
        if (std::popcount(h ^ other) > max_distance_) continue;
        // A hash close on several bands is visited once: by the first band within radius.
        bool earlier = false;
        for (int e = 0; e < b && !earlier; ++e) {
          earlier = std::popcount(BandOf(h, e) ^ BandOf(other, e)) <= radius_;
        }
        if (!earlier) visit(ids_[b][k]);
      }
    }
  }
}

struct HashedImage {
  std::string doc_id;
  // The file's identity: documents of one file (one photo under two alt-texts) are one image,
  // never near-duplicates of each other; they are kept or not together.
  std::string source_id;
  uint64_t hash = 0;              // the whole picture's
  std::vector<uint64_t> windows;  // its windows' (a cropped copy's whole hash matches one)
  double pixels = 0;              // width × height
  double sharpness = 0;           // image.sharpness
};

// Distance of two images: the smallest between one's whole hash and any hash of the other
// (whole or window), either way round.
int ImageDistance(const HashedImage& a, const HashedImage& b);

// One member of a group of near-duplicates.
struct NearDuplicateMember {
  std::string doc_id;
  std::string group_id;     // the group's smallest doc_id
  std::string kept_doc_id;  // the kept file's smallest doc_id
  bool kept = false;
  int distance = 0;  // ImageDistance to the kept file
  std::string reason;
};

// Groups: connected components of the files within max_distance (a copy of a copy joins the
// group); a group has two files or more. The kept file: most pixels, then sharpest, then
// smallest doc_id; its documents are kept, every other member's are not. One row per document
// of a group, sorted by doc_id. The index is queried on `threads` threads (0: the machine's
// cores); the result is the same whatever their number.
std::vector<NearDuplicateMember> GroupNearDuplicates(const std::vector<HashedImage>& images,
                                                     int max_distance = kNearDuplicateMaxDistance,
                                                     int threads = 0);

// A sampled frame of a video document (stages/video.cpp), with the 64-bit perceptual hash
// the video stage gave it.
struct HashedFrame {
  std::string doc_id;     // the video document
  std::string source_id;  // its file: frames are never near-copies of their own file
  int64_t frame = 0;      // frame index in the video
  uint64_t hash = 0;
};

// A frame within max_distance of an image or of another video's frame.
struct FrameNearDuplicate {
  std::string doc_id;
  int64_t frame = 0;
  std::string of_doc_id;
  std::optional<int64_t> of_frame;  // nullopt: of an image document
  int distance = 0;
};

// For each frame, the closest image document (its whole hash or a window's) or frame of
// another file within max_distance: images before frames (a picture shown in a video is the
// copy, not the original), then the smaller distance, then the smaller doc_id and frame.
// Symmetric between videos (two videos sharing a frame each name the other) and not a group:
// nothing is dropped, so no member is "kept"; the images' own groups (GroupNearDuplicates)
// are not changed by frames. Sorted by doc_id, frame; independent of the inputs' order.
std::vector<FrameNearDuplicate> FindFrameNearDuplicates(
    const std::vector<HashedImage>& images, const std::vector<HashedFrame>& frames,
    int max_distance = kNearDuplicateMaxDistance);

// 16 hex digits -> hash; nullopt for anything else.
std::optional<uint64_t> ParseHashHex(const std::string& hex);

}  // namespace assay
