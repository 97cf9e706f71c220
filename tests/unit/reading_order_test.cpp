#include "stages/reading_order.h"

#include <gtest/gtest.h>

namespace assay {
namespace {

Block B(const std::string& name, double x0, double y0, double x1, double y1) {
  Block b;
  b.bbox = {x0, y0, x1, y1};
  b.lines.push_back(Line{b.bbox, {Word{name, b.bbox, -1, "", 0}}});
  return b;
}

std::string Order(std::vector<Block> blocks) {
  OrderBlocks(&blocks);
  std::string out;
  for (const Block& b : blocks) out += (out.empty() ? "" : " ") + b.Text();
  return out;
}

TEST(ReadingOrderTest, TwoColumnsUnderAFullWidthTitle) {
  // Given in the order a naive top-to-bottom sort would read: across the gutter.
  EXPECT_EQ(
      Order({B("L1", 50, 100, 280, 200), B("R1", 320, 100, 550, 180), B("title", 50, 40, 550, 70),
             B("L2", 50, 210, 280, 300), B("R2", 320, 190, 550, 290)}),
      "title L1 L2 R1 R2");
}

TEST(ReadingOrderTest, ColumnHeadingsStayWithTheirColumns) {
  EXPECT_EQ(Order({B("title", 50, 40, 450, 60), B("sub", 50, 65, 330, 75),
                   B("H-left", 50, 100, 150, 110), B("H-right", 320, 100, 440, 110),
                   B("L", 50, 120, 280, 300), B("R", 320, 120, 550, 300)}),
            "title sub H-left L H-right R");
}

TEST(ReadingOrderTest, SingleColumnIsTopToBottom) {
  EXPECT_EQ(Order({B("c", 50, 300, 550, 400), B("a", 50, 40, 550, 100), B("b", 60, 150, 540, 250)}),
            "a b c");
}

TEST(ReadingOrderTest, FullWidthBlockBetweenTwoColumnSections) {
  EXPECT_EQ(Order({B("L1", 50, 100, 280, 200), B("R1", 320, 100, 550, 200),
                   B("figure", 50, 220, 550, 400), B("L2", 50, 420, 280, 600),
                   B("R2", 320, 420, 550, 600)}),
            "L1 R1 figure L2 R2");
}

TEST(ReadingOrderTest, ThreeColumns) {
  EXPECT_EQ(Order({B("c3", 400, 100, 550, 500), B("c1", 50, 100, 200, 500),
                   B("c2", 225, 100, 375, 300), B("c2b", 225, 320, 375, 500)}),
            "c1 c2 c2b c3");
}

}  // namespace
}  // namespace assay
