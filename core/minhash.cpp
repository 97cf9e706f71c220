#include "core/minhash.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/sha256.h"
#include "core/union_find.h"

namespace assay::minhash {
namespace {

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// SplitMix64's finaliser: a strong 64-bit mix, so hash i of a shingle is Mix(shingle ^ seed_i).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::vector<uint64_t> ShingleHashes(const std::vector<std::string>& words, int k) {
  std::vector<uint64_t> out;
  if (words.empty()) return out;
  const size_t n = words.size() < static_cast<size_t>(k) ? 1 : words.size() - k + 1;
  const size_t width = std::min(words.size(), static_cast<size_t>(k));
  std::string shingle;
  for (size_t i = 0; i < n; ++i) {
    shingle.clear();
    for (size_t j = 0; j < width; ++j) {
      if (j > 0) shingle += ' ';
      shingle += words[i + j];
    }
    out.push_back(Fnv1a(shingle));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

std::vector<std::string> NormalizedWords(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      cur += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      cur += static_cast<char>(c - 'A' + 'a');
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

std::string NormalizedTextHash(const std::vector<std::string>& words) {
  Sha256 h;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) h.Update(" ");
    h.Update(words[i]);
  }
  return h.Hex();
}

std::vector<uint32_t> Signature(const std::vector<std::string>& words, const Params& params) {
  const std::vector<uint64_t> shingles = ShingleHashes(words, params.shingle_words);
  if (shingles.empty()) return {};
  std::vector<uint32_t> sig(params.num_hashes, UINT32_MAX);
  for (int i = 0; i < params.num_hashes; ++i) {
    const uint64_t seed = Mix(0x5eed0000ull + static_cast<uint64_t>(i));
    uint32_t best = UINT32_MAX;
    for (uint64_t s : shingles) best = std::min(best, static_cast<uint32_t>(Mix(s ^ seed) >> 32));
    sig[i] = best;
  }
  return sig;
}

double EstimatedJaccard(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.empty() || b.empty() || a.size() != b.size()) return 0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(a.size());
}

double ShingleJaccard(const std::vector<std::string>& a, const std::vector<std::string>& b,
                      int shingle_words) {
  const std::vector<uint64_t> x = ShingleHashes(a, shingle_words), y = ShingleHashes(b, shingle_words);
  if (x.empty() || y.empty()) return 0;
  std::vector<uint64_t> both;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(both));
  return static_cast<double>(both.size()) /
         static_cast<double>(x.size() + y.size() - both.size());
}

std::vector<std::vector<size_t>> NearDuplicateGroups(
    const std::vector<std::vector<uint32_t>>& signatures, const Params& params) {
  const int rows = params.num_hashes / params.bands;
  UnionFind uf(signatures.size());
  for (int band = 0; band < params.bands; ++band) {
    // Bucket by the band's rows; only members of one bucket are compared.
    std::unordered_map<uint64_t, std::vector<size_t>> buckets;
    for (size_t i = 0; i < signatures.size(); ++i) {
      const auto& sig = signatures[i];
      if (sig.size() != static_cast<size_t>(params.num_hashes)) continue;
      uint64_t h = Mix(static_cast<uint64_t>(band));
      for (int r = 0; r < rows; ++r) h = Mix(h ^ sig[band * rows + r]);
      buckets[h].push_back(i);
    }
    for (auto& [key, members] : buckets) {
      if (members.size() < 2) continue;
      // Compare each member with the bucket's members already kept as group anchors; a bucket
      // of k identical texts costs k comparisons, not k^2.
      std::vector<size_t> anchors;
      for (size_t m : members) {
        bool joined = false;
        for (size_t a : anchors) {
          if (uf.Find(a) == uf.Find(m)) {
            joined = true;
            break;
          }
          if (EstimatedJaccard(signatures[a], signatures[m]) >= params.threshold) {
            uf.Join(a, m);
            joined = true;
            break;
          }
        }
        if (!joined) anchors.push_back(m);
      }
    }
  }
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < signatures.size(); ++i) groups[uf.Find(i)].push_back(i);
  std::vector<std::vector<size_t>> out;
  for (auto& [root, members] : groups) {
    if (members.size() > 1) out.push_back(std::move(members));
  }
  return out;
}

}  // namespace assay::minhash
