// The agreement statistics reproduce published worked examples exactly; each test names its
// source and the value printed there.
#include "core/agreement.h"

#include <gtest/gtest.h>

#include <cmath>

namespace assay::agreement {
namespace {

std::vector<std::pair<std::string, std::string>> Pairs(int yy, int yn, int ny, int nn) {
  std::vector<std::pair<std::string, std::string>> p;
  p.insert(p.end(), yy, {"yes", "yes"});
  p.insert(p.end(), yn, {"yes", "no"});
  p.insert(p.end(), ny, {"no", "yes"});
  p.insert(p.end(), nn, {"no", "no"});
  return p;
}

// Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals read by two
// readers; both yes 20, A yes B no 5, A no B yes 10, both no 15: p_o = 0.7, p_e = 0.5,
// kappa = 0.4.
TEST(CohenKappa, WikipediaSimpleExample) {
  auto k = CohenKappa(Pairs(20, 5, 10, 15));
  ASSERT_TRUE(k);
  EXPECT_NEAR(*k, 0.4, 1e-12);
}

// Wikipedia, "Cohen's kappa", section "Same percentages but different numbers": both tables
// have p_o = 0.60; kappa = 0.1304 for (45, 15, 25, 15) and 0.2593 for (25, 35, 5, 35).
TEST(CohenKappa, WikipediaSamePercentagesDifferentKappa) {
  EXPECT_NEAR(*CohenKappa(Pairs(45, 15, 25, 15)), 0.1304, 5e-5);
  EXPECT_NEAR(*CohenKappa(Pairs(25, 35, 5, 35)), 0.2593, 5e-5);
}

TEST(CohenKappa, UndefinedWithoutItemsOrWhenChanceIsCertain) {
  EXPECT_FALSE(CohenKappa({}));
  EXPECT_FALSE(CohenKappa(Pairs(5, 0, 0, 0)));  // one label only: p_e = 1
  EXPECT_NEAR(*CohenKappa(Pairs(10, 0, 0, 10)), 1.0, 1e-12);
}

// Fleiss (1971) as reproduced in Wikipedia, "Fleiss' kappa", "Worked example": 10 subjects,
// 14 raters, 5 categories; P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
TEST(FleissKappa, WikipediaWorkedExample) {
  const std::vector<std::vector<int>> counts = {
      {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
      {7, 7, 0, 0, 0},  {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
  auto k = FleissKappa(counts);
  ASSERT_TRUE(k);
  EXPECT_NEAR(*k, 0.210, 5e-4);
  EXPECT_NEAR(*k, 0.20993, 5e-6);  // unrounded
}

TEST(FleissKappa, RefusesRowsWithDifferentRaterCounts) {
  EXPECT_FALSE(FleissKappa({{2, 1}, {1, 1}}));
  EXPECT_FALSE(FleissKappa({{1, 0}, {0, 1}}));  // one rater per item
  EXPECT_FALSE(FleissKappa({}));
}

// Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", section C, "Nominal
// data, any number of observers, missing data": 4 observers, 12 units, missing values;
// alpha nominal = 0.743, interval = 0.849 (ordinal 0.815 and ratio 0.797 are not computed
// here).
std::vector<std::vector<double>> KrippendorffExampleC() {
  const double m = std::nan("");
  const std::vector<std::vector<double>> by_observer = {
      {1, 2, 3, 3, 2, 1, 4, 1, 2, m, m, m},
      {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, m, 3},
      {m, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, m},
      {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, m},
  };
  std::vector<std::vector<double>> units(12);
  for (const auto& obs : by_observer) {
    for (size_t u = 0; u < obs.size(); ++u) {
      if (!std::isnan(obs[u])) units[u].push_back(obs[u]);
    }
  }
  return units;
}

TEST(KrippendorffAlpha, NominalWithMissingData) {
  auto a = KrippendorffAlpha(KrippendorffExampleC(), Level::kNominal);
  ASSERT_TRUE(a);
  EXPECT_NEAR(*a, 0.743, 5e-4);
}

TEST(KrippendorffAlpha, IntervalWithMissingData) {
  auto a = KrippendorffAlpha(KrippendorffExampleC(), Level::kInterval);
  ASSERT_TRUE(a);
  EXPECT_NEAR(*a, 0.849, 5e-4);
}

TEST(KrippendorffAlpha, PerfectAgreementIsOneAndNoPairsIsUndefined) {
  EXPECT_NEAR(*KrippendorffAlpha({{1, 1}, {2, 2, 2}, {3}}, Level::kNominal), 1.0, 1e-12);
  EXPECT_FALSE(KrippendorffAlpha({{1}, {2}}, Level::kNominal));
  EXPECT_FALSE(KrippendorffAlpha({{1, 1}}, Level::kNominal));  // no expected disagreement
}

TEST(Consensus, MajorityUnanimityAndWeighted) {
  const std::vector<Vote> votes = {{"ann", "yes"}, {"bob", "yes"}, {"cy", "no"}};
  Consensus m = Decide(votes, ConsensusRule::kMajority);
  EXPECT_EQ(m.label, "yes");
  EXPECT_NEAR(m.agreement, 2.0 / 3, 1e-12);
  Consensus u = Decide(votes, ConsensusRule::kUnanimity);
  EXPECT_FALSE(u.label);
  EXPECT_EQ(u.leading, "yes");
  // A reliable dissenter outweighs two weak annotators.
  Consensus w = Decide(votes, ConsensusRule::kWeighted, {{"ann", 0.2}, {"bob", 0.2}, {"cy", 0.9}});
  EXPECT_EQ(w.label, "no");
  EXPECT_NEAR(w.agreement, 0.9 / 1.3, 1e-12);
  // A tie has no majority; the leading label is the smallest.
  Consensus t = Decide({{"a", "b"}, {"c", "a"}}, ConsensusRule::kMajority);
  EXPECT_FALSE(t.label);
  EXPECT_EQ(t.leading, "a");
  EXPECT_FALSE(Decide({}, ConsensusRule::kMajority).label);
}

TEST(Consensus, ReliabilityIsLaplaceSmoothed) {
  EXPECT_DOUBLE_EQ(Reliability(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(Reliability(8, 8), 0.9);
  EXPECT_DOUBLE_EQ(Reliability(0, 8), 0.1);
}

}  // namespace
}  // namespace assay::agreement
