// When a page image that may be one table is read again whole (stages/raster_table_ocr.h),
// decided from its first reading, on words and rules made by hand, in pixels.
#include <gtest/gtest.h>
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

#include <opencv2/imgproc.hpp>

#include "stages/raster_empty_cells.h"
#include "stages/raster_table_ocr.h"
#include "stages/table_grid.h"
#include "tests/unit/test_pix.h"

namespace assay {
namespace {

// A word whose box starts at (x, y), 20 pixels high, 10 pixels a character.
TableWord RereadTestWord(const std::string& text, double x, double y) {
  return TableWord{text, Box{x, y, x + 10.0 * text.size(), y + 20}};
}

// Three rows of three short cells in columns far apart: lines that make one table.
std::vector<TableWord> RereadAlignedRows() {
  std::vector<TableWord> words;
  for (int row = 0; row < 3; ++row)
    for (int col = 0; col < 3; ++col) words.push_back(RereadTestWord("12.5", 150.0 * col, 40.0 * row));
  return words;
}

TEST(ReadWholeImageAgain, LinesThatMakeOneTableAreReadAgainWithoutRulesOrAFoundTable) {
  EXPECT_TRUE(ReadWholeImageAgain(RereadAlignedRows(), {}, {}, 400));
}

TEST(ReadWholeImageAgain, ProseWithoutRulesOrATableIsNotReadAgain) {
  std::vector<TableWord> words;
  for (int line = 0; line < 5; ++line)
    for (int w = 0; w < 8; ++w) words.push_back(RereadTestWord("word", 50.0 * w + (line % 2) * 7, 30.0 * line));
  EXPECT_FALSE(ReadWholeImageAgain(words, {}, {}, 400));
}

TEST(ReadWholeImageAgain, TwoLongHorizontalRulesOrAFoundTableAreEnough) {
  const std::vector<TableWord> noise = {RereadTestWord("eed", 10, 10)};
  const std::vector<Rule> two_long = {Rule{0, 5, 300, 5}, Rule{0, 50, 300, 50}};
  EXPECT_TRUE(ReadWholeImageAgain(noise, two_long, {}, 400));
  // Rules shorter than half the image, or vertical, do not count.
  const std::vector<Rule> short_or_vertical = {Rule{0, 5, 150, 5}, Rule{0, 50, 150, 50},
                                               Rule{20, 0, 20, 100}};
  EXPECT_FALSE(ReadWholeImageAgain(noise, short_or_vertical, {}, 400));
  PageTable around_the_word;
  around_the_word.bbox = Box{0, 0, 100, 40};
  EXPECT_TRUE(ReadWholeImageAgain(noise, {}, {around_the_word}, 400));
}

// Tables found side by side make a page laid out with several tables (their rows line up, so
// its lines make one table too): not read again. The same tables one above the other are the
// pieces of one table the first reading cut up: read again.
TEST(ReadWholeImageAgain, TablesSideBySideAreAPageNotOneTable) {
  PageTable left, right;
  left.bbox = Box{0, 0, 140, 120};
  right.bbox = Box{150, 10, 300, 120};
  EXPECT_FALSE(ReadWholeImageAgain(RereadAlignedRows(), {}, {left, right}, 400));
  PageTable below = right;
  below.bbox = Box{0, 130, 300, 250};
  EXPECT_TRUE(ReadWholeImageAgain(RereadAlignedRows(), {}, {left, below}, 400));
}

// A report page between its header and footer rules, 5% of its words or more in running text
// (layout's prose blocks), is a page, not a table image; the same words not in prose blocks
// would be read again.
TEST(ReadWholeImageAgain, AnImageWithRunningTextIsNotReadAgain) {
  std::vector<TableWord> words;
  for (int row = 0; row < 10; ++row)  // 30 table words
    for (int col = 0; col < 3; ++col) words.push_back(RereadTestWord("12.5", 150.0 * col, 40.0 * row));
  for (int w = 0; w < 2; ++w) words.push_back(RereadTestWord("word", 50.0 * w, 420));
  const std::vector<Rule> header_and_footer = {Rule{0, -10, 300, -10}, Rule{0, 450, 300, 450}};
  EXPECT_TRUE(ReadWholeImageAgain(words, header_and_footer, {}, 400));
  for (size_t i = 30; i < words.size(); ++i) words[i].prose = true;  // 2 of 32: over 5%
  EXPECT_FALSE(ReadWholeImageAgain(words, header_and_footer, {}, 400));
  words[30].prose = false;  // 1 of 32: under 5%
  EXPECT_TRUE(ReadWholeImageAgain(words, header_and_footer, {}, 400));
}

// A page with a table among its prose is no table image: read again whole, enlarged, it cost
// as much as its OCR. Most of its words are outside the rules and the table found.
TEST(ReadWholeImageAgain, APageWithATableAmongProseIsNotReadAgain) {
  std::vector<TableWord> words;
  for (int line = 0; line < 10; ++line)
    for (int w = 0; w < 8; ++w) words.push_back(RereadTestWord("word", 50.0 * w + (line % 2) * 7, 30.0 * line));
  const std::vector<Rule> table_rules = {Rule{0, 200, 300, 200}, Rule{0, 260, 300, 260}};
  PageTable table;
  table.bbox = Box{0, 200, 400, 260};
  EXPECT_FALSE(ReadWholeImageAgain(words, table_rules, {}, 400));
  EXPECT_FALSE(ReadWholeImageAgain(words, {}, {table}, 400));
  // The same rules around most of the words: a table image.
  const std::vector<Rule> around = {Rule{0, 5, 300, 5}, Rule{0, 250, 300, 250}};
  EXPECT_TRUE(ReadWholeImageAgain(words, around, {}, 400));
}

// A white 8-bit image with `lines` lines of dark "glyphs" `glyph_height` pixels high (touching
// pairs, as small print's are), a long rule under them and a few specks.
PixHandle InkTestImage(int glyph_height, int lines, int ink = 40) {
  PixHandle pix = WrapPix(pixCreate(400, 40 + lines * 3 * glyph_height, 8));
  pixSetAllArbitrary(pix.get(), 255);
  for (int line = 0; line < lines; ++line) {
    const int y = 20 + line * 3 * glyph_height;
    for (int x = 10; x + 12 < 390; x += 16) {
      ::Box* glyph = boxCreate(x, y, 12, glyph_height);
      pixSetInRectArbitrary(pix.get(), glyph, ink);
      boxDestroy(&glyph);
    }
  }
  ::Box* rule = boxCreate(5, pixGetHeight(pix.get()) - 10, 390, 2);
  pixSetInRectArbitrary(pix.get(), rule, 0);
  boxDestroy(&rule);
  for (int i = 0; i < 5; ++i) pixSetPixel(pix.get(), 3 + 7 * i, 5, 0);
  return pix;
}

TEST(InkTextHeight, IsTheGlyphsHeightWithoutRulesOrSpecks) {
  EXPECT_EQ(InkTextHeight(InkTestImage(7, 4).get()), 7);
  EXPECT_EQ(InkTextHeight(InkTestImage(12, 3).get()), 12);
  // Light gray print on white still counts; a blank or nearly flat image shows no text.
  EXPECT_EQ(InkTextHeight(InkTestImage(7, 4, 170).get()), 7);
  EXPECT_EQ(InkTextHeight(InkTestImage(7, 4, 240).get()), 0);
  PixHandle blank = WrapPix(pixCreate(200, 100, 8));
  pixSetAllArbitrary(blank.get(), 255);
  EXPECT_EQ(InkTextHeight(blank.get()), 0);
}

// A first reading of a few words on small print is read again; a full first reading, or
// print already large enough, or no ink, is left to ReadWholeImageAgain.
TEST(SmallPrintReadAgain, OnlyAThinFirstReadingOfSmallPrint) {
  EXPECT_TRUE(SmallPrintReadAgain(0, 6, 30));
  EXPECT_TRUE(SmallPrintReadAgain(7, 6, 30));
  EXPECT_FALSE(SmallPrintReadAgain(8, 6, 30));
  EXPECT_FALSE(SmallPrintReadAgain(1, 25, 30));
  EXPECT_FALSE(SmallPrintReadAgain(1, 0, 30));
}

ScoredWord Scored(const std::string& text, double x0, double x1, double confidence) {
  return ScoredWord{TableWord{text, Box{x0, 10, x1, 30}}, confidence};
}

// Each word of the base reading takes the most confident reading of it; a word another
// reading split in two is one candidate, as sure as the less sure half; the base's box stays.
TEST(MergeReadings, EachWordFromItsMostConfidentReading) {
  const std::vector<ScoredWord> base = {Scored("llAugust", 0, 100, 60), Scored("17730", 150, 200, 70),
                                        Scored("30.27", 250, 300, 90)};
  const std::vector<ScoredWord> other = {Scored("11", 0, 20, 80),      Scored("August", 28, 101, 85),
                                         Scored("177.30", 149, 201, 88), Scored("30.2", 250, 300, 50),
                                         Scored("extra", 400, 450, 99)};
  const std::vector<TableWord> merged = MergeReadings({base, other}, 0);
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0].text, "11 August");
  EXPECT_EQ(merged[1].text, "177.30");
  EXPECT_EQ(merged[1].bbox.x0, 150);  // the base reading's box
  EXPECT_EQ(merged[2].text, "30.27");  // the other reading is less sure of it
  // A less sure half keeps the base's word.
  const std::vector<ScoredWord> unsure = {Scored("11", 0, 20, 50), Scored("August", 28, 101, 95)};
  EXPECT_EQ(MergeReadings({base, unsure}, 0)[0].text, "llAugust");
  // Boxes that are not the same word's (a word of another line) do not compete.
  const std::vector<ScoredWord> elsewhere = {ScoredWord{TableWord{"August", Box{0, 40, 100, 60}}, 99}};
  EXPECT_EQ(MergeReadings({base, elsewhere}, 0)[0].text, "llAugust");
  EXPECT_TRUE(MergeReadings({base}, 1).empty());
}

