// Grid reconstruction (stages/table_grid.h), structural checks and the shift detector
// (stages/table_checks.h), and the table scoring measures (core/table_eval.h) on inputs made
// by hand.
#include <gtest/gtest.h>

#include "core/table_eval.h"
#include "stages/table_checks.h"
#include "stages/table_grid.h"

namespace assay {
namespace {

// A word whose box starts at (x, y), 10 points high, 5 points a character.
TableWord W(const std::string& text, double x, double y) {
  return TableWord{text, Box{x, y, x + 5.0 * text.size(), y + 10}};
}

Rule H(double y, double x0, double x1) { return Rule{x0, y, x1, y}; }
Rule V(double x, double y0, double y1) { return Rule{x, y0, x, y1}; }

TEST(RuledTables, FullGridWithAColumnSpan) {
  // 3 rows x 3 columns at x 0,100,200,300 and y 0,20,40,60; the top row's first two slots
  // have no rule between them: one cell spanning two columns.
  std::vector<Rule> rules = {H(0, 0, 300), H(20, 0, 300), H(40, 0, 300), H(60, 0, 300),
                             V(0, 0, 60),  V(100, 20, 60), V(200, 0, 60), V(300, 0, 60)};
  std::vector<TableWord> words = {W("Region", 5, 5), W("Total", 205, 5), W("North", 5, 25),
                                  W("12", 105, 25),  W("30", 205, 25),   W("South", 5, 45),
                                  W("7", 105, 45),   W("19", 205, 45)};
  TablePageReport report;
  const std::vector<PageTable> tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const PageTable& t = tables[0];
  EXPECT_EQ(t.method, "ruled");
  EXPECT_EQ(t.n_rows, 3);
  EXPECT_EQ(t.n_cols, 3);
  const auto rows = t.Rows();
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Region", "", "Total"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"North", "12", "30"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"South", "7", "19"}));
  ASSERT_EQ(t.cells.front().colspan, 2);
  EXPECT_EQ(t.cells.size(), 8u);  // every slot covered by exactly one cell
  EXPECT_EQ(report.span_conflicts, 0);
}

TEST(RuledTables, ColumnsRuledOnlyInTheHeaderKeepTheirBodyCells) {
  // Inner vertical rules only in the header row (a frame around all): the body rows'
  // slots have no rule between them but each holds its own words, so they stay cells.
  std::vector<Rule> rules = {H(0, 0, 300), H(20, 0, 300), H(40, 0, 300), H(60, 0, 300),
                             V(0, 0, 60),  V(100, 0, 20), V(200, 0, 20), V(300, 0, 60)};
  std::vector<TableWord> words = {W("Country", 5, 5), W("Share", 105, 5), W("Total", 205, 5),
                                  W("Austria", 5, 25), W("86.2", 105, 25), W("3,375", 205, 25),
                                  W("Belgium", 5, 45), W("0", 105, 45),    W("3,973", 205, 45)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Austria", "86.2", "3,375"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Belgium", "0", "3,973"}));
}

TEST(RuledTables, BodyRuledOnlyAroundGetsOneRowPerTextLine) {
  // Rules above and below the header and under the body only (the body is one band): each
  // text line reaching several columns is a row; "Severe cases" wraps under "Severe" and stays
  // in its row.
  std::vector<Rule> rules = {H(0, 0, 300), H(20, 0, 300), H(100, 0, 300), V(0, 0, 100),
                             V(100, 0, 20), V(200, 0, 20), V(300, 0, 100)};
  std::vector<TableWord> words = {W("Group", 5, 5),   W("2005", 105, 5),  W("2010", 205, 5),
                                  W("All", 5, 24),    W("291", 105, 24),  W("303", 205, 24),
                                  W("Disabled", 5, 38), W("54", 105, 38), W("56", 205, 38),
                                  W("Severe", 5, 52), W("34", 105, 52),   W("38", 205, 52),
                                  W("cases", 5, 64),  W("Aged", 5, 80),   W("266", 105, 80),
                                  W("278", 205, 80)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"All", "291", "303"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"Severe cases", "34", "38"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"Aged", "266", "278"}));
}

TEST(RuledTables, RowSpanAndMultiLineCell) {
  // The first column's lower two slots are one cell (no rule between them), holding two lines.
  std::vector<Rule> rules = {H(0, 0, 200), H(20, 0, 200), H(40, 100, 200), H(60, 0, 200),
                             V(0, 0, 60),  V(100, 0, 60), V(200, 0, 60)};
  std::vector<TableWord> words = {W("Name", 5, 5),   W("Value", 105, 5), W("long", 5, 25),
                                  W("label", 5, 37), W("1", 105, 25),    W("2", 105, 45)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "long label");
  EXPECT_EQ(rows[2][0], "");
  EXPECT_EQ(rows[2][1], "2");
}

