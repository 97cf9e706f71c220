// MinHash + LSH near-duplicate detection: normalisation, the estimate against exact Jaccard,
// and grouping (near duplicates found, unrelated texts left apart).
#include "core/minhash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace assay::minhash {
namespace {

// A deterministic text of `n` words drawn from a 2,000-word vocabulary.
std::string Text(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  for (int i = 0; i < n; ++i) s += "w" + std::to_string(rng() % 2000) + " ";
  return s;
}

TEST(MinHash, NormalisesCasePunctuationAndSpacing) {
  EXPECT_EQ(NormalizedWords("Hello,  WORLD!\n\tIt's 42."),
            (std::vector<std::string>{"hello", "world", "it", "s", "42"}));
  EXPECT_EQ(NormalizedTextHash(NormalizedWords("The cat sat.")),
            NormalizedTextHash(NormalizedWords("the   CAT -- sat")));
  EXPECT_NE(NormalizedTextHash(NormalizedWords("the cat sat")),
            NormalizedTextHash(NormalizedWords("the cat sat down")));
  // UTF-8 letters are kept inside words
  EXPECT_EQ(NormalizedWords("Größe über"), (std::vector<std::string>{"größe", "über"}));
}

TEST(MinHash, SignatureIsDeterministicAndEmptyForEmptyText) {
  const Params p;
  const auto words = NormalizedWords(Text(100, 1));
  EXPECT_EQ(Signature(words, p), Signature(words, p));
  EXPECT_EQ(Signature(words, p).size(), 128u);
  EXPECT_TRUE(Signature({}, p).empty());
  EXPECT_EQ(EstimatedJaccard({}, Signature(words, p)), 0);
}

TEST(MinHash, EstimateTracksExactJaccard) {
  const Params p;
  // Replace a growing share of the words of one text: the estimate follows the exact Jaccard
  // of the shingle sets within 0.12 (128 hashes: standard error <= 0.045).
  const auto base = NormalizedWords(Text(400, 7));
  for (int changed : {0, 5, 20, 60, 200}) {
    auto other = base;
    for (int i = 0; i < changed; ++i) other[(i * 37) % other.size()] = "x" + std::to_string(i);
    const double exact = ShingleJaccard(base, other, p.shingle_words);
    const double est = EstimatedJaccard(Signature(base, p), Signature(other, p));
    EXPECT_NEAR(est, exact, 0.12) << changed << " words changed";
  }
}

TEST(MinHash, GroupsNearDuplicatesAndLeavesOthersApart) {
  const Params p;
  const auto a = NormalizedWords(Text(300, 11));
  auto a_edit = a;
  a_edit[150] = "typo";  // one word changed in 300: Jaccard ~0.97
  const auto b = NormalizedWords(Text(300, 12));
  auto b_copy = b;
  const auto c = NormalizedWords(Text(300, 13));
  std::vector<std::vector<uint32_t>> sigs = {Signature(a, p), Signature(b, p), Signature(a_edit, p),
                                             Signature(c, p), Signature(b_copy, p), {}};
  const auto groups = NearDuplicateGroups(sigs, p);
  EXPECT_EQ(groups, (std::vector<std::vector<size_t>>{{0, 2}, {1, 4}}));
}

TEST(MinHash, DoesNotGroupTextsBelowTheThreshold) {
  const Params p;
  const auto a = NormalizedWords(Text(300, 21));
  auto half = a;
  for (size_t i = 0; i < half.size(); i += 3) half[i] = "z" + std::to_string(i);  // J ~ 0.1
  EXPECT_LT(ShingleJaccard(a, half, p.shingle_words), 0.5);
  EXPECT_TRUE(NearDuplicateGroups({Signature(a, p), Signature(half, p)}, p).empty());
}

}  // namespace
}  // namespace assay::minhash
