// Right-to-left text (stages/bidi_text.h) and tables set sideways (stages/table_turn.h).
#include <gtest/gtest.h>

#include "stages/bidi_text.h"
#include "stages/table_grid.h"
#include "stages/table_prose.h"
#include "stages/table_turn.h"

namespace assay {
namespace {

using Texts = std::vector<std::string>;
using Order = std::vector<size_t>;

TEST(BidiText, HebrewLineAsDrawnIsReadRightToLeft) {
  // "תוצר מקומי גולמי" as a PDF draws it: words left to right, letters as drawn.
  const BidiLine read = DrawnToReadingOrder({"ימלוג", "ימוקמ", "רצות"});
  EXPECT_EQ(read.texts, (Texts{"גולמי", "מקומי", "תוצר"}));
  EXPECT_EQ(read.order, (Order{2, 1, 0}));
}

TEST(BidiText, NumbersAndBracketsInsideRightToLeftText) {
  // "תעשייה )ללא יהלומים(" drawn: brackets stay as drawn (no mirroring, as pdftotext).
  const BidiLine read = DrawnToReadingOrder({"(םימולהי", "אלל)", "היישעת"});
  EXPECT_EQ(read.texts, (Texts{"יהלומים(", ")ללא", "תעשייה"}));
  EXPECT_EQ(read.order, (Order{2, 1, 0}));
  // A number inside keeps its digits left to right.
  const BidiLine num = DrawnToReadingOrder({"12.5", "לכה", "ךס"});
  EXPECT_EQ(num.texts[0], "12.5");
  EXPECT_EQ(num.texts[1], "הכל");
  EXPECT_EQ(num.texts[2], "סך");
  EXPECT_EQ(num.order, (Order{2, 1, 0}));
}

TEST(BidiText, LeftToRightLineWithAnArabicWord) {
  // Arabic presentation forms as the PDF maps its glyphs, drawn left to right.
  const BidiLine read =
      DrawnToReadingOrder({"Jeremy", "is", "\uFEF2\uFEE3\uFEAE\uFE9F", "in", "Arabic"});
  EXPECT_EQ(read.texts, (Texts{"Jeremy", "is", "\uFE9F\uFEAE\uFEE3\uFEF2", "in", "Arabic"}));
  EXPECT_EQ(read.order, (Order{0, 1, 2, 3, 4}));
}

TEST(BidiText, LinesWithoutRightToLeftLettersAreUnchanged) {
  const Texts words = {"Total", "(1)", "12.5", "€", "naïve"};
  const BidiLine read = DrawnToReadingOrder(words);
  EXPECT_EQ(read.texts, words);
  EXPECT_EQ(read.order, (Order{0, 1, 2, 3, 4}));
  EXPECT_TRUE(DrawnToReadingOrder({}).texts.empty());
}

TableWord BtWord(const std::string& text, double x, double y, double w, int rotation = 0) {
  return TableWord{text, Box{x, y, x + w, y + 10}, false, rotation};
}

TEST(BidiText, RightToLeftCellReadsRightToLeft) {
  // Words already in logical order (the text layer's), placed right to left in a ruled cell.
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0},   Rule{0, 20, 300, 20}, Rule{0, 40, 300, 40},
                                   Rule{0, 0, 0, 40},    Rule{100, 0, 100, 40}, Rule{300, 0, 300, 40}};
  const std::vector<TableWord> words = {
      BtWord("2014", 5, 5, 30),   BtWord("גולמי", 150, 5, 40), BtWord("מקומי", 200, 5, 40),
      BtWord("תוצר", 250, 5, 40), BtWord("2.6", 5, 25, 20),    BtWord("לנפש", 190, 25, 35),
      BtWord("-", 230, 25, 5),    BtWord("הכל", 240, 25, 25),  BtWord("סך", 270, 25, 20)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  EXPECT_EQ(rows[0], (Texts{"2014", "תוצר מקומי גולמי"}));
  EXPECT_EQ(rows[1], (Texts{"2.6", "סך הכל - לנפש"}));
}

TEST(TableProse, RightToLeftLineReadRightToLeftIsStillProse) {
  auto line = [](double y) {
    Line l;
    for (double x : {75.0, 60.0, 45.0, 30.0, 15.0, 0.0}) {  // read right to left
      Word w;
      w.text = "מילה";
      w.bbox = Box{x, y, x + 12, y + 10};
      l.words.push_back(w);
    }
    l.bbox = Box{0, y, 87, y + 10};
    return l;
  };
  Block prose;
  prose.lines = {line(0), line(12)};
  EXPECT_TRUE(IsProseBlock(prose));
  prose.lines[0].words[3].bbox.x0 -= 30;  // a cell gap
  prose.lines[0].words[3].bbox.x1 -= 30;
  prose.lines[0].words[4].bbox.x0 -= 30;
  prose.lines[0].words[4].bbox.x1 -= 30;
  prose.lines[0].words[5].bbox.x0 -= 30;
  prose.lines[0].words[5].bbox.x1 -= 30;
  EXPECT_FALSE(IsProseBlock(prose));
}

TEST(TableTurn, FramesMapBoxesAndRulesBack) {
  const Box b{100, 200, 130, 260};
  for (int rot = 1; rot <= 3; ++rot) {
    const TurnedFrame f{rot, 612, 792};
    const Box back = f.ToPage(f.ToFrame(b));
    EXPECT_DOUBLE_EQ(back.x0, b.x0) << rot;
    EXPECT_DOUBLE_EQ(back.y0, b.y0) << rot;
    EXPECT_DOUBLE_EQ(back.x1, b.x1) << rot;
    EXPECT_DOUBLE_EQ(back.y1, b.y1) << rot;
  }
  // Text reading down the page: its first letters are at the top, its next line to the left.
  const TurnedFrame down{1, 612, 792};
  EXPECT_LT(down.ToFrame(Box{300, 10, 310, 20}).x0, down.ToFrame(Box{300, 50, 310, 60}).x0);
  EXPECT_LT(down.ToFrame(Box{300, 10, 310, 20}).y0, down.ToFrame(Box{280, 10, 290, 20}).y0);
  // Text reading up the page: its next line is to the right.
  const TurnedFrame up{3, 612, 792};
  EXPECT_LT(up.ToFrame(Box{300, 50, 310, 60}).x0, up.ToFrame(Box{300, 10, 310, 20}).x0);
  EXPECT_LT(up.ToFrame(Box{280, 10, 290, 20}).y0, up.ToFrame(Box{300, 10, 310, 20}).y0);
  EXPECT_TRUE(down.ToFrame(Rule{10, 50, 200, 50}).x0 == down.ToFrame(Rule{10, 50, 200, 50}).x1);
  EXPECT_TRUE(up.ToFrame(Rule{40, 10, 40, 300}).horizontal());
}

// A 3 x 2 ruled table (labels and figures) drawn sideways, text reading up the page (rotation
// 3): the table's rows run left to right across the page, its columns up the page.
void SidewaysTable(std::vector<TableWord>* words, std::vector<Rule>* rules) {
  const char* rows[3][2] = {{"Item", "Price"}, {"Bolts", "0.25"}, {"Nuts", "0.10"}};
  // In the upright frame: rows 20 high from y 0, columns at x 0..100..200; the page is 400 x
  // 500, and frame (x', y') is page (y', 500 - x').
  const TurnedFrame up{3, 400, 500};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 2; ++c) {
      const Box frame_box{5.0 + 100 * c, 5.0 + 20 * r, 45.0 + 100 * c, 15.0 + 20 * r};
      words->push_back(TableWord{rows[r][c], up.ToPage(frame_box), false, 3});
    }
  for (int r = 0; r <= 3; ++r) {
    const Box b = up.ToPage(Box{0, 20.0 * r, 200, 20.0 * r});
    rules->push_back(Rule{b.x0, b.y0, b.x1, b.y1});
  }
  for (int c = 0; c <= 2; ++c) {
    const Box b = up.ToPage(Box{100.0 * c, 0, 100.0 * c, 60});
    rules->push_back(Rule{b.x0, b.y0, b.x1, b.y1});
  }
}

