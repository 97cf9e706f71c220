#include "core/text_metrics.h"

#include <gtest/gtest.h>

namespace assay {
namespace {

TEST(TextMetricsTest, NormalizeWhitespaceCollapsesAndTrims) {
  EXPECT_EQ(NormalizeWhitespace("  a \n\n b\t\fc  "), "a b c");
  EXPECT_EQ(NormalizeWhitespace(""), "");
  EXPECT_EQ(NormalizeWhitespace(" \n "), "");
}

struct CerCase {
  const char* hyp;
  const char* ref;
  double cer;
};

TEST(TextMetricsTest, CharacterErrorRateTable) {
  const CerCase cases[] = {
      {"abc", "abc", 0.0},
      {"abd", "abc", 1.0 / 3},
      {"ab", "abc", 1.0 / 3},
      {"abcd", "abc", 1.0 / 3},
      {"", "abc", 1.0},
      {"x", "", 1.0},
      {"", "", 0.0},
      {"kitten", "sitting", 3.0 / 7},
      // Code points, not bytes: one substituted umlaut is one error.
      {"Grusse", "Grüsse", 1.0 / 6},
      {"Grüße", "Grüsse", 2.0 / 6},
  };
  for (const CerCase& c : cases) {
    EXPECT_NEAR(CharacterErrorRate(c.hyp, c.ref), c.cer, 1e-12) << c.hyp << " vs " << c.ref;
  }
}

}  // namespace
}  // namespace assay
