#include "core/near_duplicates.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "core/union_find.h"

namespace assay {
namespace {

// Every mask of `bits` bits with at most `radius` bits set.
std::vector<uint32_t> MasksWithin(int bits, int radius) {
  std::vector<uint32_t> masks;
  for (uint32_t m = 0; m < (1u << bits); ++m) {
    if (std::popcount(m) <= radius) masks.push_back(m);
  }
  return masks;
}

double Binomial(int n, int k) {
  double c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

// The band count with the least expected work for `entries` hashes and `queries` queries:
// building the tables, probing every mask of each band and comparing the candidates a bucket
// holds (uniform hashes). Few bands: wide tables, many masks; many bands: crowded buckets. At
// a fixed distance the chosen band width grows with log2(entries) up to 22 bits (16 MiB
// tables): up to ~2M hashes a bucket holds about one and a query's work stays near-constant;
// beyond, the bucket load grows with the entries (~9 at 1M images of 19 hashes, d = 8).
int ChooseBands(size_t entries, size_t queries, int max_distance) {
  int best = 4;
  double best_cost = -1;
  for (int m = 2; m <= 8; ++m) {
    const int bits = 64 / m;
    if (bits > 22) continue;  // tables of 2^bits offsets: at most 16 MiB each
    const int r = max_distance / m;
    double masks = 0;
    for (int k = 0; k <= r; ++k) masks += Binomial(bits, k);
    const double per_query = m * masks * (1 + double(entries) / double(1u << bits));
    const double cost = m * (double(1u << bits) + double(entries)) + double(queries) * per_query;
    if (best_cost < 0 || cost < best_cost) best = m, best_cost = cost;
  }
  return best;
}

// Every pair (query q, owner[e]) of a query hash and an entry e within the index's distance,
// but for an entry of the query's own image (owner[e] == q). The queries are split in
// contiguous ranges over `threads` threads (0: the machine's cores, at most 8; one for small
// inputs) and the ranges' pairs concatenated in order: the same pairs in the same order
// whatever the thread count.
std::vector<std::pair<uint32_t, uint32_t>> FindNearPairsInParallel(
    const HashIndex& index, const std::vector<uint64_t>& queries,
    const std::vector<uint32_t>& owner, int threads_wanted) {
  const size_t cores = threads_wanted > 0
                           ? size_t(threads_wanted)
                           : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  const size_t threads =
      threads_wanted > 0 ? cores : std::clamp<size_t>(queries.size() / 4096, 1, cores);
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> parts(threads);
  auto run = [&](size_t t) {
    const size_t begin = queries.size() * t / threads, end = queries.size() * (t + 1) / threads;
    for (size_t q = begin; q < end; ++q) {
      index.ForEachWithin(queries[q], [&](uint32_t e) {
        if (owner[e] != q) parts[t].emplace_back(uint32_t(q), owner[e]);
      });
    }
  };
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) workers.emplace_back(run, t);
  run(0);
  for (std::thread& w : workers) w.join();
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (auto& part : parts) pairs.insert(pairs.end(), part.begin(), part.end());
  return pairs;
}

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

HashIndex::HashIndex(const std::vector<uint64_t>& hashes, int max_distance, size_t queries)
    : max_distance_(std::max(0, max_distance)) {
  const int bands = ChooseBands(hashes.size(), queries ? queries : hashes.size(), max_distance_);
  // Bands of 64 / bands bits each, the last taking what is left over (at most 22 bits).
  for (int b = 0, start = 0; b < bands; ++b) {
    const int bits = b + 1 < bands ? 64 / bands : 64 - start;
    bands_.push_back({start, bits});
    start += bits;
  }
  radius_ = max_distance_ / bands;
  masks_.resize(bands);
  offsets_.resize(bands);
  ids_.resize(bands);
  sorted_.resize(bands);
  for (int b = 0; b < bands; ++b) {
    masks_[b] = MasksWithin(bands_[b].bits, radius_);
    std::vector<uint32_t>& off = offsets_[b];
    off.assign((size_t(1) << bands_[b].bits) + 1, 0);
    for (uint64_t h : hashes) ++off[BandOf(h, b) + 1];
    std::partial_sum(off.begin(), off.end(), off.begin());
    std::vector<uint32_t> fill(off.begin(), off.end() - 1);
    ids_[b].resize(hashes.size());
    for (uint32_t i = 0; i < hashes.size(); ++i) ids_[b][fill[BandOf(hashes[i], b)]++] = i;
    sorted_[b].resize(hashes.size());
    for (size_t k = 0; k < hashes.size(); ++k) sorted_[b][k] = hashes[ids_[b][k]];
  }
}

uint32_t HashIndex::BandOf(uint64_t h, int b) const {
  return uint32_t((h >> bands_[b].start) & ((uint64_t(1) << bands_[b].bits) - 1));
}

int ImageDistance(const HashedImage& a, const HashedImage& b) {
  int d = std::popcount(a.hash ^ b.hash);
  for (uint64_t w : b.windows) d = std::min(d, std::popcount(a.hash ^ w));
  for (uint64_t w : a.windows) d = std::min(d, std::popcount(b.hash ^ w));
  return d;
}

std::vector<NearDuplicateMember> GroupNearDuplicates(const std::vector<HashedImage>& images,
                                                     int max_distance, int threads) {
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
  std::vector<uint64_t> queries;
  for (const HashedImage* f : files) queries.push_back(f->hash);
  const HashIndex index(entries, max_distance, queries.size());
  UnionFind sets(files.size());
  for (const auto& [k, other] : FindNearPairsInParallel(index, queries, owner, threads)) {
    sets.Join(k, other);
  }

  std::map<size_t, std::vector<const HashedImage*>> groups;  // root -> files
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

std::vector<FrameNearDuplicate> FindFrameNearDuplicates(const std::vector<HashedImage>& images,
                                                        const std::vector<HashedFrame>& frames,
                                                        int max_distance) {
  if (frames.empty()) return {};  // no index over a million images' hashes for nothing
  // One index over every image hash (whole and windows) and every frame hash; an entry's
  // owner is an image (index < images.size()) or a frame (images.size() + its index).
  std::vector<uint64_t> entries;
  std::vector<size_t> owner;
  for (size_t k = 0; k < images.size(); ++k) {
    entries.push_back(images[k].hash);
    owner.push_back(k);
    for (uint64_t w : images[k].windows) {
      entries.push_back(w);
      owner.push_back(k);
    }
  }
  for (size_t k = 0; k < frames.size(); ++k) {
    entries.push_back(frames[k].hash);
    owner.push_back(images.size() + k);
  }
  const HashIndex index(entries, max_distance, frames.size());
  // The order of preference: images first, then distance, then doc_id, then frame.
  using Rank = std::tuple<bool, int, std::string, int64_t>;
  std::vector<FrameNearDuplicate> out;
  for (const HashedFrame& f : frames) {
    std::optional<Rank> best;
    FrameNearDuplicate row;
    index.ForEachWithin(f.hash, [&](uint32_t e) {
      const size_t o = owner[e];
      const bool is_frame = o >= images.size();
      const HashedFrame* other = is_frame ? &frames[o - images.size()] : nullptr;
      if ((is_frame ? other->source_id : images[o].source_id) == f.source_id) return;
      const int d = std::popcount(f.hash ^ entries[e]);
      const std::string& doc = is_frame ? other->doc_id : images[o].doc_id;
      const int64_t frame = is_frame ? other->frame : -1;
      const Rank rank{is_frame, d, doc, frame};
      if (best && !(rank < *best)) return;
      best = rank;
      row.of_doc_id = doc;
      row.of_frame = is_frame ? std::optional<int64_t>(frame) : std::nullopt;
      row.distance = d;
    });
    if (!best) continue;
    row.doc_id = f.doc_id;
    row.frame = f.frame;
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const FrameNearDuplicate& a, const FrameNearDuplicate& b) {
    return std::tie(a.doc_id, a.frame) < std::tie(b.doc_id, b.frame);
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
