// GrayHistogram and GrayRankValue (core/gray_histogram.h) against Leptonica's own
// pixGetGrayHistogram and pixGetRankValue, which they replace for speed: the same counts and
// the same rank values, on widths that are and are not multiples of four, every sampling
// factor the stages use, and pages mostly of one level (paper) or spread over all of them.
#include "core/gray_histogram.h"

#include <gtest/gtest.h>
#include <leptonica/allheaders.h>

#include <random>

namespace assay {
namespace {

Pix* NoisyPage(int w, int h, uint32_t seed, bool mostly_paper) {
  Pix* pix = pixCreate(w, h, 8);
  std::mt19937 rng(seed);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const uint32_t r = rng();
      const int v = mostly_paper && r % 10 != 0 ? 250 + int(r % 6) : int(r % 256);
      pixSetPixel(pix, x, y, v);
    }
  }
  return pix;
}

TEST(GrayHistogram, CountsWhatLeptonicaCounts) {
  for (int w : {1, 3, 4, 101, 640}) {
    for (bool paper : {true, false}) {
      Pix* pix = NoisyPage(w, 37, 7 + w, paper);
      for (int factor : {1, 2, 3, 5}) {
        GrayCounts counts;
        ASSERT_TRUE(GrayHistogram(pix, factor, &counts));
        NUMA* na = pixGetGrayHistogram(pix, factor);
        for (int v = 0; v < 256; ++v) {
          l_float32 c = 0;
          numaGetFValue(na, v, &c);
          ASSERT_EQ(counts[v], static_cast<uint32_t>(c)) << "w " << w << " factor " << factor;
        }
        numaDestroy(&na);
        for (double rank : {0.0, 0.005, 0.1, 0.5, 0.9, 0.95, 1.0}) {
          l_uint32 expected = 0;
          pixGetRankValue(pix, factor, static_cast<l_float32>(rank), &expected);
          uint32_t got = 0;
          ASSERT_TRUE(GrayRankValue(pix, factor, rank, &got));
          EXPECT_EQ(got, expected) << "w " << w << " factor " << factor << " rank " << rank;
        }
      }
      pixDestroy(&pix);
    }
  }
}

TEST(RankOfCounts, IsLeptonicasUnroundedRankValue) {
  Pix* pix = NoisyPage(101, 37, 3, true);
  GrayCounts counts;
  ASSERT_TRUE(GrayHistogram(pix, 1, &counts));
  for (float rank : {0.0f, 0.02f, 0.5f, 0.95f, 1.0f}) {
    l_float32 expected = 0;
    pixGetRankValueMasked(pix, nullptr, 0, 0, 1, rank, &expected, nullptr);
    EXPECT_EQ(static_cast<float>(RankOfCounts(counts, rank)), expected) << rank;
  }
  pixDestroy(&pix);
}

TEST(GrayHistogram, OtherDepthsAreRefusedOrLeftToLeptonica) {
  Pix* binary = pixCreate(40, 40, 1);
  GrayCounts counts;
  EXPECT_FALSE(GrayHistogram(binary, 1, &counts));
  Pix* rgb = pixCreate(40, 40, 32);
  pixSetAllArbitrary(rgb, 0x80808000);
  uint32_t got = 0;
  l_uint32 expected = 0;
  pixGetRankValue(rgb, 1, 0.5f, &expected);
  EXPECT_TRUE(GrayRankValue(rgb, 1, 0.5, &got));
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(GrayRankValue(nullptr, 1, 0.5, &got));
  pixDestroy(&binary);
  pixDestroy(&rgb);
}

}  // namespace
}  // namespace assay
