// Text duplicates: a normalised text hash for exact duplicates, and MinHash signatures over
// word shingles with banded locality-sensitive hashing (LSH) for near duplicates. Pure
// functions, no I/O; deterministic (fixed seeds), so release splits and dedup are stable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace assay::minhash {

struct Params {
  int shingle_words = 5;     // a shingle is this many consecutive words
  int num_hashes = 128;      // signature length = bands * rows
  int bands = 16;            // LSH: 16 bands of 8 rows (a pair is a candidate from J ~ 0.7)
  double threshold = 0.8;    // estimated Jaccard at or above which two texts are near dups
  int min_words = 8;         // shorter texts take part in neither exact nor near dedup
};

// The words of `text` after normalisation: ASCII letters lower-cased, every run of bytes that
// are not ASCII letters or digits (or UTF-8 bytes >= 0x80, kept as letters) is a separator.
std::vector<std::string> NormalizedWords(std::string_view text);

// SHA-256 (hex) of the normalised words joined by one space: equal for texts that differ only
// in case, punctuation and spacing.
std::string NormalizedTextHash(const std::vector<std::string>& words);

// The MinHash signature (params.num_hashes values) of the set of word shingles. A text with
// fewer words than a shingle has one shingle (all its words). Empty for an empty text.
std::vector<uint32_t> Signature(const std::vector<std::string>& words, const Params& params);

// Share of equal positions of two signatures of the same length: an unbiased estimate of the
// Jaccard similarity of the two shingle sets. 0 when either is empty.
double EstimatedJaccard(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

// Exact Jaccard similarity of the two texts' shingle sets (for tests and verification).
double ShingleJaccard(const std::vector<std::string>& a, const std::vector<std::string>& b,
                      int shingle_words);

// Groups of near duplicates among `signatures` (indices into it): pairs that share an LSH
// band bucket and whose estimated Jaccard is at least params.threshold, closed transitively.
// Only groups of two or more; each group sorted, groups ordered by their first index. Empty
// signatures never group.
std::vector<std::vector<size_t>> NearDuplicateGroups(
    const std::vector<std::vector<uint32_t>>& signatures, const Params& params);

}  // namespace assay::minhash
