// Path text (core/path_text.h): the lossless UTF-8 form of a file name's bytes.
#include "core/path_text.h"

#include <gtest/gtest.h>

#include <string>

#include "cli/format.h"
#include "core/work.h"

namespace assay {
namespace {

TEST(PathText, EscapesOnlyInvalidBytesAndTheBackslash) {
  const struct {
    std::string bytes, text;
  } kCases[] = {
      {"plain/name.png", "plain/name.png"},
      {"caf\xc3\xa9.png", "caf\xc3\xa9.png"},  // valid UTF-8 stays as it is
      {"caf\xe9.png", "caf\\xe9.png"},         // Latin-1 byte
      {"a\\b", "a\\\\b"},
      {"a\\xe9", "a\\\\xe9"},  // a name that looks like an escape
      {"\xff\xfe", "\\xff\\xfe"},
      {"\xed\xa0\x80", "\\xed\\xa0\\x80"},  // a UTF-16 surrogate: not UTF-8
      {"\xc0\xaf", "\\xc0\\xaf"},           // overlong '/'
      {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
      {"trunc\xe2\x82", "trunc\\xe2\\x82"},
      {"ctrl\x1b\x07", "ctrl\x1b\x07"},  // valid UTF-8: JSON escapes it, the terminal too
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(PathToText(c.bytes), c.text);
    EXPECT_TRUE(IsValidUtf8(PathToText(c.bytes)));
    EXPECT_EQ(PathFromText(c.text), c.bytes);
  }
}

TEST(PathText, EveryByteStringRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (const std::string& s : {all, all + all, std::string("\\"), std::string("\\x")}) {
    EXPECT_EQ(PathFromText(PathToText(s)), s);
    EXPECT_TRUE(IsValidUtf8(PathToText(s)));
  }
}

TEST(PathText, OldRawTextDecodesToItself) {
  EXPECT_EQ(PathFromText("dir\\name"), "dir\\name");  // not an escape
  EXPECT_EQ(PathFromText("caf\xe9"), "caf\xe9");      // a raw byte from an older store
}

TEST(PathText, WorkRequestsCarryBytes) {
  WorkRequest r;
  r.doc_id = "d";
  r.path = "in/caf\xe9\\.png";
  r.ground_truth = "gt/\xff.txt";
  r.password = "p\xe9w";
  const std::string wire = DumpJson(r.ToJson());
  EXPECT_TRUE(IsValidUtf8(wire));
  r.plan = CanonicalJson::object();
  const WorkRequest back = WorkRequest::FromJson(CanonicalJson::parse(DumpJson(r.ToJson())));
  EXPECT_EQ(back.path, r.path);
  EXPECT_EQ(back.ground_truth, r.ground_truth);
  EXPECT_EQ(back.password, r.password);
}

TEST(ForTerminal, EscapesControlCharactersAndInvalidBytes) {
  EXPECT_EQ(ForTerminal("in/bad\x1b[31mred\x07.png"), "in/bad\\x1b[31mred\\x07.png");
  EXPECT_EQ(ForTerminal("line\nbreak\ttab\x7f"), "line\\x0abreak\\x09tab\\x7f");
  EXPECT_EQ(ForTerminal("csi\xc2\x9b"
                        "2J"),
            "csi\\xc2\\x9b2J");  // C1 control
  EXPECT_EQ(ForTerminal("caf\xc3\xa9 \xe9"), "caf\xc3\xa9 \\xe9");
  EXPECT_EQ(ForTerminal("a\\\\b"), "a\\\\b");  // path text passes as it is
}

}  // namespace
}  // namespace assay
