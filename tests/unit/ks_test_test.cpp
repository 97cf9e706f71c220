// The two-sample Kolmogorov–Smirnov test: the statistic on hand-computed cases and p-values
// that separate shifted from identical distributions.
#include "core/ks_test.h"

#include <gtest/gtest.h>

#include <random>

namespace assay {
namespace {

TEST(KolmogorovSmirnov, StatisticOnSmallSamples) {
  EXPECT_DOUBLE_EQ(KolmogorovSmirnov({1, 2, 3}, {1, 2, 3}).d, 0);
  EXPECT_DOUBLE_EQ(KolmogorovSmirnov({1, 2, 3}, {4, 5, 6}).d, 1);
  // CDFs of {1,2,3,4} and {3,4,5,6}: the largest gap is at x = 2 (0.5 vs 0).
  EXPECT_DOUBLE_EQ(KolmogorovSmirnov({1, 2, 3, 4}, {3, 4, 5, 6}).d, 0.5);
  const KsResult empty = KolmogorovSmirnov({}, {1});
  EXPECT_EQ(empty.d, 0);
  EXPECT_EQ(empty.p_value, 1);
}

TEST(KolmogorovSmirnov, PValueSeparatesShiftFromNoise) {
  std::mt19937 rng(3);
  std::normal_distribution<double> n01(0, 1), n05(0.5, 1);
  std::vector<double> a, b, c;
  for (int i = 0; i < 500; ++i) {
    a.push_back(n01(rng));
    b.push_back(n01(rng));
    c.push_back(n05(rng));
  }
  EXPECT_GT(KolmogorovSmirnov(a, b).p_value, 0.05);
  EXPECT_LT(KolmogorovSmirnov(a, c).p_value, 1e-6);
  // D = 0.5 with n = m = 20: p = Q_KS((sqrt(10) + 0.12 + 0.11 / sqrt(10)) * 0.5) = 0.00816
  // (the series summed independently; the same asymptotic form as Numerical Recipes' kstwo).
  std::vector<double> x, y;
  for (int i = 0; i < 20; ++i) {
    x.push_back(i);
    y.push_back(i + 10);
  }
  const KsResult r = KolmogorovSmirnov(x, y);
  EXPECT_DOUBLE_EQ(r.d, 0.5);
  EXPECT_NEAR(r.p_value, 0.00816, 0.0001);
}

}  // namespace
}  // namespace assay
