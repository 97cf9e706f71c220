// WebDataset shards: byte-identical when written twice, cut at the shard size without
// splitting a sample, read back whole.
#include "core/tar_shards.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include "core/sha256.h"

namespace assay {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("assay-tar-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<fs::path> Write(const fs::path& dir, uint64_t max_bytes) {
  ShardWriter w(dir, "train", max_bytes);
  for (int i = 0; i < 5; ++i) {
    const std::string key = "doc" + std::to_string(i);
    EXPECT_TRUE(w.Add({{key + ".png", std::string(3000, static_cast<char>('a' + i))},
                       {key + ".json", "{\"i\":" + std::to_string(i) + "}\n"}})
                    .ok());
  }
  return w.Close().value();
}

TEST(TarShards, DeterministicAndCutAtTheShardSize) {
  const fs::path a = TempDir("a"), b = TempDir("b");
  // Each sample takes 512+3072 + 512+512 = 4608 bytes: two fit in 10,000, so 3 shards.
  const auto sa = Write(a, 10000), sb = Write(b, 10000);
  ASSERT_EQ(sa.size(), 3u);
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].filename(), sb[i].filename());
    EXPECT_EQ(Sha256File(sa[i]), Sha256File(sb[i])) << "shards differ between two writes";
  }
  EXPECT_EQ(sa[0].filename(), "train-000000.tar");
  auto entries = ListTar(sa[1]);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries.value(), (std::vector<std::pair<std::string, int64_t>>{
                                 {"doc2.png", 3000}, {"doc2.json", 8}, {"doc3.png", 3000}, {"doc3.json", 8}}));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(TarShards, ReadsTheEntriesAskedFor) {
  const fs::path d = TempDir("read");
  const auto shards = Write(d, 1 << 20);
  ASSERT_EQ(shards.size(), 1u);
  std::vector<std::pair<std::string, std::string>> got;
  int seen = 0;
  const Status st = ReadTarEntries(
      shards[0],
      [&](const std::string& name, int64_t) {
        ++seen;
        return name.ends_with(".json");
      },
      [&](const std::string& name, const std::string& bytes) { got.emplace_back(name, bytes); });
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(seen, 10);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[3], (std::pair<std::string, std::string>{"doc3.json", "{\"i\":3}\n"}));
  fs::resize_file(shards[0], 2000);
  EXPECT_FALSE(ReadTarEntries(shards[0], [](const std::string&, int64_t) { return true; },
                              [](const std::string&, const std::string&) {})
                   .ok());
  fs::remove_all(d);
}

TEST(TarShards, ATruncatedShardIsAnError) {
  const fs::path d = TempDir("trunc");
  const auto shards = Write(d, 1 << 20);
  ASSERT_EQ(shards.size(), 1u);
  fs::resize_file(shards[0], 2000);
  EXPECT_FALSE(ListTar(shards[0]).ok());
  fs::remove_all(d);
}

}  // namespace
}  // namespace assay
