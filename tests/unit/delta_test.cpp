#include "core/delta.h"

#include <gtest/gtest.h>

namespace assay {
namespace {

// Applying the delta reproduces `after` byte for byte, whatever the two contents.
void ExpectRoundTrip(const CanonicalJson& before, const CanonicalJson& after) {
  const CanonicalJson delta = ContentDelta(before, after);
  EXPECT_EQ(DumpCanonical(ApplyDelta(before, delta)), DumpCanonical(after))
      << "delta " << delta.dump();
}

TEST(DeltaTest, NothingChangedIsAnEmptyDelta) {
  const CanonicalJson doc = {{"pages", {{{"page", 1}, {"blocks", CanonicalJson::array()}}}},
                             {"metrics", {{"a", 1.5}}}};
  EXPECT_TRUE(ContentDelta(doc, doc).empty());
  // A parsed copy holds non-negative integers as unsigned: still the same content.
  const CanonicalJson parsed = CanonicalJson::parse(doc.dump());
  EXPECT_TRUE(SameContent(doc, parsed));
  EXPECT_TRUE(ContentDelta(doc, parsed).empty());
}

TEST(DeltaTest, AnIntegerBecomingAFloatIsAChange) {
  // 60 and 60.0 dump differently: a delta that missed it would not rebuild the bytes.
  const CanonicalJson a = {{"v", 60}}, b = {{"v", 60.0}};
  EXPECT_FALSE(SameContent(a, b));
  EXPECT_EQ(ContentDelta(a, b).size(), 1u);
  ExpectRoundTrip(a, b);
}

TEST(DeltaTest, ObjectsAndArraysAreWalkedBothWays) {
  const CanonicalJson before = {
      {"metrics", {{"a", 1}, {"gone", 2}}},
      {"pages", {{{"blocks", {1, 2, 3}}, {"page", 1}}, {{"blocks", {4}}, {"page", 2}}}},
      {"odd/key~", "x"}};
  const CanonicalJson after = {
      {"metrics", {{"a", 1}, {"new", 3}}},
      {"pages", {{{"blocks", {1, 9}}, {"page", 1}, {"rasters", {{{"dpi", 300}}}}}}},
      {"odd/key~", "y"}};
  ExpectRoundTrip(before, after);
  ExpectRoundTrip(after, before);
  ExpectRoundTrip(CanonicalJson::object(), after);
  ExpectRoundTrip(after, CanonicalJson::object());
}

TEST(DeltaTest, StateIdentityChainsDeltasAndStaysWhenNothingChanged) {
  const std::string s1 = NextStateSha256("first", "d1", false);
  EXPECT_NE(s1, "first");
  EXPECT_EQ(NextStateSha256(s1, "empty", true), s1);
  EXPECT_NE(NextStateSha256(s1, "d2", false), NextStateSha256("other", "d2", false));
}

}  // namespace
}  // namespace assay