// A band of dark fill with light print becomes light paper with dark print; a dark rule (too
// thin to hold print) and dark print on white paper stay as they are.
TEST(InvertDarkBands, LightPrintOnADarkBandTurnsDarkOnLight) {
  PixHandle pix = WrapPix(pixCreate(100, 60, 8));
  pixSetAllArbitrary(pix.get(), 255);
  auto fill = [&](int x, int y, int w, int h, int v) {
    ::Box* b = boxCreate(x, y, w, h);
    pixSetInRectArbitrary(pix.get(), b, static_cast<l_uint32>(v));
    boxDestroy(&b);
  };
  fill(0, 10, 100, 12, 80);   // the band
  fill(20, 13, 10, 6, 255);   // a glyph in it
  fill(0, 30, 100, 2, 0);     // a rule
  fill(40, 40, 10, 8, 30);    // print on the paper
  InvertDarkBands(pix.get());
  l_uint32 v = 0;
  pixGetPixel(pix.get(), 5, 15, &v);
  EXPECT_EQ(v, 255u);  // the band's fill
  pixGetPixel(pix.get(), 25, 15, &v);
  EXPECT_EQ(v, 0u);  // its glyph
  pixGetPixel(pix.get(), 5, 31, &v);
  EXPECT_EQ(v, 0u);  // the rule
  pixGetPixel(pix.get(), 45, 44, &v);
  EXPECT_EQ(v, 30u);  // print on paper
  pixGetPixel(pix.get(), 5, 5, &v);
  EXPECT_EQ(v, 255u);  // paper
}

