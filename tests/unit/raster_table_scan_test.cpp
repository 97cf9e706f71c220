// Tables on scanned pages: OCR'd words leave out the rules that read a text layer's exact
// spacing and measure gaps against their words' height (stages/table_grid.h, WordSource,
// GapUnitHeight), and charts are told from tables by their ink
// (stages/raster_charts.h).
#include <gtest/gtest.h>

#include <leptonica/allheaders.h>
#include <opencv2/imgproc.hpp>

#include "stages/raster_bullets.h"
#include "stages/raster_charts.h"
#include "stages/raster_figure_marks.h"
#include "stages/raster_unread_grids.h"
#include "stages/table_cell_debris.h"
#include "stages/table_column_points.h"
#include "stages/table_grid.h"
#include "tests/unit/test_pix.h"

namespace assay {
namespace {

TableWord ScanWord(const std::string& text, double x, double y) {
  return TableWord{text, Box{x, y, x + 5.0 * text.size(), y + 10}};
}

TEST(ScannedTables, TouchingOcrWordsKeepTheirSpace) {
  // OCR boxes are cut at the ink: two words of a label can touch. A text layer joins them
  // (a footnote mark); OCR words stay two words.
  std::vector<TableWord> words;
  for (int r = 0; r < 3; ++r) {
    const double y = 15.0 * r;
    words.push_back(ScanWord("Net", 0, y));
    words.push_back(TableWord{"sales", Box{15, y, 40, y + 10}});
    words.push_back(ScanWord(std::to_string(100 + r), 100, y));
  }
  const auto layer = AlignedTables(words, WordSource::kTextLayer);
  const auto ocr = AlignedTables(words, WordSource::kOcr);
  ASSERT_EQ(layer.size(), 1u);
  ASSERT_EQ(ocr.size(), 1u);
  EXPECT_EQ(layer[0].Rows()[0][0], "Netsales");
  EXPECT_EQ(ocr[0].Rows()[0][0], "Net sales");
}

TEST(ScannedTables, AWideGapEndsATableOfOcrWords) {
  // Rows 15 apart, then after a gap of 2.5 line heights (wider than kRowGap, not much wider
  // than the table's own widest gap of 2.2) more rows: a text layer's section, two tables
  // of OCR words.
  std::vector<TableWord> words;
  auto row = [&](double y, const std::string& label) {
    words.push_back(ScanWord(label, 0, y));
    words.push_back(ScanWord("100", 100, y));
  };
  row(0, "Net");
  row(15, "Units");
  row(30, "Value");
  row(62, "Gross");
  row(77, "Units");
  row(92, "Cost");
  row(127, "Direct");
  row(142, "Costs");
  row(157, "Other");
  EXPECT_EQ(AlignedTables(words, WordSource::kTextLayer).size(), 1u);
  EXPECT_EQ(AlignedTables(words, WordSource::kOcr).size(), 2u);
}

TEST(ScannedTables, FiguresBesideATallOcrLabelAreColumnsApart) {
  // OCR boxes follow the glyphs: a label 35 pixels tall, figures 20. Figures 22 pixels apart
  // are column gaps against the figures' height (the line's median word), not word spaces
  // against the line's 35 pixels. (Two bare figures are two cells however close: a range in
  // brackets and a word are not figures.)
  std::vector<TableWord> words;
  const char* labels[] = {"Oklahoma", "Tennessee", "Ohio", "Kentucky"};
  for (int r = 0; r < 4; ++r) {
    const double y = 40.0 * r;
    words.push_back(TableWord{labels[r], Box{0, y, 110, y + 35}});
    words.push_back(TableWord{"6,930", Box{200, y + 10, 260, y + 30}});
    words.push_back(TableWord{"(173.2-181.6)", Box{282, y + 10, 420, y + 30}});
    words.push_back(TableWord{"high", Box{442, y + 10, 490, y + 30}});
  }
  const auto ocr = AlignedTables(words, WordSource::kOcr);
  ASSERT_EQ(ocr.size(), 1u);
  EXPECT_EQ(ocr[0].n_cols, 4);
  EXPECT_EQ(ocr[0].Rows()[0], (std::vector<std::string>{"Oklahoma", "6,930", "(173.2-181.6)", "high"}));
  const auto layer = AlignedTables(words, WordSource::kTextLayer);
  ASSERT_EQ(layer.size(), 1u);
  EXPECT_EQ(layer[0].n_cols, 2);
}

cv::Mat WhitePage() { return cv::Mat(300, 400, CV_8UC1, cv::Scalar(255)); }

// Dark blocks standing for words, each also returned as a word box.
std::vector<TableWord> DrawWords(cv::Mat& page) {
  std::vector<TableWord> words;
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 3; ++c) {
      const int x = 40 + 110 * c, y = 40 + 40 * r;
      cv::rectangle(page, cv::Rect(x, y, 50, 12), cv::Scalar(0), cv::FILLED);
      words.push_back(TableWord{"w", Box{double(x), double(y), double(x + 50), double(y + 12)}});
    }
  return words;
}

TEST(RasterCharts, ATablesInkIsItsWordsAndRules) {
  cv::Mat page = WhitePage();
  const std::vector<TableWord> words = DrawWords(page);
  std::vector<Rule> rules;
  for (int r = 0; r <= 5; ++r) {
    const int y = 30 + 40 * r;
    cv::line(page, cv::Point(20, y), cv::Point(380, y), cv::Scalar(0), 1);
    rules.push_back(Rule{20, double(y), 380, double(y)});
  }
  const Box region{20, 30, 380, 230};
  EXPECT_LT(StrayInkShare(page, region, words, rules), 0.01);
  std::vector<PageTable> tables(1);
  tables[0].bbox = region;
  DropRasterCharts(tables, page, words, rules);
  EXPECT_EQ(tables.size(), 1u);
}

TEST(RasterCharts, AChartsCurvesAreStrayInk) {
  // The same labels and axis rules, and a data line zigzagging across the region.
  cv::Mat page = WhitePage();
  const std::vector<TableWord> words = DrawWords(page);
  const std::vector<Rule> rules = {Rule{20, 230, 380, 230}, Rule{20, 30, 20, 230}};
  cv::line(page, cv::Point(20, 230), cv::Point(380, 230), cv::Scalar(0), 1);
  cv::line(page, cv::Point(20, 30), cv::Point(20, 230), cv::Scalar(0), 1);
  for (int k = 0; k < 12; ++k)
    cv::line(page, cv::Point(25 + 30 * k, k % 2 ? 35 : 225), cv::Point(55 + 30 * k, k % 2 ? 225 : 35),
             cv::Scalar(0), 3);
  const Box region{20, 30, 380, 230};
  EXPECT_GT(StrayInkShare(page, region, words, rules), 0.2);
  std::vector<PageTable> tables(1);
  tables[0].bbox = region;
  DropRasterCharts(tables, page, words, rules);
  EXPECT_TRUE(tables.empty());
}

// The table of ATablesInkIsItsWordsAndRules boxed, its top and bottom rules double, of which
// the rule search found one line each (the outer): `rules` hold those; the inner lines, 6 px
// in, are drawn only.
std::vector<Rule> DrawDoubleRuledBox(cv::Mat& page) {
  const std::vector<Rule> rules = {Rule{20, 30, 380, 30}, Rule{20, 230, 380, 230},
                                   Rule{20, 30, 20, 230}, Rule{380, 30, 380, 230}};
  for (const Rule& r : rules)
    cv::line(page, cv::Point(int(r.x0), int(r.y0)), cv::Point(int(r.x1), int(r.y1)), cv::Scalar(0), 2);
  cv::line(page, cv::Point(30, 36), cv::Point(370, 36), cv::Scalar(0), 2);
  cv::line(page, cv::Point(30, 224), cv::Point(370, 224), cv::Scalar(0), 2);
  return rules;
}

TEST(RasterCharts, TheSecondLineOfADoubleRuleIsNotStrayInk) {
  cv::Mat page = WhitePage();
  const std::vector<TableWord> words = DrawWords(page);
  const std::vector<Rule> rules = DrawDoubleRuledBox(page);
  EXPECT_LT(StrayInkShare(page, Box{20, 30, 380, 230}, words, rules), 0.05);
}

TEST(RasterCharts, AThickDataLineAlongARuleIsStrayInk) {
  // A data line with markers running 8 px under a rule: rule-shaped, but thicker than a rule.
  cv::Mat page = WhitePage();
  const std::vector<TableWord> words = DrawWords(page);
  std::vector<Rule> rules = DrawDoubleRuledBox(page);
  rules.push_back(Rule{20, 130, 380, 130});
  cv::line(page, cv::Point(20, 130), cv::Point(380, 130), cv::Scalar(0), 1);
  cv::line(page, cv::Point(30, 138), cv::Point(370, 138), cv::Scalar(0), 2);
  for (int x = 40; x < 370; x += 40) cv::circle(page, cv::Point(x, 138), 5, cv::Scalar(0), cv::FILLED);
  EXPECT_GT(StrayInkShare(page, Box{20, 30, 380, 230}, words, rules), 0.1);
}

TEST(UnreadGrids, AGridWhosePrintNoWordExplainsIsReadAgain) {
  cv::Mat page = WhitePage();
  DrawWords(page);  // print, but the page's reading gave no word
  std::vector<Rule> rules = DrawDoubleRuledBox(page);
  for (int c = 1; c < 3; ++c) {
    const double x = 20 + 115 * c;
    cv::line(page, cv::Point(int(x), 30), cv::Point(int(x), 230), cv::Scalar(0), 1);
    rules.push_back(Rule{x, 30, x, 230});
  }
  const std::vector<Box> grids = UnreadRuledGrids(page, {}, rules, 12);
  ASSERT_EQ(grids.size(), 1u);
  EXPECT_EQ(grids[0].x0, 20);
  EXPECT_EQ(grids[0].y1, 230);
}

TEST(UnreadGrids, AGridItsWordsExplainOrNoGridIsNot) {
  cv::Mat page = WhitePage();
  const std::vector<TableWord> words = DrawWords(page);
  const std::vector<Rule> rules = DrawDoubleRuledBox(page);
  EXPECT_TRUE(UnreadRuledGrids(page, words, rules, 12).empty());
  // Rules only between rows (no vertical one) make no grid to read.
  cv::Mat bare = WhitePage();
  DrawWords(bare);
  const std::vector<Rule> rows = {Rule{20, 30, 380, 30}, Rule{20, 230, 380, 230}};
  EXPECT_TRUE(UnreadRuledGrids(bare, {}, rows, 12).empty());
  // A box smaller than three word heights a side is a checkbox.
  EXPECT_TRUE(UnreadRuledGrids(page, {}, rules, 80).empty());
}

// The table of ATablesInkIsItsWordsAndRules under a header band shaded gray, its label
// printed white on it (strokes 3 pixels wide): the ink threshold marks the fill around the
// label and along its edges.
// Returns the label's word.
TableWord DrawShadedHeader(cv::Mat& page, int height, int top = 8) {
  cv::rectangle(page, cv::Rect(20, top, 360, height), cv::Scalar(150), cv::FILLED);
  for (int k = 0; k < 6; ++k)
    cv::rectangle(page, cv::Rect(150 + 10 * k, top + 2, 3, 12), cv::Scalar(255), cv::FILLED);
  return TableWord{"Country", Box{150, double(top + 2), 206, double(top + 14)}};
}

TEST(RasterCharts, AHeaderShadedBehindItsLabelIsTheTables) {
  cv::Mat page(300, 400, CV_8UC1, cv::Scalar(255));
  std::vector<TableWord> words = DrawWords(page);
  const Box region{10, 2, 390, 240};
  // Without its label's word the band is ink no word explains; with it, the table's.
  const TableWord label = DrawShadedHeader(page, 16);
  EXPECT_GT(StrayInkShare(page, region, words, {}), 0.1);
  words.push_back(label);
  EXPECT_LT(StrayInkShare(page, region, words, {}), 0.02);
}

TEST(RasterCharts, AShadedPlotOrBarHoldingAWordIsStillStrayInk) {
  // A fill as high as the region (a plot's background) with a legend word in it: not a band.
  cv::Mat page(300, 400, CV_8UC1, cv::Scalar(255));
  std::vector<TableWord> words = DrawWords(page);
  words.push_back(DrawShadedHeader(page, 220));
  EXPECT_GT(StrayInkShare(page, Box{10, 2, 390, 240}, words, {}), 0.1);
  // A band between the rows, neither a header nor a totals row: a bar, its noise read as a word.
  cv::Mat bars(300, 400, CV_8UC1, cv::Scalar(255));
  std::vector<TableWord> bar_words = DrawWords(bars);
  bar_words.push_back(DrawShadedHeader(bars, 16, 100));
  EXPECT_GT(StrayInkShare(bars, Box{10, 2, 390, 240}, bar_words, {}), 0.1);
}

TEST(RasterCharts, AnEmptyRegionHasNoStrayInk) {
  EXPECT_EQ(StrayInkShare(WhitePage(), Box{10, 10, 100, 100}, {}, {}), 0.0);
  EXPECT_EQ(StrayInkShare(cv::Mat(), Box{10, 10, 100, 100}, {}, {}), 0.0);
}

TEST(RuleDebris, RulesReadAsPipesAndUnpairedBracketsLeaveTheCell) {
  // What the page's OCR made of ICDAR us-027's and eu-024's rules at 150 dpi.
  EXPECT_EQ(WithoutRuleDebris("| 3,769,000"), "3,769,000");
  EXPECT_EQ(WithoutRuleDebris("| 1,219 |"), "1,219");
  EXPECT_EQ(WithoutRuleDebris("|Language"), "Language");
  EXPECT_EQ(WithoutRuleDebris("5,234]"), "5,234");
  EXPECT_EQ(WithoutRuleDebris("33,010}"), "33,010");
  EXPECT_EQ(WithoutRuleDebris("{| 137,785"), "137,785");
  EXPECT_EQ(WithoutRuleDebris("[Physical appearance"), "Physical appearance");
  EXPECT_EQ(WithoutRuleDebris("8,744)"), "8,744");
  EXPECT_EQ(WithoutRuleDebris("|"), "");
  // A horizontal rule or a dark band's edge read as underscores (us-032, us-033).
  EXPECT_EQ(WithoutRuleDebris("___Definition _"), "Definition");
  EXPECT_EQ(WithoutRuleDebris("Male ____Female_|"), "Male Female");
  EXPECT_EQ(WithoutRuleDebris("snake_case"), "snake_case");
}

// A one-column table of `texts`, a cell a row.
PageTable OneColumn(const std::vector<std::string>& texts) {
  PageTable t;
  t.n_cols = 1;
  t.n_rows = static_cast<int>(texts.size());
  for (size_t r = 0; r < texts.size(); ++r) t.cells.push_back(TableCell{static_cast<int>(r), 0, 1, 1, texts[r], Box{}});
  return t;
}

std::vector<std::string> Texts(const PageTable& t) {
  std::vector<std::string> out;
  for (const TableCell& c : t.cells) out.push_back(c.text);
  return out;
}

TEST(ColumnPoints, AColumnsFormatGivesItsFiguresTheirPointBack) {
  // What the page's OCR made of ICDAR eu-022's percentages at 150 dpi, its points erased.
  PageTable t = OneColumn({"In the last month", "9.6%", "2.7%", "23%", "2.1%", "0 5%", "16\u00b0",
                           "1.8\u00b0%", "4.4%", "n/a"});
  RestoreColumnDecimalPoints(t);
  EXPECT_EQ(Texts(t), (std::vector<std::string>{"In the last month", "9.6%", "2.7%", "2.3%", "2.1%",
                                                "0.5%", "1.6%", "1.8%", "4.4%", "n/a"}));
  // Counts in alternate rows of a column of percentages (eu-021) are no lost points.
  PageTable never = OneColumn({"80.1%", "391", "91.6%", "398", "940%", "97.0%", "99 0%", "95.4%"});
  RestoreColumnDecimalPoints(never);
  EXPECT_EQ(Texts(never),
            (std::vector<std::string>{"80.1%", "391", "91.6%", "398", "94.0%", "97.0%", "99.0%", "95.4%"}));
}

TEST(ColumnPoints, ColumnsWithoutOneFormatKeepTheirCells) {
  // Figures of several formats, too few figures, or mostly words: nothing is guessed.
  PageTable mixed = OneColumn({"1.5", "12.25", "130.1", "7", "2024"});
  RestoreColumnDecimalPoints(mixed);
  EXPECT_EQ(Texts(mixed), (std::vector<std::string>{"1.5", "12.25", "130.1", "7", "2024"}));
  PageTable few = OneColumn({"1.5", "2.5", "25"});
  RestoreColumnDecimalPoints(few);
  EXPECT_EQ(Texts(few)[2], "25");
  PageTable words = OneColumn({"1.5", "2.5", "3.5", "25", "alpha", "beta", "gamma", "delta"});
  RestoreColumnDecimalPoints(words);
  EXPECT_EQ(Texts(words)[3], "25");
  // A figure of other length than the format's stays: "100" in a column of "d.d".
  PageTable integers = OneColumn({"1.5", "2.5", "3.5", "100", "4 55"});
  RestoreColumnDecimalPoints(integers);
  EXPECT_EQ(Texts(integers)[3], "100");
  EXPECT_EQ(Texts(integers)[4], "4 55");
}

TEST(RuleDebris, ACellsOwnBracketsAndWordsStay) {
  EXPECT_EQ(WithoutRuleDebris("[1]"), "[1]");
  EXPECT_EQ(WithoutRuleDebris("(1,234)"), "(1,234)");
  EXPECT_EQ(WithoutRuleDebris("Test-retest (for interviewer-administered PROs only)"),
            "Test-retest (for interviewer-administered PROs only)");
  EXPECT_EQ(WithoutRuleDebris("see note a)"), "see note a)");  // not a figure
  EXPECT_EQ(WithoutRuleDebris("{x, y}"), "{x, y}");
  EXPECT_EQ(WithoutRuleDebris("Age"), "Age");
  EXPECT_EQ(WithoutRuleDebris(""), "");
}

// An 8-bit white image, and a black rectangle drawn on one: glyphs and marks as blocks.
Pix* WhitePix(int width, int height) {
  Pix* pix = pixCreate(width, height, 8);
  pixSetAll(pix);
  return pix;
}

void BlackBlock(Pix* pix, int x, int y, int w, int h) {
  ::Box* b = boxCreate(x, y, w, h);
  pixSetInRectArbitrary(pix, b, 0);
  boxDestroy(&b);
}

TEST(FigureMarks, ADashWideForTheFiguresHeightIsAnEnDash) {
  // "45-54" drawn as blocks: figures 8 x 14 pixels, the dash 2 pixels high, 8 wide (an en
  // dash's half em) in one word and 3 wide (a hyphen's third) in the other.
  Pix* pix = WhitePix(120, 30);
  auto block = [&](int x, int y, int w, int h) { BlackBlock(pix, x, y, w, h); };
  for (int x : {4, 14}) block(x, 8, 8, 14);
  block(24, 15, 8, 2);
  for (int x : {34, 44}) block(x, 8, 8, 14);
  for (int x : {64, 74}) block(x, 8, 8, 14);
  block(85, 15, 3, 2);
  for (int x : {90, 100}) block(x, 8, 8, 14);
  EXPECT_EQ(WithMeasuredDashes(pix, TableWord{"45-54", Box{2, 6, 54, 24}}), "45\xe2\x80\x93" "54");
  EXPECT_EQ(WithMeasuredDashes(pix, TableWord{"45-54", Box{62, 6, 110, 24}}), "45-54");
  // Two dashes in the text, one mark in the box: not paired, unchanged.
  EXPECT_EQ(WithMeasuredDashes(pix, TableWord{"4-5-54", Box{2, 6, 54, 24}}), "4-5-54");
  EXPECT_EQ(WithMeasuredDashes(pix, TableWord{"4554", Box{2, 6, 54, 24}}), "4554");
  // Between letters a dash is a hyphen, however wide.
  EXPECT_EQ(WithMeasuredDashes(pix, TableWord{"ab-cd", Box{2, 6, 54, 24}}), "ab-cd");
  pixDestroy(&pix);
}

TEST(FigureMarks, APieceOfABrokenGlyphIsNoDash) {
  // "5-9" on a worn scan: the "5" lost its top bar, a flat piece of ink of its own at the
  // glyphs' top, over what is left of the glyph; the dash is the one flat mark halfway up,
  // between the figures.
  Pix* pix = WhitePix(60, 30);
  auto block = [&](int x, int y, int w, int h) { BlackBlock(pix, x, y, w, h); };
  block(4, 8, 8, 2);    // the 5's top bar, broken off
  block(4, 12, 8, 10);  // the rest of the 5
  block(15, 15, 8, 2);  // the dash
  block(26, 8, 8, 14);  // the 9
  EXPECT_EQ(WithMeasuredDashes(pix, TableWord{"5-9", Box{2, 6, 36, 24}}), "5\xe2\x80\x93" "9");
  pixDestroy(&pix);
}

TEST(FigureMarks, APointBetweenTwoFiguresOnTheirBaselineIsPutBack) {
  // "1478" as OCR read "147.8": four figures 8 x 14 pixels, a 3 x 3 point on their baseline
  // between the third and the fourth; then the same figures with the point at mid-height
  // (a hyphen's place, not a point's) and with no point at all.
  Pix* pix = WhitePix(200, 30);
  auto block = [&](int x, int y, int w, int h) { BlackBlock(pix, x, y, w, h); };
  for (int x : {4, 14, 24, 40}) block(x, 8, 8, 14);
  block(34, 19, 3, 3);
  for (int x : {64, 74, 84, 100}) block(x, 8, 8, 14);
  block(94, 13, 3, 3);
  for (int x : {124, 134, 144, 154}) block(x, 8, 8, 14);
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"1478", Box{2, 6, 50, 24}}), "147.8");
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"1478", Box{62, 6, 110, 24}}), "1478");
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"1478", Box{122, 6, 164, 24}}), "1478");
  // Not a word of figures only, or as many glyphs as figures: left alone.
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"147.8", Box{2, 6, 50, 24}}), "147.8");
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"148", Box{2, 6, 50, 24}}), "148");
  pixDestroy(&pix);
}

