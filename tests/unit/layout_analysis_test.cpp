#include "stages/layout_analysis.h"

#include <gtest/gtest.h>

#include <sstream>

namespace assay {
namespace {

// A text-layer block: `lines` of text from (x0, y0), each line `size` * 1.2 below the last,
// words in `font` at `size` points, as wide as their characters at 0.6 em.
Block TextBlock(std::vector<std::string> lines, double x0, double y0, double size,
                const std::string& font = "Times-Roman") {
  Block b;
  double y = y0;
  for (const std::string& text : lines) {
    Line l;
    std::istringstream in(text);
    double x = x0;
    for (std::string w; in >> w;) {
      Word word{w, Box{x, y, x + 0.6 * size * w.size(), y + size}, -1, font, size};
      x = word.bbox.x1 + 0.6 * size;
      l.bbox.Extend(word.bbox);
      l.words.push_back(std::move(word));
    }
    b.bbox.Extend(l.bbox);
    b.lines.push_back(std::move(l));
    y += size * 1.2;
  }
  return b;
}

// A paragraph of n lines of body text (10 pt) in a column of width ~ `width`.
Block Paragraph(const std::string& tag, int n, double x0, double y0, double width = 220) {
  std::vector<std::string> lines;
  const int chars = static_cast<int>(width / 6);
  for (int i = 0; i < n; ++i) {
    std::string l = tag + std::to_string(i);
    while (static_cast<int>(l.size()) + 5 < chars) l += " word";
    lines.push_back(l);
  }
  return TextBlock(lines, x0, y0, 10);
}

Page MakePage(int number, std::vector<Block> blocks) {
  Page p;
  p.number = number;
  p.width = 612;
  p.height = 792;
  p.text_source = "pdf_text";
  p.blocks = std::move(blocks);
  return p;
}

std::vector<PageLayout> LayOut(std::vector<Page>& pages,
                               std::vector<std::vector<Box>> figures = {}) {
  std::vector<PageInput> in;
  for (size_t i = 0; i < pages.size(); ++i) {
    PageInput pi;
    pi.page = &pages[i];
    for (const Block& b : pages[i].blocks) pi.styles.push_back(TextLayerStyle(b));
    if (i < figures.size()) pi.figure_regions = figures[i];
    pi.figure_source = "pdf_graphics";
    in.push_back(std::move(pi));
  }
  return LayOutDocument(in);
}

std::vector<std::string> FirstWords(const Page& p) {
  std::vector<std::string> out;
  for (const Block& b : p.blocks) {
    out.push_back(b.lines.empty() || b.lines[0].words.empty() ? "<" + b.type + ">"
                                                              : b.lines[0].words[0].text);
  }
  return out;
}

TEST(LayoutAnalysisTest, TwoColumnsReadColumnByColumnAfterTheSpanningTitle) {
  // Given in an interleaved order (as a text layer might give them): L0 R0 L1 R1 L2 R2.
  std::vector<Block> blocks;
  blocks.push_back(TextBlock({"A Spanning Title"}, 150, 60, 20, "Times-Bold"));
  for (int i = 0; i < 3; ++i) {
    blocks.push_back(Paragraph("L" + std::to_string(i) + "_", 6, 54, 120 + i * 90.0));
    blocks.push_back(Paragraph("R" + std::to_string(i) + "_", 6, 320, 120 + i * 90.0));
  }
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  const auto layout = LayOut(pages);
  EXPECT_EQ(FirstWords(pages[0]),
            (std::vector<std::string>{"A", "L0_0", "L1_0", "L2_0", "R0_0", "R1_0", "R2_0"}));
  EXPECT_EQ(pages[0].blocks[0].type, "title");
  EXPECT_EQ(layout[0].columns, 2);
  EXPECT_DOUBLE_EQ(layout[0].reading_order_confidence, 1.0);
}

TEST(LayoutAnalysisTest, ABlockAcrossTheGutterMakesTheOrderAGuessAndSaysSo) {
  std::vector<Block> blocks;
  blocks.push_back(Paragraph("L", 6, 54, 100));
  blocks.push_back(Paragraph("R", 6, 320, 100));
  // Narrower than a spanning block, crossing the gutter beside both: no cut separates L and R.
  blocks.push_back(Paragraph("X", 3, 200, 140, 200));
  blocks.push_back(Paragraph("M", 6, 54, 260));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  const auto layout = LayOut(pages);
  EXPECT_LT(layout[0].reading_order_confidence, 1.0);
  EXPECT_GT(layout[0].reading_order_confidence, 0.0);
}

TEST(LayoutAnalysisTest, RunningHeadsAndPageNumbersAreHeadersAndFootersOutOfTheText) {
  std::vector<Page> pages;
  for (int n = 1; n <= 3; ++n) {
    std::vector<Block> blocks;
    blocks.push_back(TextBlock({"Journal of Things, vol. " + std::to_string(n)}, 54, 30, 8));
    blocks.push_back(Paragraph("Body" + std::to_string(n) + "_", 10, 54, 100, 500));
    blocks.push_back(TextBlock({std::to_string(n)}, 300, 760, 9));
    pages.push_back(MakePage(n, std::move(blocks)));
  }
  LayOut(pages);
  for (const Page& p : pages) {
    ASSERT_EQ(p.blocks.size(), 3u);
    EXPECT_EQ(p.blocks[0].type, "header");
    EXPECT_EQ(p.blocks[1].type, "paragraph");
    EXPECT_EQ(p.blocks[2].type, "footer");
    EXPECT_EQ(p.Text().find("Journal"), std::string::npos);
    EXPECT_TRUE(p.Text().starts_with("Body"));
    EXPECT_TRUE(p.Text().ends_with("word"));  // the page number is not in it
  }
}

// A table's header row of column numbers near the top of the page (ICDAR us-019's "Statistic"
// over "1" .. "10"): each number is a block in the head band and looks like a page number, but
// beside nine others along its line it is a cell. The running title beside its page number
// stays a head.
TEST(LayoutAnalysisTest, ARowOfColumnNumbersNearTheTopIsNoRunningHead) {
  std::vector<Block> blocks;
  blocks.push_back(TextBlock({"Appendix A"}, 54, 30, 9));
  blocks.push_back(TextBlock({"85"}, 540, 30, 9));
  blocks.push_back(TextBlock({"Statistic"}, 54, 80, 9));
  for (int n = 1; n <= 10; ++n) blocks.push_back(TextBlock({std::to_string(n)}, 250 + 30 * n, 80, 9));
  blocks.push_back(Paragraph("Body", 10, 54, 120, 500));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  LayOut(pages);
  const Page& p = pages[0];
  EXPECT_EQ(p.blocks[0].type, "header");
  EXPECT_EQ(p.blocks[1].type, "header");
  for (size_t i = 3; i < 13; ++i) EXPECT_NE(p.blocks[i].type, "header") << p.blocks[i].Text();
}

// A court-transcript page: one number block per line in a left gutter, 25 lines down the page,
// the text beside them. Seen by scotus-transcript-p1.pdf (text_born_digital/dev): read as a
// column, the numbers were spliced into the text as a run "1 2 3 ... 25" (CER 0.28 against
// pdfplumber's layout text; pdftotext 0.065).
TEST(LayoutAnalysisTest, AGutterOfLineNumbersIsKeptOutOfTheText) {
  std::vector<Block> blocks;
  for (int n = 1; n <= 25; ++n) {
    const double y = 68 + 26 * (n - 1);
    blocks.push_back(TextBlock({std::to_string(n)}, n < 10 ? 97 : 90, y, 12));
    blocks.push_back(TextBlock({"spoken words of line " + std::to_string(n)}, 130, y, 12));
  }
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  LayOut(pages);
  int numbers = 0;
  for (const Block& b : pages[0].blocks) numbers += b.type == "line_number";
  EXPECT_EQ(numbers, 25);
  const std::string text = pages[0].Text();
  EXPECT_TRUE(text.starts_with("spoken words of line 1\n")) << text.substr(0, 80);
  EXPECT_EQ(text.find("\n2\n"), std::string::npos);
}

// Numbers that are not a gutter stay text: a short numbered run (a list of years) and a
// column of figures with text on both sides of it.
TEST(LayoutAnalysisTest, NumbersThatAreNotAGutterStayText) {
  std::vector<Block> blocks;
  for (int n = 0; n < 6; ++n) {
    blocks.push_back(TextBlock({std::to_string(2001 + n)}, 54, 100 + 14 * n, 10));
  }
  for (int n = 0; n < 30; ++n) {
    const double y = 250 + 16 * n;
    blocks.push_back(TextBlock({"item " + std::to_string(n)}, 54, y, 10));
    blocks.push_back(TextBlock({std::to_string(10 * n + 5)}, 250, y, 10));
    blocks.push_back(TextBlock({"remark " + std::to_string(n)}, 320, y, 10));
  }
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  LayOut(pages);
  for (const Block& b : pages[0].blocks) EXPECT_NE(b.type, "line_number") << b.Text();
}

TEST(LayoutAnalysisTest, HeadingLevelsFromSizesBoldAndNumbers) {
  std::vector<Block> blocks;
  blocks.push_back(TextBlock({"The Title of It"}, 100, 60, 22, "Helvetica-Bold"));
  blocks.push_back(TextBlock({"1 Introduction"}, 54, 110, 16, "Helvetica-Bold"));
  blocks.push_back(Paragraph("P", 5, 54, 140, 500));
  blocks.push_back(TextBlock({"1.1 Scope"}, 54, 220, 13, "Helvetica-Bold"));
  blocks.push_back(Paragraph("Q", 5, 54, 245, 500));
  blocks.push_back(TextBlock({"Unnumbered Bold Aside"}, 54, 320, 10, "Times-Bold"));
  blocks.push_back(Paragraph("S", 5, 54, 340, 500));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  const auto layout = LayOut(pages);
  const auto& b = pages[0].blocks;
  ASSERT_EQ(b.size(), 7u);
  EXPECT_EQ(b[0].type, "title");
  EXPECT_EQ(b[1].type, "heading");
  EXPECT_EQ(b[1].level, 1);
  EXPECT_EQ(b[3].type, "heading");
  EXPECT_EQ(b[3].level, 2);
  EXPECT_EQ(b[5].type, "heading");
  EXPECT_EQ(b[5].level, 3);  // the smallest heading size: below the numbered ones
  EXPECT_EQ(b[2].type, "paragraph");
  EXPECT_EQ(layout[0].headings, 4);
}

TEST(LayoutAnalysisTest, FiguresTakeTheirCaptionsAndLabelsAndFootnotesComeLast) {
  std::vector<Block> blocks;
  blocks.push_back(TextBlock({"1 A small footnote at the bottom of the page"}, 54, 700, 7));
  blocks.push_back(Paragraph("P", 5, 54, 80, 500));
  blocks.push_back(TextBlock({"axis label"}, 120, 250, 8));  // inside the figure
  blocks.push_back(TextBlock({"Figure 1: What the chart shows."}, 60, 352, 9));
  blocks.push_back(Paragraph("Q", 5, 54, 400, 500));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  const auto layout = LayOut(pages, {{Box{60, 180, 400, 340}, Box{60, 560, 300, 640}}});
  const Page& p = pages[0];
  ASSERT_EQ(p.figures.size(), 2u);
  EXPECT_EQ(p.figures[0].caption, "Figure 1: What the chart shows.");
  EXPECT_EQ(p.figures[0].source, "pdf_graphics");
  EXPECT_EQ(p.figures[1].caption, "");
  EXPECT_EQ(layout[0].uncaptioned_figures, 1);
  std::vector<std::string> types;
  for (const Block& b : p.blocks) types.push_back(b.type);
  EXPECT_EQ(types, (std::vector<std::string>{"paragraph", "figure", "caption", "paragraph",
                                             "figure", "footnote"}));
  EXPECT_EQ(p.blocks[1].Text(), "axis label");  // the label went into the figure
  EXPECT_EQ(p.Text().find("axis label"), std::string::npos);
}

TEST(LayoutAnalysisTest, FootnotesReadTopToBottomWhateverTheirLeftEdges) {
  // An OCR'd page's note blocks start a pixel or so apart (us-027 p1): sorted by left edge,
  // note 3 came first. Two columns of notes still read column by column.
  std::vector<Block> blocks;
  blocks.push_back(Paragraph("P", 8, 54, 80, 500));
  blocks.push_back(TextBlock({"1 The first note, a line long enough to span the text width here"}, 54.4, 690, 7));
  blocks.push_back(TextBlock({"2 The second note, a line long enough to span the text width"}, 54.2, 705, 7));
  blocks.push_back(TextBlock({"3 The third note, a line long enough to span the text width"}, 53.6, 720, 7));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  LayOut(pages);
  EXPECT_EQ(FirstWords(pages[0]), (std::vector<std::string>{"P0", "1", "2", "3"}));

  std::vector<Block> two;
  two.push_back(Paragraph("P", 8, 54, 80, 500));
  two.push_back(TextBlock({"4 A note on the right"}, 320, 690, 7));
  two.push_back(TextBlock({"2 A second note"}, 54.5, 705, 7));
  two.push_back(TextBlock({"1 A note on the left"}, 54, 690, 7));
  two.push_back(TextBlock({"5 Another on the right"}, 319.5, 705, 7));
  std::vector<Page> columns{MakePage(1, std::move(two))};
  LayOut(columns);
  EXPECT_EQ(FirstWords(columns[0]), (std::vector<std::string>{"P0", "1", "2", "4", "5"}));
}

TEST(LayoutAnalysisTest, ANoteBelowTheFootnotesIsOneEvenWhenItMeasuresLarger) {
  // OCR'd notes whose first line carries a raised number measure about body size (us-027 p4):
  // below a footnote and under it, such a block is a note and reads after the notes above it.
  std::vector<Block> blocks;
  blocks.push_back(Paragraph("P", 10, 54, 80, 500));
  blocks.push_back(TextBlock({"3 A later note set at body size, a line long enough to span"}, 54, 670, 10));
  blocks.push_back(TextBlock({"1 The first note, a line long enough to span the text width here"}, 54, 630, 7));
  blocks.push_back(TextBlock({"2 The second note, a line long enough to span the text width"}, 54, 645, 7));
  // Beside the notes, not under them: body text of a second column stays body text.
  blocks.push_back(TextBlock({"Q0 a column of text"}, 420, 675, 10));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  LayOut(pages);
  std::vector<std::string> types;
  for (const Block& b : pages[0].blocks) types.push_back(b.type + ":" + b.lines[0].words[0].text);
  EXPECT_EQ(types, (std::vector<std::string>{"paragraph:P0", "paragraph:Q0", "footnote:1",
                                             "footnote:2", "footnote:3"}));
}

TEST(LayoutAnalysisTest, ListItemsStayItemsAndNeighbouringListBlocksJoin) {
  std::vector<Block> blocks;
  blocks.push_back(Paragraph("P", 3, 54, 80, 500));
  blocks.push_back(TextBlock({"- first item that", "wraps on", "- second item"}, 54, 130, 10));
  blocks.push_back(TextBlock({"- third item"}, 54, 167, 10));
  std::vector<Page> pages{MakePage(1, std::move(blocks))};
  LayOut(pages);
  ASSERT_EQ(pages[0].blocks.size(), 2u);
  EXPECT_EQ(pages[0].blocks[1].type, "list");
  EXPECT_EQ(
      pages[0].blocks[1].Items(),
      (std::vector<std::string>{"- first item that wraps on", "- second item", "- third item"}));
}

TEST(LayoutAnalysisTest, TextPatterns) {
  EXPECT_EQ(NumberingLevel("2.3.1 Methods"), 3);
  EXPECT_EQ(NumberingLevel("4 Results"), 1);
  EXPECT_EQ(NumberingLevel("4. Results"), 1);
  EXPECT_EQ(NumberingLevel("Results"), 0);
  EXPECT_EQ(NumberingLevel("1999"), 0);
  EXPECT_TRUE(LooksLikeCaption("Figure 3: the thing"));
  EXPECT_TRUE(LooksLikeCaption("Fig. 2. Another"));
  EXPECT_TRUE(LooksLikeCaption("Table 1 Results of"));
  EXPECT_FALSE(LooksLikeCaption("Figures show that"));
  EXPECT_TRUE(LooksLikePageNumber("12"));
  EXPECT_TRUE(LooksLikePageNumber("- 3 -"));
  EXPECT_TRUE(LooksLikePageNumber("Page 4 of 9"));
  EXPECT_TRUE(LooksLikePageNumber("iv"));
  EXPECT_FALSE(LooksLikePageNumber("In 2020 we"));
  EXPECT_TRUE(StartsListItem("- an item"));
  EXPECT_TRUE(StartsListItem("\u2022 an item"));
  EXPECT_TRUE(StartsListItem("3. an item"));
  EXPECT_TRUE(StartsListItem("(b) an item"));
  EXPECT_FALSE(StartsListItem("1.5 Section"));
  EXPECT_FALSE(StartsListItem("Dr. Who"));
  EXPECT_FALSE(StartsListItem("-5 degrees"));
}

}  // namespace
}  // namespace assay
