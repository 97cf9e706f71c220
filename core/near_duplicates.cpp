#include "core/near_duplicates.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>

namespace assay {
namespace {

constexpr int kBands = 4;
constexpr int kBandBits = 16;

uint32_t Band(uint64_t h, int b) { return uint32_t(h >> (kBandBits * b)) & 0xFFFF; }

// Every 16-bit mask with at most `radius` bits set.
std::vector<uint32_t> MasksWithin(int radius) {
  std::vector<uint32_t> masks;
  for (uint32_t m = 0; m < (1u << kBandBits); ++m) {
    if (std::popcount(m) <= radius) masks.push_back(m);
  }
  return masks;
}

struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(uint32_t a, uint32_t b) {
    a = Find(a), b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

std::string Short(const std::string& doc_id) { return doc_id.substr(0, 12); }

std::string Number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return text;
}

// Why `kept` wins over `other` under the rule (most pixels, sharpest, smallest doc_id).
std::string WhyKept(const HashedImage& kept, const HashedImage& other) {
  if (kept.pixels != other.pixels) {
    return "more pixels (" + Number(kept.pixels) + " > " + Number(other.pixels) + ")";
  }
  if (kept.sharpness != other.sharpness) {
    return "as many pixels, sharper (" + Number(kept.sharpness) + " > " +
           Number(other.sharpness) + ")";
  }
  return "as many pixels, as sharp, smaller doc_id";
}

}  // namespace

HashIndex::HashIndex(std::vector<uint64_t> hashes, int max_distance)
    : hashes_(std::move(hashes)),
      max_distance_(max_distance),
      radius_(std::max(0, max_distance) / kBands),
      masks_(MasksWithin(radius_)),
      offsets_(kBands),
      ids_(kBands) {
  for (int b = 0; b < kBands; ++b) {
    std::vector<uint32_t>& off = offsets_[b];
    off.assign((1u << kBandBits) + 1, 0);
    for (uint64_t h : hashes_) ++off[Band(h, b) + 1];
    std::partial_sum(off.begin(), off.end(), off.begin());
    std::vector<uint32_t> fill(off.begin(), off.end() - 1);
    ids_[b].resize(hashes_.size());
    for (uint32_t i = 0; i < hashes_.size(); ++i) ids_[b][fill[Band(hashes_[i], b)]++] = i;
  }
}

void HashIndex::ForEachWithin(uint64_t h, const std::function<void(uint32_t)>& visit) const {
  for (int b = 0; b < kBands; ++b) {
    for (uint32_t m : masks_) {
      const uint32_t v = Band(h, b) ^ m;
      for (uint32_t k = offsets_[b][v]; k < offsets_[b][v + 1]; ++k) {
        const uint32_t j = ids_[b][k];
        const uint64_t other = hashes_[j];
        if (std::popcount(h ^ other) > max_distance_) continue;
        // A hash close on several bands is visited once: by the first band within radius.
        bool earlier = false;
        for (int e = 0; e < b && !earlier; ++e) {
          earlier = std::popcount(Band(h, e) ^ Band(other, e)) <= radius_;
        }
        if (!earlier) visit(j);
      }
    }
  }
}

int ImageDistance(const HashedImage& a, const HashedImage& b) {
  int d = std::popcount(a.hash ^ b.hash);
  for (uint64_t w : b.windows) d = std::min(d, std::popcount(a.hash ^ w));
  for (uint64_t w : a.windows) d = std::min(d, std::popcount(b.hash ^ w));
  return d;
}

std::vector<NearDuplicateMember> GroupNearDuplicates(const std::vector<HashedImage>& images,
                                                     int max_distance) {
  // One node per file: its smallest doc_id stands for it (and breaks ties).
  std::map<std::string, const HashedImage*> by_source;
  for (const HashedImage& im : images) {
    const HashedImage*& f = by_source[im.source_id];
    if (f == nullptr || im.doc_id < f->doc_id) f = &im;
  }
  std::vector<const HashedImage*> files;
  for (const auto& [source, f] : by_source) files.push_back(f);

  // Every hash of every file in one index; each file's whole hash looks for the others'.
  std::vector<uint64_t> entries;
  std::vector<uint32_t> owner;
  for (uint32_t k = 0; k < files.size(); ++k) {
    entries.push_back(files[k]->hash);
    owner.push_back(k);
    for (uint64_t w : files[k]->windows) {
      entries.push_back(w);
      owner.push_back(k);
    }
  }
  const HashIndex index(std::move(entries), max_distance);
  UnionFind sets(files.size());
  for (uint32_t k = 0; k < files.size(); ++k) {
    index.ForEachWithin(files[k]->hash, [&](uint32_t e) { sets.Join(k, owner[e]); });
  }

  std::map<uint32_t, std::vector<const HashedImage*>> groups;  // root -> files
  for (uint32_t k = 0; k < files.size(); ++k) groups[sets.Find(k)].push_back(files[k]);
  std::map<std::string, const HashedImage*> kept_of;  // source -> its group's kept file
  std::map<std::string, std::pair<std::string, size_t>> group_of;  // source -> (id, files)
  for (auto& [root, members] : groups) {
    if (members.size() < 2) continue;
    const HashedImage* kept = nullptr;
    std::string group_id;
    for (const HashedImage* m : members) {
      if (group_id.empty() || m->doc_id < group_id) group_id = m->doc_id;
      if (kept == nullptr || m->pixels > kept->pixels ||
          (m->pixels == kept->pixels &&
           (m->sharpness > kept->sharpness ||
            (m->sharpness == kept->sharpness && m->doc_id < kept->doc_id)))) {
        kept = m;
      }
    }
    for (const HashedImage* m : members) {
      kept_of[m->source_id] = kept;
      group_of[m->source_id] = {group_id, members.size()};
    }
  }

  std::vector<NearDuplicateMember> out;
  for (const HashedImage& im : images) {
    auto k = kept_of.find(im.source_id);
    if (k == kept_of.end()) continue;
    const HashedImage& kept = *k->second;
    const HashedImage& file = *by_source[im.source_id];
    const auto& [group_id, size] = group_of[im.source_id];
    NearDuplicateMember row;
    row.doc_id = im.doc_id;
    row.group_id = group_id;
    row.kept_doc_id = kept.doc_id;
    row.kept = im.source_id == kept.source_id;
    row.distance = row.kept ? 0 : ImageDistance(file, kept);
    const std::string group = std::to_string(size) + " near-duplicate images (distance <= " +
                              std::to_string(max_distance) + ")";
    if (row.kept) {
      row.reason = "kept of " + group + ": most pixels, then sharpest, then smallest doc_id";
    } else {
      row.reason = "near-duplicate of " + Short(kept.doc_id) + " (distance " +
                   std::to_string(row.distance) + ", one of " + group + "), kept for " +
                   WhyKept(kept, file);
    }
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const NearDuplicateMember& a, const NearDuplicateMember& b) {
    return a.doc_id < b.doc_id;
  });
  return out;
}

std::optional<uint64_t> ParseHashHex(const std::string& hex) {
  if (hex.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = (v << 4) | uint64_t(d);
  }
  return v;
}

}  // namespace assay