TEST(FigureMarks, APointUnderAGlyphIsAPieceOfIt) {
  // "23" whose "2" lost its hairline: a 3 x 3 piece on the baseline under the glyph's own
  // columns, not in the gap between the two figures.
  Pix* pix = WhitePix(60, 30);
  BlackBlock(pix, 4, 8, 8, 10);  // the "2" above its broken stroke
  BlackBlock(pix, 9, 19, 3, 3);  // the piece, under its right half
  BlackBlock(pix, 16, 8, 8, 14);
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"23", Box{2, 6, 26, 24}}), "23");
  pixDestroy(&pix);
}

// "9.6%" at x 4-39: two figures 8 x 14, the 3 x 3 point between them on their baseline, then
// the sign (one tall glyph).
void DrawPercentFigure(Pix* pix) {
  BlackBlock(pix, 4, 8, 8, 14);
  BlackBlock(pix, 14, 19, 3, 3);
  BlackBlock(pix, 19, 8, 8, 14);
  BlackBlock(pix, 30, 8, 9, 14);
}

TEST(FigureMarks, AFigureWithAPercentSignGetsItsPointBack) {
  // "9.6%" read "96%".
  Pix* pix = WhitePix(60, 30);
  DrawPercentFigure(pix);
  EXPECT_EQ(WithDroppedDecimalPoint(pix, TableWord{"96%", Box{2, 6, 41, 24}}), "9.6%");
  pixDestroy(&pix);
}