TEST(RuledTables, OnlyRulesNoTextIsNoTable) {
  std::vector<Rule> rules;
  for (int i = 0; i <= 10; ++i) {
    rules.push_back(H(i * 10.0, 0, 100));
    rules.push_back(V(i * 10.0, 0, 100));
  }
  TablePageReport report;
  EXPECT_TRUE(RuledTables({}, rules, &report).empty());
}

TEST(RuledTables, TooManyRulesIsBoundedAndReported) {
  std::vector<Rule> rules;
  for (int i = 0; i < 5000; ++i) rules.push_back(H(i * 0.1, 0, 100));
  TablePageReport report;
  EXPECT_TRUE(RuledTables({}, rules, &report).empty());
  EXPECT_TRUE(report.truncated);
}

TEST(AlignedTables, ColumnsFromWordAlignment) {
  // A paragraph, then a 3-column table without rules, then a paragraph.
  std::vector<TableWord> words = {W("Some", 0, 0), W("prose", 25, 0), W("above", 55, 0)};
  const char* items[] = {"apples", "pears", "plums", "figs"};
  for (int r = 0; r < 4; ++r) {
    const double y = 30 + r * 14;
    words.push_back(W(items[r], 0, y));
    words.push_back(W(std::to_string(10 + r), 120, y));
    words.push_back(W(std::to_string(200 + r) + ".5", 200, y));
  }
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"apples", "10", "200.5"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"figs", "13", "203.5"}));
}

TEST(AlignedTables, TwoColumnsOfProseAreNotATable) {
  std::vector<TableWord> words;
  for (int r = 0; r < 6; ++r) {
    // Words 20 points wide, 3 points apart (a space); the two columns 142 points apart.
    double x = 0;
    for (int i = 0; i < 7; ++i, x += 23) words.push_back(W("word", x, r * 12.0));
    x = 300;
    for (int i = 0; i < 7; ++i, x += 23) words.push_back(W("text", x, r * 12.0));
  }
  EXPECT_TRUE(AlignedTables(words).empty());
}

TEST(AlignedTables, ThreeColumnsOfProseAreNotATable) {
  // A three-column article page: five words a line per column, no column of short cells.
  std::vector<TableWord> words;
  for (int r = 0; r < 6; ++r)
    for (double x0 : {0.0, 200.0, 400.0}) {
      double x = x0;
      for (int i = 0; i < 5; ++i, x += 23) words.push_back(W("word", x, r * 12.0));
    }
  EXPECT_TRUE(AlignedTables(words).empty());
}

TEST(TableChecks, CellTypes) {
  EXPECT_EQ(CellType("1,234"), "integer");
  EXPECT_EQ(CellType("12.5"), "decimal");
  EXPECT_EQ(CellType("12.5%"), "percentage");
  EXPECT_EQ(CellType("$ 1,200"), "currency");
  EXPECT_EQ(CellType("2021-03-04"), "date");
  EXPECT_EQ(CellType("AB-123"), "code");
  EXPECT_EQ(CellType("n.a."), "missing");
  EXPECT_EQ(CellType("North region"), "text");
  EXPECT_EQ(CellType(" "), "empty");
  EXPECT_EQ(CellType(".2%"), "percentage");
  EXPECT_EQ(CellType("1.0*"), "decimal");
  EXPECT_EQ(CellType("(X)"), "missing");
  EXPECT_EQ(CellType("†"), "missing");
}

Grid CleanGrid() {
  return {{"Country", "Code", "Population", "Share"},
          {"France", "FR-75", "67,000", "12.5%"},
          {"Spain", "ES-28", "47,000", "8.8%"},
          {"Italy", "IT-58", "59,000", "10.2%"},
          {"Greece", "GR-10", "10,400", "1.9%"},
          {"Portugal", "PT-11", "10,300", "1.8%"}};
}

TEST(TableChecks, HeaderConsistencyRaggedEmpty) {
  const Grid g = CleanGrid();
  EXPECT_TRUE(HasHeaderRow(g));
  EXPECT_DOUBLE_EQ(ColumnTypeConsistency(g, 1), 1.0);
  EXPECT_EQ(RaggedRows(g, 1), 0);
  EXPECT_DOUBLE_EQ(EmptyCellRatio(g), 0.0);
  Grid ragged = g;
  ragged[2][3] = "";
  EXPECT_EQ(RaggedRows(ragged, 1), 1);
  EXPECT_NEAR(EmptyCellRatio(ragged), 1.0 / 24, 1e-9);
}

