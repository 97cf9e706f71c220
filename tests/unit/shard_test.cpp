// Shards (core/shard.h): parsing K/N, taking K and N from Slurm's and Kubernetes' environment,
// and the stable ownership of inputs.
#include "core/shard.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace assay {
namespace {

using Env = std::map<std::string, std::string>;

Result<std::optional<ShardSpec>> Resolve(const std::string& option, std::optional<int> shards,
                                         const Env& env) {
  return ResolveShard(option, shards, [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(ShardTest, ParsesKOfN) {
  auto s = ParseShard("3/4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value().index, 3);
  EXPECT_EQ(s.value().count, 4);
  EXPECT_EQ(s.value().Text(), "3/4");
  EXPECT_EQ(s.value().MarkerName(), "shard-3-of-4.done");
  for (const char* bad :
       {"4/4", "-1/4", "1/0", "1", "a/4", "1/4x", "+1/4", " 1/4", "1/2000000", ""}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(ShardTest, OptionWinsOverEnvironment) {
  auto r = Resolve("1/3", std::nullopt, {{"SLURM_ARRAY_TASK_ID", "2"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->Text(), "1/3");
  EXPECT_FALSE(Resolve("1/3", 4, {}).ok());  // --shard and --shards disagree
}

TEST(ShardTest, NotShardedWithoutOptionOrArray) {
  auto r = Resolve("", std::nullopt, {});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().has_value());
  EXPECT_FALSE(Resolve("", 4, {}).ok());  // N without K
}

TEST(ShardTest, SlurmArrayZeroToNMinusOne) {
  const Env env = {{"SLURM_ARRAY_TASK_ID", "2"},
                   {"SLURM_ARRAY_TASK_COUNT", "4"},
                   {"SLURM_ARRAY_TASK_MIN", "0"},
                   {"SLURM_ARRAY_TASK_MAX", "3"},
                   {"SLURM_ARRAY_TASK_STEP", "1"}};
  auto r = Resolve("", std::nullopt, env);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()->Text(), "2/4");
}

TEST(ShardTest, SlurmResubmissionNeedsShards) {
  // `sbatch --array=2,5` re-submits two failed shards of 8: COUNT=2 is not the shard count.
  const Env env = {{"SLURM_ARRAY_TASK_ID", "5"},
                   {"SLURM_ARRAY_TASK_COUNT", "2"},
                   {"SLURM_ARRAY_TASK_MIN", "2"},
                   {"SLURM_ARRAY_TASK_MAX", "5"}};
  auto refused = Resolve("", std::nullopt, env);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("--shards N"), std::string::npos);
  auto r = Resolve("", 8, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->Text(), "5/8");
  // --array=0-6:2 has COUNT=4 but ids 0,2,4,6: not 0..3.
  EXPECT_FALSE(Resolve("", std::nullopt,
                       {{"SLURM_ARRAY_TASK_ID", "6"},
                        {"SLURM_ARRAY_TASK_COUNT", "4"},
                        {"SLURM_ARRAY_TASK_MIN", "0"},
                        {"SLURM_ARRAY_TASK_MAX", "6"},
                        {"SLURM_ARRAY_TASK_STEP", "2"}})
                   .ok());
  EXPECT_FALSE(Resolve("", 4, {{"SLURM_ARRAY_TASK_ID", "4"}}).ok());   // K out of range
  EXPECT_FALSE(Resolve("", 4, {{"SLURM_ARRAY_TASK_ID", "x1"}}).ok());  // not a number
}

TEST(ShardTest, KubernetesIndexNeedsShards) {
  EXPECT_FALSE(Resolve("", std::nullopt, {{"JOB_COMPLETION_INDEX", "1"}}).ok());
  auto r = Resolve("", 3, {{"JOB_COMPLETION_INDEX", "1"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()->Text(), "1/3");
}

TEST(ShardTest, EveryInputHasExactlyOneStableOwner) {
  // Fixed values: the split must not change between builds, machines or runs (a change would
  // make a re-submitted shard process other inputs than the first attempt).
  EXPECT_TRUE(ShardOwns({0, 1}, "anything"));
  std::map<int, int> per_shard;
  for (int i = 0; i < 1000; ++i) {
    const std::string path = "dir/file-" + std::to_string(i) + ".png";
    int owners = 0;
    for (int k = 0; k < 4; ++k) {
      if (ShardOwns({k, 4}, path)) {
        ++owners;
        ++per_shard[k];
      }
    }
    EXPECT_EQ(owners, 1) << path;
  }
  for (const auto& [k, n] : per_shard) {
    EXPECT_GT(n, 200) << "shard " << k;  // a fair split: 250 expected
    EXPECT_LT(n, 300) << "shard " << k;
  }
  // SHA-256("scans/c.png") starts with e1d1c232c619bf84; that modulo 7 is 6 (computed
  // independently with Python's hashlib, pinned here).
  int owner = -1;
  for (int k = 0; k < 7; ++k) {
    if (ShardOwns({k, 7}, "scans/c.png")) owner = k;
  }
  EXPECT_EQ(owner, 6);
}

TEST(ShardTest, MarkerNamesRoundTrip) {
  EXPECT_EQ(ShardOfMarkerName("shard-2-of-4.done")->Text(), "2/4");
  EXPECT_FALSE(ShardOfMarkerName("shard-4-of-4.done"));
  EXPECT_FALSE(ShardOfMarkerName("shard-2-of-4.done.tmp"));
  EXPECT_FALSE(ShardOfMarkerName("assay.db"));
}

}  // namespace
}  // namespace assay
