// The grid of an image that is one table (stages/raster_table_structure.h) on words made by
// hand, in pixels.
#include <gtest/gtest.h>

#include "stages/raster_table_structure.h"

namespace assay {
namespace {

// A word whose box starts at (x, y), 20 pixels high, 10 pixels a character.
TableWord Px(const std::string& text, double x, double y) {
  return TableWord{text, Box{x, y, x + 10.0 * text.size(), y + 20}};
}

TEST(WholeImageTable, AWideGapUnderTheHeaderDoesNotCutTheTable) {
  std::vector<TableWord> words = {Px("Date", 0, 0),      Px("Mean", 200, 0),  Px("MAE", 300, 0),
                                  Px("11", 0, 80),       Px("August", 30, 80), Px("30.27", 200, 80),
                                  Px("137.14", 300, 80), Px("12", 0, 110),     Px("August", 30, 110),
                                  Px("54.80", 200, 110), Px("147.97", 300, 110), Px("13", 0, 140),
                                  Px("August", 30, 140), Px("16.52", 200, 140), Px("143.07", 300, 140)};
  const auto t = WholeImageTable(words);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->n_rows, 4);
  EXPECT_EQ(t->n_cols, 3);
  const auto rows = t->Rows();
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Date", "Mean", "MAE"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"11 August", "30.27", "137.14"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"13 August", "16.52", "143.07"}));
}

TEST(WholeImageTable, WrappedLabelsContinueTheirRowWhenRowsAreSpacedApart) {
  // Rows 40 pixels apart between lines; a wrapped label's second line 3 pixels below its first.
  std::vector<TableWord> words = {
      Px("Item", 0, -20),    Px("A", 300, -20),        Px("B", 400, -20),
      Px("First", 0, 40),    Px("long", 60, 40),       Px("1", 300, 40),  Px("2", 400, 40),
      Px("label", 0, 63),    Px("wraps", 60, 63),
      Px("Second", 0, 123),  Px("3", 300, 123),        Px("4", 400, 123),
      Px("Third", 0, 183),   Px("also", 60, 183),      Px("5", 300, 183), Px("6", 400, 183),
      Px("wraps", 0, 206),   Px("Fourth", 0, 266),     Px("7", 300, 266), Px("8", 400, 266)};
  const auto t = WholeImageTable(words);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->n_rows, 5);
  EXPECT_EQ(t->n_cols, 3);
  const auto rows = t->Rows();
  EXPECT_EQ(rows[1], (std::vector<std::string>{"First long label wraps", "1", "2"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"Third also wraps", "5", "6"}));
}

TEST(WholeImageTable, EvenlySpacedRowsStayApartIncludingALoneSectionLabel) {
  std::vector<TableWord> words = {Px("metric", 0, 0),  Px("r2", 200, 0),   Px("RMSE", 300, 0),
                                  Px("country", 0, 28), Px("DHS", 0, 56),   Px("0.76", 200, 56),
                                  Px("0.394", 300, 56), Px("PPI", 0, 84),   Px("0.25", 200, 84),
                                  Px("57.907", 300, 84), Px("urban", 0, 112), Px("RS", 0, 140),
                                  Px("0.32", 200, 140), Px("57.439", 300, 140)};
  const auto t = WholeImageTable(words);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->n_rows, 6);
  EXPECT_EQ(t->n_cols, 3);
  EXPECT_EQ(t->Rows()[1], (std::vector<std::string>{"country", "", ""}));
  EXPECT_EQ(t->Rows()[4], (std::vector<std::string>{"urban", "", ""}));
}

TEST(WholeImageTable, OneBlockOfProseIsNoTable) {
  std::vector<TableWord> words;
  for (int line = 0; line < 5; ++line)
    for (int w = 0; w < 8; ++w) words.push_back(Px("word", 50.0 * w + (line % 2) * 7, 30.0 * line));
  EXPECT_FALSE(WholeImageTable(words).has_value());
}

}  // namespace
}  // namespace assay
