// near_dup_bench: how the near-duplicate grouping (core/near_duplicates.h) scales. Makes N
// synthetic 64-bit hashes (random originals, a tenth of them with a copy a few bits away),
// then times the multi-index grouping at a threshold, and all-pairs comparison on a sample to
// extrapolate what the index saves. docs/image_checks.md has the figures.
// Usage: near_dup_bench N [MAX_DISTANCE] [BRUTE_SAMPLE] [WINDOWS]
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
    std::fprintf(stderr, "usage: near_dup_bench N [MAX_DISTANCE] [BRUTE_SAMPLE]\n");
    return 2;
  }
  const size_t n = std::strtoull(argv[1], nullptr, 10);
  const int d = argc > 2 ? std::atoi(argv[2]) : kNearDuplicateMaxDistance;
  const size_t sample = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20000;
  const int windows = argc > 4 ? std::atoi(argv[4]) : 5;  // window hashes per image (random)
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
  size_t not_kept = 0;
  for (const auto& m : members) not_kept += !m.kept;

  // All pairs on a sample, extrapolated by n² / sample².
  const size_t s = std::min(sample, n);
  const double t1 = Now();
  size_t close = 0;
  for (size_t i = 0; i < s; ++i)
    for (size_t j = i + 1; j < s; ++j) close += ImageDistance(images[i], images[j]) <= d;
  const double brute = (Now() - t1) * (double(n) * n) / (double(s) * s);
  std::printf("n=%zu max_distance=%d grouped_in=%.3fs members=%zu not_kept=%zu "
              "all_pairs_estimate=%.1fs (from %zu, %zu close)\n",
              n, d, grouped, members.size(), not_kept, brute, s, close);
  return 0;
}