TEST(TableTurn, SidewaysTableIsBuiltInItsTextsFrame) {
  std::vector<TableWord> words;
  std::vector<Rule> rules;
  SidewaysTable(&words, &rules);
  TablePageReport report;
  // Upright, the grid is the table transposed.
  const auto upright = FindTables(words, rules, {}, &report);
  ASSERT_EQ(upright.size(), 1u);
  EXPECT_EQ(std::make_pair(upright[0].n_rows, upright[0].n_cols), std::make_pair(2, 3));
  const auto tables = FindTablesAnyTurn(words, rules, {}, 400, 500, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (Texts{"Item", "Price"}));
  EXPECT_EQ(rows[2], (Texts{"Nuts", "0.10"}));
  // Boxes are on the page: the table's box is the upright grid's box.
  EXPECT_NEAR(tables[0].bbox.x0, upright[0].bbox.x0, 1e-9);
  EXPECT_NEAR(tables[0].bbox.y1, upright[0].bbox.y1, 1e-9);
  // "Item" (first row, first column) sits at the bottom left of the page's table box.
  const TableCell& item = tables[0].cells[0];
  EXPECT_EQ(item.text, "Item");
  EXPECT_NEAR(item.bbox.x0, tables[0].bbox.x0, 1e-9);
  EXPECT_NEAR(item.bbox.y1, tables[0].bbox.y1, 1e-9);
}