TEST(ShiftDetector, CleanTableIsNotFlagged) {
  EXPECT_LE(DetectColumnShift(CleanGrid()).score, kShiftThreshold);
}

TEST(ShiftDetector, RowShiftedRightIsFlagged) {
  Grid g = CleanGrid();
  g[2] = {"", "Spain", "ES-28", "47,000"};  // a lost separator pushed the row one column right
  EXPECT_GT(DetectColumnShift(g).score, kShiftThreshold);
}

TEST(ShiftDetector, SwappedColumnsOfDifferentTypesAreFlagged) {
  Grid g = CleanGrid();
  for (size_t r = 1; r < 4; ++r) std::swap(g[r][2], g[r][3]);  // three of five rows swapped
  EXPECT_GT(DetectColumnShift(g).score, kShiftThreshold);
}

TEST(ShiftDetector, MultiRowHeaderWithYearsIsNotFlagged) {
  const Grid g = {{"Country", "Sales", "", "Share", ""},
                  {"", "2022", "2023", "2022", "2023"},
                  {"France", "1,200", "1,350", "12.5%", "13.0%"},
                  {"Spain", "800", "845", "8.1%", "8.2%"},
                  {"Italy", "950", "990", "9.6%", "9.5%"},
                  {"Greece", "†", "120", "(X)", "1.2%"}};
  EXPECT_EQ(HeaderBlockRows(g), 2);
  EXPECT_LE(DetectColumnShift(g).score, kShiftThreshold);
}

TEST(ShiftDetector, RowPulledLeftIsFlagged) {
  Grid g = CleanGrid();
  g[3] = {"Italy IT-58", "59,000", "10.2%", ""};  // a misread separator merged two cells
  EXPECT_GT(DetectColumnShift(g).score, kShiftThreshold);
}

TEST(ShiftDetector, ColumnMovedDownOneRowIsFlagged) {
  Grid g = CleanGrid();
  for (size_t r = g.size() - 1; r > 1; --r) g[r][0] = g[r - 1][0];
  g[1][0] = "";
  g.push_back({"Portugal", "", "", ""});
  EXPECT_GT(DetectColumnShift(g).score, kShiftThreshold);
}

TEST(ShiftDetector, LabelColumnSwappedAwayIsFlagged) {
  Grid g = {{"Country", "Population"}, {"France", "67,000"}, {"Spain", "47,000"},
            {"Italy", "59,000"}};
  for (size_t r = 1; r < g.size(); ++r) std::swap(g[r][0], g[r][1]);
  EXPECT_GT(DetectColumnShift(g).score, kShiftThreshold);
  Grid ranked = {{"Rank", "Country"}, {"1", "France"}, {"2", "Italy"}, {"3", "Spain"}};
  EXPECT_LE(DetectColumnShift(ranked).score, kShiftThreshold);  // a rank is rightly first
  Grid coded = {{"Code", "State"}, {"01", "Aguascalientes"}, {"01", "Aguascalientes"},
                {"02", "Baja California"}, {"05", "Coahuila"}};
  EXPECT_LE(DetectColumnShift(coded).score, kShiftThreshold);  // so is a zero-padded code
}

// A table laid out as a page sets it: column k's cells start at `left[k]` (left-aligned) or
// end at `right[k]` (right-aligned, when left[k] < 0); rows 20 points apart, text 10 high and
// 5 points a character. `method` "aligned": the boxes are the cells' text.
struct Layout {
  std::vector<double> left, right;
  Box BoxOf(const std::string& text, size_t col, size_t row) const {
    const double w = 5.0 * static_cast<double>(text.size()), y = 20.0 * static_cast<double>(row);
    const double x0 = left[col] >= 0 ? left[col] : right[col] - w;
    return Box{x0, y, x0 + w, y + 10};
  }
};

