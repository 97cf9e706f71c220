// Disjoint sets over 0..n-1 (union by smallest index, path halving): the grouping step of the
// text near-duplicates (core/minhash.h) and the image near-duplicates (core/near_duplicates.h).
// A set's root is its smallest member, so groups come out the same whatever the join order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace assay {

struct UnionFind {
  std::vector<size_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), size_t{0}); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(size_t a, size_t b) {
    a = Find(a), b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace assay