// A scanned table's words read again, enlarged, by the real Tesseract: a word the page's
// reading was unsure of takes the text of the surer reading; one it was sure of, and one
// outside the table, keep theirs.
TEST(ReadTablesTextAgain, AnUnsureWordTakesTheSurerReading) {
  cv::Mat page(120, 400, CV_8UC1, cv::Scalar(255));
  cv::putText(page, "2024", cv::Point(30, 50), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0), 1);
  cv::putText(page, "1985", cv::Point(200, 50), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0), 1);
  cv::putText(page, "3150", cv::Point(30, 100), cv::FONT_HERSHEY_SIMPLEX, 0.6, cv::Scalar(0), 1);
  PixHandle pix = PixFromGray(page);
  std::vector<TableWord> words = {TableWord{"2O24", Box{29, 37, 76, 51}, false, 0, 10},
                                  TableWord{"I985", Box{199, 37, 246, 51}, false, 0, 99},
                                  TableWord{"3I5O", Box{29, 87, 76, 101}, false, 0, 10}};
  tesseract::TessBaseAPI api;
  ASSERT_EQ(api.Init(nullptr, "eng"), 0) << "the eng model is installed by the set-up";
  ReadTablesTextAgain(pix.get(), {Box{10, 20, 300, 65}}, {}, 14, RasterTableOptions{}, api, words);
  EXPECT_EQ(words[0].text, "2024");
  EXPECT_EQ(words[0].bbox.x0, 29);  // the page's box kept
  EXPECT_EQ(words[1].text, "I985");  // the page's reading was sure of it
  EXPECT_EQ(words[2].text, "3I5O");  // outside the table
  api.End();
}