// The grid as a table whose every cell has the box of the slot it came from: `placed[r][c]`
// names the slot (row, col) whose position the text of grid[r][c] has on the page.
PageTable Placed(const Grid& g, const Layout& layout,
                 const std::vector<std::vector<std::pair<size_t, size_t>>>& placed = {}) {
  PageTable t;
  t.method = "aligned";
  t.n_rows = static_cast<int>(g.size());
  t.n_cols = static_cast<int>(g[0].size());
  for (size_t r = 0; r < g.size(); ++r)
    for (size_t c = 0; c < g[r].size(); ++c) {
      if (g[r][c].empty()) continue;
      const auto [pr, pc] = placed.empty() ? std::pair<size_t, size_t>{r, c} : placed[r][c];
      t.cells.push_back(TableCell{static_cast<int>(r), static_cast<int>(c), 1, 1, g[r][c],
                                  layout.BoxOf(g[r][c], pc, pr)});
    }
  return t;
}

std::vector<std::vector<std::pair<size_t, size_t>>> Identity(const Grid& g) {
  std::vector<std::vector<std::pair<size_t, size_t>>> p(g.size());
  for (size_t r = 0; r < g.size(); ++r)
    for (size_t c = 0; c < g[r].size(); ++c) p[r].push_back({r, c});
  return p;
}

// Two years of figures: columns of one type, which the grid's types cannot tell apart.
Grid YearsGrid() {
  return {{"Country", "2022", "2023"}, {"France", "1,200", "1,350"}, {"Spain", "800", "845"},
          {"Italy", "950", "990"},     {"Greece", "310", "325"},     {"Portugal", "280", "291"},
          {"Austria", "410", "433"},   {"Belgium", "520", "515"}};
}
const Layout kYears{{0, -1, -1}, {0, 120, 180}};

TEST(ShiftGeometry, CleanTableWithBoxesIsNotFlagged) {
  const ShiftReport r = DetectColumnShift(Placed(YearsGrid(), kYears));
  EXPECT_EQ(r.geometry_rows, 0);
  EXPECT_EQ(r.geometry_findings, 0);
  EXPECT_LE(r.score, kShiftThreshold);
  const Layout clean{{0, 100, -1, -1}, {0, 0, 200, 260}};
  EXPECT_LE(DetectColumnShift(Placed(CleanGrid(), clean)).score, kShiftThreshold);
}

TEST(ShiftGeometry, WithoutBoxesTheGridDecides) {
  PageTable t = Placed(YearsGrid(), kYears);
  for (TableCell& c : t.cells) c.bbox = Box{};
  const ShiftReport r = DetectColumnShift(t);
  EXPECT_EQ(r.score, DetectColumnShift(YearsGrid()).score);
  EXPECT_EQ(r.geometry_rows + r.geometry_findings, 0);
}

TEST(ShiftGeometry, SwapOfTwoYearsIsFlagged) {
  Grid g = YearsGrid();
  auto placed = Identity(g);
  for (size_t r = 1; r < g.size(); ++r) {  // the body's texts swapped, each where it stands
    std::swap(g[r][1], g[r][2]);
    std::swap(placed[r][1], placed[r][2]);
  }
  EXPECT_LE(DetectColumnShift(g).score, kShiftThreshold);  // invisible to types
  const ShiftReport r = DetectColumnShift(Placed(g, kYears, placed));
  EXPECT_EQ(r.geometry_findings, 1);  // 2022's range right of 2023's
  EXPECT_GT(r.score, kShiftThreshold);
}

TEST(ShiftGeometry, RowShiftedRightIsFlagged) {
  Grid g = YearsGrid();
  auto placed = Identity(g);
  g[3] = {"", "Italy", "950"};  // each text keeps its place on the page
  placed[3] = {{3, 0}, {3, 0}, {3, 1}};
  const ShiftReport r = DetectColumnShift(Placed(g, kYears, placed));
  EXPECT_EQ(r.geometry_rows, 1);
  EXPECT_GT(r.score, kShiftThreshold);
}

TEST(ShiftGeometry, ColumnMovedDownIsFlagged) {
  Grid g = YearsGrid();
  auto placed = Identity(g);
  g.push_back({"", "", ""});
  placed.push_back({{8, 0}, {8, 1}, {8, 2}});
  for (size_t r = g.size() - 1; r > 1; --r) {  // 2023's figures one row down, where they stand
    g[r][2] = g[r - 1][2];
    placed[r][2] = {r - 1, 2};
  }
  g[1][2] = "";
  const ShiftReport r = DetectColumnShift(Placed(g, kYears, placed));
  EXPECT_GE(r.geometry_rows, 6);
  EXPECT_GT(r.score, kShiftThreshold);
}

