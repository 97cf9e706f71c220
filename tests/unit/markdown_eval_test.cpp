#include <gtest/gtest.h>

#include "core/eval.h"
#include "core/markdown.h"

namespace assay {
namespace {

TEST(MarkdownTest, HeadingsListsCaptionsFootnotesAndNoRunningHeads) {
  const Json record = Json::parse(R"({"pages": [
    {"page": 1, "blocks": [
      {"type": "header", "text": "Journal of Things"},
      {"type": "title", "text": "A Title"},
      {"type": "heading", "level": 1, "text": "1 Introduction"},
      {"type": "paragraph", "text": "Some text\nwrapped over lines."},
      {"type": "paragraph", "text": "# not a heading"},
      {"type": "list", "text": "- one\n- two", "items": ["- one", "- two"]},
      {"type": "list", "text": "1. first\n2. second", "items": ["1. first", "2. second"]},
      {"type": "figure", "text": "axis label"},
      {"type": "caption", "text": "Figure 1: A chart."},
      {"type": "footnote", "text": "1 A note."},
      {"type": "footer", "text": "7"}]},
    {"page": 2, "blocks": [{"type": "heading", "level": 2, "text": "1.1 More"}]}]})");
  EXPECT_EQ(RenderMarkdown(record),
            "# A Title\n\n## 1 Introduction\n\nSome text wrapped over lines.\n\n"
            "\\# not a heading\n\n- one\n- two\n\n1. first\n2. second\n\n"
            "*Figure 1: A chart.*\n\n### 1.1 More\n\n[^1]: 1 A note.\n");
}

TEST(EvalTest, MeasuresAndCategories) {
  EXPECT_DOUBLE_EQ(WordErrorRate("a b c d", "a b c d"), 0.0);
  EXPECT_DOUBLE_EQ(WordErrorRate("a c d", "a b c d"), 0.25);
  EXPECT_EQ(SortedWords("c a  b\na"), "a a b c");
  // Two columns swapped: everything wrong in order, nothing wrong without it.
  EXPECT_GT(WordErrorRate("c d a b", "a b c d"), 0.5);
  EXPECT_DOUBLE_EQ(WordErrorRate(SortedWords("c d a b"), SortedWords("a b c d")), 0.0);
  EXPECT_DOUBLE_EQ(BoxIou(Box{0, 0, 10, 10}, Box{0, 0, 10, 10}), 1.0);
  EXPECT_DOUBLE_EQ(BoxIou(Box{0, 0, 10, 10}, Box{5, 0, 15, 10}), 50.0 / 150.0);
  EXPECT_DOUBLE_EQ(BoxIou(Box{0, 0, 10, 10}, Box{20, 20, 30, 30}), 0.0);
  EXPECT_EQ(LayoutCategory("caption"), "text");
  EXPECT_EQ(LayoutCategory("footnote"), "text");
  EXPECT_EQ(LayoutCategory("heading"), "title");
  EXPECT_EQ(LayoutCategory("figure"), "figure");
  EXPECT_EQ(LayoutCategory("header"), "");
}

}  // namespace
}  // namespace assay
