// Release splits and options: grouping is transitive, a group never straddles splits, the
// draw is deterministic per release name and close to the shares asked; option parsing
// refuses what it cannot honour.
#include "core/release_splits.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "core/release_options.h"

namespace assay {
namespace {

std::string DocId(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08d", i);
  return buf;
}

TEST(ReleaseSplits, GroupsShareKeysTransitively) {
  // 0-1 share a source, 1-3 an image: {0,1,3}; 2 alone; 4-5 share a source.
  const auto g = GroupByKeys({{"source:a"}, {"source:a", "image:x"}, {"source:b"}, {"image:x"}, {"source:c"},
                              {"source:c"}});
  EXPECT_EQ(g, (std::vector<size_t>{0, 0, 2, 0, 4, 4}));
}

TEST(ReleaseSplits, DeterministicGroupedAndCloseToShares) {
  const auto parts = ParseSplits("train=0.8,val=0.1,test=0.1").value();
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> keys;
  for (int i = 0; i < 20000; ++i) {
    ids.push_back(DocId(i));
    keys.push_back({"source:" + std::to_string(i / 2)});  // pairs share a source
  }
  const auto groups = GroupByKeys(keys);
  const auto a = AssignSplits("v1", ids, groups, parts);
  EXPECT_EQ(a, AssignSplits("v1", ids, groups, parts));
  EXPECT_NE(a, AssignSplits("v2", ids, groups, parts));  // seeded by the name
  std::map<std::string, int> n;
  for (size_t i = 0; i < a.size(); ++i) {
    ++n[a[i]];
    if (i % 2 == 1) {
      EXPECT_EQ(a[i], a[i - 1]) << "a source straddles splits";
    }
  }
  EXPECT_NEAR(n["train"] / 20000.0, 0.8, 0.02);
  EXPECT_NEAR(n["val"] / 20000.0, 0.1, 0.02);
  EXPECT_NEAR(n["test"] / 20000.0, 0.1, 0.02);
  EXPECT_EQ(AssignSplits("v1", ids, groups, {}), std::vector<std::string>(ids.size()));
}

TEST(ReleaseSplits, LeakageKeysOfRecords) {
  const Json photo = Json::parse(R"({"source": {"sha256": "s1"}, "modality": "photo", "images": [{"page": 1}]})");
  EXPECT_EQ(LeakageKeys(photo), (std::vector<std::string>{"source:s1", "image:s1"}));
  const Json hashed = Json::parse(R"({"source": {"sha256": "s2"}, "modality": "pdf_text",
                                      "images": [{"phash": "ff00"}]})");
  EXPECT_EQ(LeakageKeys(hashed), (std::vector<std::string>{"source:s2", "image:ff00"}));
}

TEST(ReleaseOptions, ParsesAndRefuses) {
  EXPECT_EQ(ParseSplits("a=0.5,b=0.5").value().size(), 2u);
  EXPECT_FALSE(ParseSplits("a=0.5,b=0.4").ok());   // sum
  EXPECT_FALSE(ParseSplits("a=0.5,a=0.5").ok());   // twice
  EXPECT_FALSE(ParseSplits("A=1").ok());           // name
  EXPECT_FALSE(ParseSplits("a=nan").ok());
  EXPECT_FALSE(ParseSplits("a").ok());
  auto r = ParseMetricRange("ocr.mean_confidence:80:");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().name, "ocr.mean_confidence");
  EXPECT_EQ(r.value().min, 80);
  EXPECT_TRUE(std::isinf(r.value().max));
  EXPECT_FALSE(ParseMetricRange("x:2:1").ok());
  EXPECT_FALSE(ParseMetricRange("x:inf:").ok());
  EXPECT_FALSE(ParseMetricRange("x").ok());
  EXPECT_TRUE(CheckReleaseName("v1.2_rc-3").ok());
  EXPECT_FALSE(CheckReleaseName("../x").ok());
  EXPECT_FALSE(CheckReleaseName("").ok());
  EXPECT_FALSE(CheckReleaseName(".hidden").ok());
}

}  // namespace
}  // namespace assay
