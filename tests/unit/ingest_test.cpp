#include "core/ingest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/test_paths.h"

namespace assay {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

std::vector<std::string> Paths(const Inputs& in) {
  std::vector<std::string> out;
  for (const InputItem& i : in.items) out.push_back(i.path);
  return out;
}

InputRules Excluding(std::vector<std::string> globs) {
  InputRules rules;
  rules.exclude = std::move(globs);
  return rules;
}

TEST(IngestTest, WalksFoldersSortedSkippingHiddenIgnoredAndExcluded) {
  const fs::path d = testing::TempDir();
  Write(d / "b.pdf", "%PDF-1.4");
  Write(d / "a" / "x.png", "png");
  Write(d / ".hidden" / "y.png", "png");
  Write(d / ".dot.pdf", "%PDF");
  Write(d / "notes.txt", "text");
  Write(d / "a" / "skip.tmp", "tmp");
  Write(d / ".assayignore", "# comment\nnotes.txt\n");
  Write(d / "a" / ".assayignore", "*.tmp\n");
  auto in = EnumerateInputs({d.string()}, Excluding({"nothing-matches-*"}));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(Paths(in.value()),
            (std::vector<std::string>{(d / "a/x.png").string(), (d / "b.pdf").string()}));
  EXPECT_EQ(in.value().ignored, 2);

  auto excluded = EnumerateInputs({d.string()}, Excluding({"*.pdf"}));
  ASSERT_TRUE(excluded.ok());
  EXPECT_EQ(Paths(excluded.value()), (std::vector<std::string>{(d / "a/x.png").string()}));
}

TEST(IngestTest, ManifestEntriesCarryAttributesAndWinOverTheWalk) {
  const fs::path d = testing::TempDir();
  Write(d / "p.jpg", "jpg");
  Write(d / "q.png", "png");
  Write(d / "m.jsonl",
        "{\"path\": \"p.jpg\", \"alt_text\": \"a dog\", \"tags\": [\"z\", \"a\"]}\n"
        "\n"
        "{\"path\": \"gone.png\"}\n"
        "not json\n"
        "{\"path\": \"q.png\", \"colour\": \"red\"}\n");
  auto in = EnumerateInputs({d.string()}, InputRules{});
  ASSERT_TRUE(in.ok());
  std::map<std::string, InputItem> by_path;
  for (const InputItem& i : in.value().items) by_path[i.path] = i;
  ASSERT_TRUE(by_path.count((d / "p.jpg").string()));
  const InputItem& p = by_path[(d / "p.jpg").string()];
  EXPECT_EQ(p.alt_text.value(), "a dog");
  EXPECT_EQ(p.tags, (std::vector<std::string>{"a", "z"}));
  EXPECT_FALSE(p.problem);
  EXPECT_EQ(by_path[(d / "gone.png").string()].problem.value(),
            "file not found (listed at " + (d / "m.jsonl").string() + ":3)");
  const std::string line4 = (d / "m.jsonl").string() + ":4";
  ASSERT_TRUE(by_path.count(line4));
  EXPECT_TRUE(by_path[line4].problem->starts_with("bad manifest line: "));
  EXPECT_EQ(by_path[(d / "m.jsonl").string() + ":5"].problem.value(),
            "bad manifest line: unknown key \"colour\"");
}

TEST(IngestTest, MissingInputIsBadUsage) {
  auto in = EnumerateInputs({"/nonexistent/assay/input"}, InputRules{});
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.error().message, "input does not exist: /nonexistent/assay/input");
}

struct SniffCase {
  std::string head;
  std::string container;
  std::string mime;
};

TEST(IngestTest, SniffsFromBytesNotNames) {
  const SniffCase cases[] = {
      {"%PDF-1.7\n", "pdf", "application/pdf"},
      {std::string(300, ' ') + "%PDF-1.4", "pdf", "application/pdf"},  // junk before header
      {std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\0\0\0\0", 29), "image",
       "image/png"},
      {"\xff\xd8\xff\xe0" + std::string(16, '\0'), "image", "image/jpeg"},
      {std::string("II*\0", 4) + std::string(16, '\0'), "image", "image/tiff"},
      {"just some words\n", "unsupported", "text/plain"},
      // Videos: an ISO media ftyp box, an EBML header, RIFF....AVI .
      {std::string("\0\0\0\x20" "ftypisom\0\0\x02\0", 16), "video", "video/mp4"},
      {std::string("\0\0\0\x14" "ftypqt  \0\0\0\0", 16), "video", "video/quicktime"},
      {std::string("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", 16), "video",
       "video/webm"},
      {std::string("\x1a\x45\xdf\xa3\xa3\x42\x82\x88matroska", 16), "video",
       "video/x-matroska"},
      {std::string("RIFF\x10\0\0\0" "AVI LIST", 16), "video", "video/x-msvideo"},
      {std::string("RIFF\x10\0\0\0" "WAVEfmt ", 16), "unsupported", "audio/x-wav"},
  };
  for (const SniffCase& c : cases) {
    const Sniffed s = SniffBytes(c.head);
    EXPECT_EQ(s.container, c.container) << c.mime;
    EXPECT_EQ(s.mime, c.mime);
  }
}

}  // namespace
}  // namespace assay