TEST(FigureMarks, AFigureSplitAtItsPointIsJoined) {
  // "0 5%" for "0.5%": the words "0" and "5%" with the point in the gap between them; "7 8"
  // further apart, with no point, stays two words.
  Pix* pix = WhitePix(160, 30);
  DrawPercentFigure(pix);
  BlackBlock(pix, 80, 8, 8, 14);
  BlackBlock(pix, 96, 8, 8, 14);
  std::vector<TableWord> words = {TableWord{"0", Box{3, 7, 13, 23}}, TableWord{"5%", Box{18, 7, 40, 23}},
                                  TableWord{"7", Box{79, 7, 89, 23}}, TableWord{"8", Box{95, 7, 105, 23}}};
  JoinDecimalPointGaps(pix, words);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0].text, "0.5%");
  EXPECT_EQ(words[0].bbox.x1, 40);
  EXPECT_EQ(words[1].text, "7");
  EXPECT_EQ(words[2].text, "8");
  pixDestroy(&pix);
}

// A scan's list bullets (stages/raster_bullets.h): a filled dot Tesseract read as "©", set
// apart from its item by the list's indent, joins the item's first word; a mark read unsurely
// between them (its halo, "—") goes; a ring ("°"), a dot as tall as the line or as small as a
// full stop for it, one on the baseline, and a blot read as a letter are no bullets.
TEST(Bullets, AFilledDotReadAsALetterJoinsItsItem) {
  cv::Mat page(160, 400, CV_8UC1, cv::Scalar(255));
  cv::circle(page, cv::Point(20, 30), 5, cv::Scalar(0), cv::FILLED);
  cv::circle(page, cv::Point(20, 135), 5, cv::Scalar(0), cv::FILLED);  // on the baseline
  cv::putText(page, "Reported", cv::Point(60, 38), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0), 1);
  cv::circle(page, cv::Point(20, 80), 5, cv::Scalar(0), 2);
  cv::putText(page, "Generates", cv::Point(60, 88), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0), 1);
  PixHandle pix = PixFromGray(page);
  std::vector<TableWord> words = {TableWord{"\xc2\xa9", Box{14, 24, 27, 37}, false, 0, 50},
                                  TableWord{"\xe2\x80\x94", Box{40, 22, 44, 40}, false, 0, 30},
                                  TableWord{"Reported", Box{60, 24, 150, 40}, false, 0, 90},
                                  TableWord{"\xc2\xb0", Box{14, 74, 27, 87}, false, 0, 50},
                                  TableWord{"Generates", Box{60, 74, 160, 90}, false, 0, 90},
                                  TableWord{"\xc2\xa9", Box{14, 129, 27, 142}, false, 0, 50},
                                  TableWord{"Total", Box{60, 124, 120, 140}, false, 0, 90}};
  EXPECT_TRUE(IsBulletInk(pix.get(), words[0], 16));
  EXPECT_FALSE(IsBulletInk(pix.get(), words[3], 16));  // a ring
  EXPECT_FALSE(IsBulletInk(pix.get(), words[0], 12));  // as tall as the line's words
  EXPECT_FALSE(IsBulletInk(pix.get(), words[0], 40));  // a full stop's size for the line
  TableWord letter = words[0];
  letter.text = "a";
  EXPECT_FALSE(IsBulletInk(pix.get(), letter, 16));  // read as a letter: a blotted "a"
  JoinBullets(pix.get(), words);
  ASSERT_EQ(words.size(), 5u);
  EXPECT_EQ(words[0].text, "\xe2\x80\xa2 Reported");
  EXPECT_EQ(words[0].bbox.x0, 14);
  EXPECT_EQ(words[1].text, "\xc2\xb0");  // a ring
  EXPECT_EQ(words[2].text, "Generates");
  EXPECT_EQ(words[3].text, "\xc2\xa9");  // a dot on the baseline: a full stop's place
  EXPECT_EQ(words[4].text, "Total");
}

}  // namespace
}  // namespace assay
