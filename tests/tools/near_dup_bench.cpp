// near_dup_bench: how the near-duplicate grouping (core/near_duplicates.h) scales. Makes N
// synthetic images of uniform random 64-bit hashes (whole + WINDOWS windows; every tenth image
// a copy of the one before, its whole hash 1..MAX_DISTANCE bits from it), then times the
// multi-index grouping at a threshold, counts the planted copies found and the accidental
// members (images in a group that were not planted as copies: chance matches), and times
// all-pairs comparison on a sample to extrapolate what the index saves (BRUTE_SAMPLE 0: skip).
// docs/image_checks.md has the figures.
// Usage: near_dup_bench N [MAX_DISTANCE] [BRUTE_SAMPLE] [WINDOWS]
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "core/near_duplicates.h"

using namespace assay;

namespace {
double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: near_dup_bench N [MAX_DISTANCE] [BRUTE_SAMPLE] [WINDOWS]\n");
    return 2;
  }
  const size_t n = std::strtoull(argv[1], nullptr, 10);
  const int d = argc > 2 ? std::atoi(argv[2]) : kNearDuplicateMaxDistance;
  const size_t sample = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20000;
  const int windows = argc > 4 ? std::atoi(argv[4]) : 18;  // per image, as ImageHashes makes
  std::mt19937_64 rng(1);
  std::vector<HashedImage> images;
  images.reserve(n);
  char id[32];
  for (size_t i = 0; i < n; ++i) {
    uint64_t h = rng();
    if (i % 10 == 9) {  // a copy of the previous image, 1..d bits away
      h = images.back().hash;
      for (int f = 1 + int(rng() % d); f > 0; --f) h ^= uint64_t(1) << (rng() % 64);
    }
    std::snprintf(id, sizeof id, "%016zu", i);
    HashedImage im{id, id, h, {}, double(rng() % 1000), double(rng() % 100)};
    for (int w = 0; w < windows; ++w) im.windows.push_back(rng());
    images.push_back(std::move(im));
  }
  const double t0 = Now();
  const std::vector<NearDuplicateMember> members = GroupNearDuplicates(images, d);
  const double grouped = Now() - t0;
  size_t not_kept = 0, planted_found = 0, accidental = 0, largest = 0;
  std::map<std::string, size_t> group_size;
  std::map<size_t, std::string> group_of;  // image index -> group id
  for (const auto& m : members) {
    not_kept += !m.kept;
    largest = std::max(largest, ++group_size[m.group_id]);
    group_of[std::stoull(m.doc_id)] = m.group_id;
  }
  for (const auto& [i, group] : group_of) {
    if (i % 10 == 9) {  // a planted copy: found when in one group with its original
      auto original = group_of.find(i - 1);
      if (original != group_of.end() && original->second == group) planted_found += 2;
    } else if (i % 10 != 8) {
      ++accidental;
    }
  }

  // All pairs on a sample, extrapolated by n² / sample².
  std::printf("n=%zu windows=%d max_distance=%d grouped_in=%.3fs members=%zu not_kept=%zu "
              "planted_members=%zu found=%zu accidental_members=%zu largest_group=%zu\n",
              n, windows, d, grouped, members.size(), not_kept, 2 * (n / 10), planted_found,
              accidental, largest);
  if (sample == 0) return 0;
  const size_t s = std::min(sample, n);
  const double t1 = Now();
  size_t close = 0;
  for (size_t i = 0; i < s; ++i)
    for (size_t j = i + 1; j < s; ++j) close += ImageDistance(images[i], images[j]) <= d;
  const double brute = (Now() - t1) * (double(n) * n) / (double(s) * s);
  std::printf("all_pairs_estimate=%.1fs (from %zu, %zu close)\n", brute, s, close);
  return 0;
}