TEST(ShiftGeometry, MergedColumnsShowTheirGap) {
  // Country and capital read as one column: each cell's box spans the gap between them.
  const Grid wide = {{"Country", "Capital", "Population"}, {"France", "Paris", "67,000"},
                     {"Spain", "Madrid", "47,000"},        {"Italy", "Rome", "59,000"},
                     {"Greece", "Athens", "10,400"},       {"Portugal", "Lisbon", "10,300"}};
  const Layout layout{{0, 100, -1}, {0, 0, 260}};
  PageTable t;
  t.method = "aligned";
  t.n_rows = static_cast<int>(wide.size());
  t.n_cols = 2;
  for (size_t r = 0; r < wide.size(); ++r) {
    Box a = layout.BoxOf(wide[r][0], 0, r), b = layout.BoxOf(wide[r][1], 1, r);
    a.Extend(b);
    t.cells.push_back(TableCell{static_cast<int>(r), 0, 1, 1, wide[r][0] + " " + wide[r][1], a});
    t.cells.push_back(
        TableCell{static_cast<int>(r), 1, 1, 1, wide[r][2], layout.BoxOf(wide[r][2], 2, r)});
  }
  const ShiftReport r = DetectColumnShift(t);
  EXPECT_EQ(r.geometry_findings, 1);
  EXPECT_GT(r.score, kShiftThreshold);
  t.method = "ruled";  // a ruled table's boxes are its slots: a wide box is no gap
  EXPECT_EQ(DetectColumnShift(t).geometry_findings, 0);
}

TEST(ShiftGeometry, ColumnSplitAtAWordSpaceIsFlagged) {
  // A column of two-word names cut at the space: the second word a word space (3 points, under
  // a third of the 10-point line) after the first.
  const Grid g = {{"City", "name", "Residents"}, {"New", "York", "8,300"},
                  {"Los", "Angeles", "3,800"},   {"San", "Diego", "1,380"},
                  {"Las", "Vegas", "650"},       {"El", "Paso", "680"}};
  PageTable t;
  t.method = "aligned";
  t.n_rows = static_cast<int>(g.size());
  t.n_cols = 3;
  for (size_t r = 0; r < g.size(); ++r) {
    const double y = 20.0 * static_cast<double>(r), w0 = 5.0 * g[r][0].size();
    const double w1 = 5.0 * g[r][1].size(), w2 = 5.0 * g[r][2].size();
    const int row = static_cast<int>(r);
    t.cells.push_back(TableCell{row, 0, 1, 1, g[r][0], Box{0, y, w0, y + 10}});
    t.cells.push_back(TableCell{row, 1, 1, 1, g[r][1], Box{w0 + 3, y, w0 + 3 + w1, y + 10}});
    t.cells.push_back(TableCell{row, 2, 1, 1, g[r][2], Box{200 - w2, y, 200, y + 10}});
  }
  EXPECT_LE(DetectColumnShift(g).score, kShiftThreshold);  // invisible to types
  const ShiftReport r = DetectColumnShift(t);
  EXPECT_EQ(r.geometry_findings, 1);
  EXPECT_GT(r.score, kShiftThreshold);
  for (TableCell& c : t.cells)  // the same names a column gap apart: two columns
    if (c.col == 1) c.bbox.x0 += 40, c.bbox.x1 += 40;
  EXPECT_EQ(DetectColumnShift(t).geometry_findings, 0);
}

TEST(ShiftGeometry, SectionLabelRunningOverTheNextColumnIsNotFlagged) {
  Grid g = YearsGrid();
  g.insert(g.begin() + 4, {"Southern and western Europe", "", ""});  // wider than its column
  const ShiftReport r = DetectColumnShift(Placed(g, kYears));
  EXPECT_EQ(r.geometry_rows, 0);
  EXPECT_LE(r.score, kShiftThreshold);
}

TEST(TableEval, CsvAdjacencyAndCellText) {
  const TextGrid g = ParseCsvGrid("a,b\r\n\"c, d\",\"e\"\"f\"\r\n");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[1][0], "c, d");
  EXPECT_EQ(g[1][1], "e\"f");
  // a-b (H), a-c,d (V), b-e"f (V), c,d-e"f (H)
  EXPECT_EQ(AdjacencyRelations(g).size(), 4u);
  TextGrid empty_middle = {{"x", "", "y"}};
  ASSERT_EQ(AdjacencyRelations(empty_middle).size(), 1u);  // the nearest non-empty neighbour
  int tp = 0;
  EXPECT_DOUBLE_EQ(MultisetF1({"a", "b"}, {"a", "c"}, &tp), 0.5);
  EXPECT_EQ(tp, 1);
}

}  // namespace
}  // namespace assay