TEST(TableTurn, PageWithFewTurnedWordsKeepsItsUprightTables) {
  std::vector<TableWord> words;
  std::vector<Rule> rules;
  SidewaysTable(&words, &rules);
  for (TableWord& w : words) w.rotation = 0;  // the same words read upright
  words.push_back(TableWord{"arXiv:2101.00001", Box{380, 100, 390, 300}, false, 3});
  TablePageReport a, b;
  const auto plain = FindTables(words, rules, {}, &a);
  const auto any = FindTablesAnyTurn(words, rules, {}, 400, 500, &b);
  ASSERT_EQ(any.size(), plain.size());
  for (size_t i = 0; i < any.size(); ++i) EXPECT_EQ(any[i].Rows(), plain[i].Rows());
}

TEST(TableTurn, UprightTableWithSidewaysColumnLabelsStaysUpright) {
  // A ruled 4 x 3 table whose header labels are set sideways (two words each, reading up),
  // its body upright: the sideways words alone make no table of their own.
  std::vector<Rule> rules;
  for (double y : {0.0, 80.0, 100.0, 120.0, 140.0}) rules.push_back(Rule{0, y, 300, y});
  for (double x : {0.0, 100.0, 200.0, 300.0}) rules.push_back(Rule{x, 0, x, 140});
  std::vector<TableWord> words;
  for (int c = 0; c < 3; ++c) {
    words.push_back(TableWord{"Total", Box{40.0 + 100 * c, 40, 50.0 + 100 * c, 75}, false, 3});
    words.push_back(TableWord{"sales", Box{55.0 + 100 * c, 40, 65.0 + 100 * c, 75}, false, 3});
  }
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      words.push_back(BtWord(std::to_string(10 * r + c), 10.0 + 100 * c, 85.0 + 20 * r, 10));
  TablePageReport a, b;
  const auto plain = FindTables(words, rules, {}, &a);
  const auto any = FindTablesAnyTurn(words, rules, {}, 612, 792, &b);
  ASSERT_EQ(plain.size(), 1u);
  ASSERT_EQ(any.size(), 1u);
  EXPECT_EQ(any[0].Rows(), plain[0].Rows());
  EXPECT_EQ(any[0].n_rows, 4);
}

}  // namespace
}  // namespace assay