// A ruled row of two cells whose figures the page's OCR ran into one word over the rule
// ("2,776,284}1,785,795", ICDAR us-033 as a scan): the word sits in the right cell by its
// centre, the left came out empty. The real Tesseract reads the left slot, and the right one
// again, so each figure is in its own cell once.
TEST(ReadEmptyCells, AWordRunOverTheRuleLeavesTheCellItOverran) {
  cv::Mat page(80, 420, CV_8UC1, cv::Scalar(255));
  cv::rectangle(page, cv::Rect(10, 10, 400, 60), cv::Scalar(0), 2);
  cv::line(page, cv::Point(210, 10), cv::Point(210, 70), cv::Scalar(0), 2);
  cv::putText(page, "27762", cv::Point(100, 52), cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(0), 2);
  cv::putText(page, "17857", cv::Point(225, 52), cv::FONT_HERSHEY_SIMPLEX, 0.9, cv::Scalar(0), 2);
  PixHandle pix = PixFromGray(page);
  const std::vector<Rule> rules = {Rule{10, 10, 410, 10}, Rule{10, 70, 410, 70},
                                   Rule{10, 10, 10, 70}, Rule{210, 10, 210, 70},
                                   Rule{410, 10, 410, 70}};
  const std::vector<TableWord> words = {TableWord{"27762}17857", Box{100, 30, 320, 53}, false, 0, 60}};
  PageTable table;
  table.method = "ruled";
  table.bbox = Box{10, 10, 410, 70};
  table.n_rows = 1;
  table.n_cols = 2;
  table.cells = {TableCell{0, 0, 1, 1, "", Box{10, 10, 210, 70}},
                 TableCell{0, 1, 1, 1, "27762}17857", Box{210, 10, 410, 70}}};
  tesseract::TessBaseAPI api;
  ASSERT_EQ(api.Init(nullptr, "eng"), 0) << "the eng model is installed by the set-up";
  ReadEmptyCells(pix.get(), table, words, rules, api);
  EXPECT_EQ(table.cells[0].text, "27762");
  EXPECT_EQ(table.cells[1].text, "17857");
  api.End();
}

TEST(ReadEmptyCells, AnOverrunComesOffTheEndFacingTheCellItFilled) {
  EXPECT_EQ(WithoutOverrun("2,218,406)1,180,160", "2,218, 406", true), "1,180,160");
  EXPECT_EQ(WithoutOverrun("2,902,296 1,318,832", "2,902,296", true), "1,318,832");
  EXPECT_EQ(WithoutOverrun("1,318,832 | 2,902,296", "2,902,296", false), "1,318,832");
  EXPECT_EQ(WithoutOverrun("(0.21) 3.99", "3.99", false), "(0.21)");  // its own bracket stays
  EXPECT_EQ(WithoutOverrun("1,180,160", "2,218,406", true), "1,180,160");  // no overrun
  EXPECT_EQ(WithoutOverrun("406", "406", true), "406");  // nothing else: left as it is
}

TEST(ReadEmptyCells, AFiguresNextThousandsGroupJoinsIt) {
  EXPECT_TRUE(ContinuesThousands("188,", "980"));
  EXPECT_TRUE(ContinuesThousands("Total 1,234,", "567"));
  EXPECT_TRUE(ContinuesThousands("2,218,", "406)"));
  EXPECT_FALSE(ContinuesThousands("2001,", "2002"));  // a list of years
  EXPECT_FALSE(ContinuesThousands("12,", "34"));     // not a group of three
  EXPECT_FALSE(ContinuesThousands("a,", "123"));
  EXPECT_FALSE(ContinuesThousands("1.5,", "250"));   // a list of decimals
}

}  // namespace
}  // namespace assay
