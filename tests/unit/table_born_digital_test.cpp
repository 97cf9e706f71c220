// Born-digital table reconstruction beyond full grids (stages/table_columns.h,
// stages/table_prose.h, stages/table_grid.h): columns a ruled table leaves unruled, tables
// ruled only between rows, prose beside an unruled table, dot leaders, tall bullets, wrapped
// lines in a ruled band and in an unruled table, touching words, figures one space apart,
// sections set apart by wide gaps, charts, repeated headers, phrases across an undrawn
// boundary, headers ruled partly between their label rows, label columns left open, white
// fills (no rules: stages/pdf_rulings.h); and the scoring's no-break space and region files
// (core/table_eval.h).
#include <gtest/gtest.h>

#include <poppler/GlobalParams.h>
#include <poppler/PDFDoc.h>

#include <filesystem>
#include <fstream>

#include "core/table_eval.h"
#include "stages/pdf_rulings.h"
#include "stages/pdf_support.h"
#include "stages/table_columns.h"
#include "stages/table_grid.h"
#include "stages/table_prose.h"
#include "tests/unit/test_paths.h"

namespace assay {
namespace {

// A word whose box starts at (x, y), 10 points high, 5 points a character.
TableWord BdWord(const std::string& text, double x, double y, bool prose = false) {
  return TableWord{text, Box{x, y, x + 5.0 * text.size(), y + 10}, prose};
}

// The rows of the one table `words` and `rules` make; 0 when they make no table or several.
size_t RowsOfOneTable(const std::vector<TableWord>& words, const std::vector<Rule>& rules) {
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  return tables.size() == 1 ? tables[0].Rows().size() : size_t{0};
}

TEST(TableColumns, ColumnGroupRuledOnlyAtItsSidesIsSplitByAlignment) {
  // Rules frame a label column (0..100) and a group column (100..300) holding two columns of
  // figures with no rule between them; the group's label sits over the gap.
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0},  Rule{0, 20, 300, 20}, Rule{0, 80, 300, 80},
                                   Rule{0, 0, 0, 80},    Rule{100, 0, 100, 80}, Rule{300, 0, 300, 80}};
  const std::vector<TableWord> words = {
      BdWord("Region", 5, 5),  BdWord("Sales", 180, 5),
      BdWord("North", 5, 25),  BdWord("12.5", 110, 25), BdWord("30.1", 260, 25),
      BdWord("South", 5, 45),  BdWord("7.0", 110, 45),  BdWord("19.9", 260, 45),
      BdWord("East", 5, 65),   BdWord("3.2", 110, 65),  BdWord("4.4", 260, 65)};
  EXPECT_EQ(AlignedColumnGaps(words, Box{100, 0, 300, 80}).size(), 1u);
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(tables[0].n_cols, 3);
  EXPECT_EQ(rows.back(), (std::vector<std::string>{"East", "3.2", "4.4"}));
}

TEST(TableColumns, AMonospacedGroupsFiguresOneSpaceApartAreTwoColumns) {
  // ICDAR us-033, set in Courier (BdWord: 5 points a character): a ruled group over two
  // columns of figures right-aligned at x 190 and 240, the widest one character apart
  // ("1,249,752 1,364,492"); its heading "Mexican American", one character between its words,
  // straddles the gap between them and spans the two columns.
  std::vector<Rule> rules = {Rule{0, 0, 250, 0}, Rule{0, 20, 250, 20}, Rule{0, 0, 0, 180},
                             Rule{60, 0, 60, 180}, Rule{250, 0, 250, 180}, Rule{0, 180, 250, 180}};
  auto right = [](const std::string& t, double x1, double y) { return BdWord(t, x1 - 5.0 * t.size(), y); };
  // Courier's box is 0.79 em high for 0.6 em a character: 6.6 points here, so the space is
  // wider than half the line (a proportional font's word spaces are narrower).
  auto courier = [](const std::string& t, double x, double y) {
    return TableWord{t, Box{x, y, x + 5.0 * t.size(), y + 6.6}};
  };
  std::vector<TableWord> words = {BdWord("Age", 5, 5), courier("Mexican", 150, 7), courier("American", 190, 7)};
  const char* figures[][2] = {{"165,949", "185,667"}, {"1,249,752", "1,364,492"}, {"972,969", "843,937"},
                              {"757,342", "681,281"}, {"462,520", "613,319"},     {"229,588", "235,166"},
                              {"71,673", "88,032"},   {"9,619,653", "9,965,622"}};
  for (int r = 0; r < 8; ++r) {
    const double y = 25 + 20 * r;
    words.push_back(BdWord("Row" + std::to_string(r), 5, y));
    words.push_back(right(figures[r][0], 190, y));
    words.push_back(right(figures[r][1], 240, y));
  }
  EXPECT_EQ(AlignedColumnGaps(words, Box{60, 0, 250, 180}).size(), 1u);
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(tables[0].n_cols, 3);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Age", "Mexican American", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Row1", "1,249,752", "1,364,492"}));
}

TEST(TableColumns, WordsOfOnePhraseMakeNoGap) {
  const std::vector<TableWord> words = {BdWord("New", 0, 0),  BdWord("York", 20, 0),
                                        BdWord("Old", 0, 20), BdWord("Town", 20, 20),
                                        BdWord("Big", 0, 40), BdWord("City", 20, 40)};
  EXPECT_TRUE(AlignedColumnGaps(words, Box{-5, -5, 100, 60}).empty());
}

TEST(TableColumns, TableRuledOnlyBetweenRowsWithWrappedCells) {
  // Four horizontal rules of one width and no vertical rule; the second row's label wraps
  // onto a second line: one row, not two.
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0}, Rule{0, 20, 300, 20}, Rule{0, 55, 300, 55},
                                   Rule{0, 75, 300, 75}};
  const std::vector<TableWord> words = {
      BdWord("Animal", 5, 5),   BdWord("Action", 120, 5), BdWord("Result", 220, 5),
      BdWord("Parastrat", 5, 25), BdWord("Says", 120, 25), BdWord("bzzz", 220, 25),
      BdWord("iomyia", 5, 40),
      BdWord("Cat", 5, 60),     BdWord("Says", 120, 60),  BdWord("Meow", 220, 60)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Parastrat iomyia", "Says", "bzzz"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Cat", "Says", "Meow"}));
}

TEST(TableColumns, ASpanningLabelsUnderlineInTheHeaderPartsItsRows) {
  // A journal table ruled only between rows: top, under the header, bottom; in the header a
  // shorter rule under "Disease", a label over the two columns of figures (ICDAR us-025).
  const std::vector<Rule> stack = {Rule{0, 0, 300, 0}, Rule{0, 32, 300, 32}, Rule{0, 140, 300, 140}};
  std::vector<Rule> rules = stack;
  rules.push_back(Rule{110, 15, 300, 15});
  std::vector<TableWord> words = {BdWord("Disease", 170, 3), BdWord("Group", 5, 18),
                                  BdWord("No.", 120, 18),    BdWord("Rate", 250, 18)};
  const char* places[] = {"North", "South", "East", "West", "Upper", "Lower", "Inner"};
  for (int i = 0; i < 7; ++i) {
    const double y = 36 + 14.0 * i;
    words.push_back(BdWord(places[i], 5, y));
    words.push_back(BdWord(std::to_string(10 + i), 120, y));
    words.push_back(BdWord(std::to_string(20 + i) + ".5", 250, y));
  }
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0][1], "Disease");
  EXPECT_EQ(rows[1], (std::vector<std::string>{"", "No.", "Rate"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"North", "10", "20.5"}));
  // Without the underline the header's two lines are one row.
  EXPECT_EQ(RowsOfOneTable(words, stack), 8u);
  // A shorter rule further down (over a column's total) is not the stack's: each body line
  // stays a row.
  rules.push_back(Rule{240, 120, 300, 120});
  EXPECT_EQ(RowsOfOneTable(words, rules), 9u);
}

TEST(TableColumns, AHeaderPastItsFiguresEdgeIntoTheGapStaysInItsColumn) {
  // Ruled only between rows; two columns of figures, the first's print ending at x 150, the
  // second's starting at 175. The second's heading starts in the gap between them (x 152,
  // 12s0324.pdf's "Under 18" right-aligned over its figures): its own column's, not a label
  // spanning both. One reaching into the first column's print (x 147) spans both.
  const std::vector<Rule> rules = {Rule{0, 0, 220, 0}, Rule{0, 16, 220, 16}, Rule{0, 136, 220, 136}};
  auto header_of = [&](double second_heading_x) {
    std::vector<TableWord> words = {BdWord("Offense", 5, 3), BdWord("Total", 115, 3),
                                    BdWord("Under", second_heading_x, 3)};
    const char* labels[] = {"Arson", "Fraud", "Theft", "Rape", "Arson", "Fraud", "Theft", "Rape"};
    for (int i = 0; i < 8; ++i) {
      const double y = 20 + 14.0 * i;
      words.push_back(BdWord(labels[i], 5, y));
      words.push_back(BdWord(std::to_string(10000 + i), 125, y));
      words.push_back(BdWord(std::to_string(20000 + i), 175, y));
    }
    TablePageReport report;
    const auto tables = RuledTables(words, rules, &report);
    return tables.size() == 1 ? tables[0].Rows().front() : std::vector<std::string>{};
  };
  EXPECT_EQ(header_of(152), (std::vector<std::string>{"Offense", "Total", "Under"}));
  EXPECT_EQ(header_of(147), (std::vector<std::string>{"Offense", "Total Under", ""}));
}

TEST(RuledTables, ASectionLabelOverItsRowsIsARowOfItsOwn) {
  // "Sex" over "Female" and "Male", "Race" over "Black": a label alone on its line with room
  // after it for the next row's label heads a section; a label's first line that is full
  // ("Asian/Pacific", its row's figures on the next line) is that row's.
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0}, Rule{0, 20, 300, 20}, Rule{0, 140, 300, 140}};
  const std::vector<TableWord> words = {
      BdWord("Characteristic", 5, 5), BdWord("No.", 120, 5), BdWord("Rate", 220, 5),
      BdWord("Sex", 5, 24),
      BdWord("Female", 12, 37),       BdWord("200", 120, 37), BdWord("10.3", 220, 37),
      BdWord("Male", 12, 50),         BdWord("224", 120, 50), BdWord("17.6", 220, 50),
      BdWord("Race", 5, 63),
      BdWord("Black", 12, 76),        BdWord("445", 120, 76), BdWord("16.1", 220, 76),
      BdWord("Asian/Pacific", 5, 96),
      BdWord("Islander", 5, 107),     BdWord("757", 120, 107), BdWord("7.7", 220, 107)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Sex", "", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Female", "200", "10.3"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"Race", "", ""}));
  EXPECT_EQ(rows[6], (std::vector<std::string>{"Asian/Pacific Islander", "757", "7.7"}));
  // In a column too narrow for that ("Women" over "45-54"), the next label set in under it,
  // not mid-sentence, does the same.
  const std::vector<TableWord> narrow = {
      BdWord("Age", 5, 5),    BdWord("No.", 60, 5),  BdWord("Rate", 120, 5),
      BdWord("Women", 5, 24),
      BdWord("45-54", 12, 37), BdWord("47", 60, 37), BdWord("21.8", 120, 37),
      BdWord("55-64", 12, 50), BdWord("116", 60, 50), BdWord("85.5", 120, 50),
      BdWord("Men", 5, 63),
      BdWord("45-54", 12, 76), BdWord("164", 60, 76), BdWord("81.0", 120, 76)};
  const auto narrow_tables = RuledTables(narrow, rules, &report);
  ASSERT_EQ(narrow_tables.size(), 1u);
  const auto narrow_rows = narrow_tables[0].Rows();
  ASSERT_EQ(narrow_rows.size(), 6u);
  EXPECT_EQ(narrow_rows[1], (std::vector<std::string>{"Women", "", ""}));
  EXPECT_EQ(narrow_rows[4], (std::vector<std::string>{"Men", "", ""}));
}

TEST(RuledTables, LabelsUnderALabelSpanningTheirColumnsAreAHeaderRowOfTheirOwn) {
  // A header band ruled above and below: "Non-Hispanic white" over the unruled "Male" and
  // "Female" columns of its group (ICDAR us-033); each line is a header row.
  // Fifteen rows, so that two lines may cross the gap between "Male" and "Female" and leave it
  // a column gap (AlignedColumnGaps: 12% of the lines).
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0},  Rule{0, 30, 300, 30}, Rule{0, 250, 300, 250},
                                   Rule{0, 0, 0, 250},  Rule{100, 0, 100, 250}, Rule{300, 0, 300, 250}};
  std::vector<TableWord> words = {BdWord("Age", 5, 3), BdWord("(years)", 25, 3),
                                  BdWord("Non-Hispanic", 130, 3), BdWord("white", 195, 3)};
  for (int i = 0; i < 15; ++i) {
    const double y = 34 + 14.0 * i;
    words.push_back(BdWord(std::to_string(10 * i) + "s", 5, y));
    words.push_back(BdWord(std::to_string(100 + i), 120, y));
    words.push_back(BdWord(std::to_string(200 + i), 225, y));
  }
  auto header_rows = [&](const std::vector<TableWord>& second_line) {
    std::vector<TableWord> all = words;
    all.insert(all.end(), second_line.begin(), second_line.end());
    const size_t rows = RowsOfOneTable(all, rules);
    return rows == 0 ? size_t{0} : rows - 15;
  };
  EXPECT_EQ(header_rows({BdWord("Male", 120, 16), BdWord("Female", 215, 16)}), 2u);
  // Words going on mid-sentence under it (a wrapped label OCR split) are not; nor is one
  // phrase running on across the columns (a note's wrapped line).
  EXPECT_EQ(header_rows({BdWord("years", 120, 16), BdWord("old", 215, 16)}), 1u);
  EXPECT_EQ(header_rows({BdWord("Males", 125, 16), BdWord("and", 155, 16), BdWord("females", 175, 16)}), 1u);
}

TEST(TableColumns, RulesWithProseBetweenThemAreNoTable) {
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0}, Rule{0, 20, 300, 20}, Rule{0, 75, 300, 75}};
  std::vector<TableWord> words = {BdWord("Animal", 5, 5), BdWord("Action", 120, 5),
                                  BdWord("Cat", 5, 25, true), BdWord("Says", 120, 25, true),
                                  BdWord("Dog", 5, 45, true), BdWord("Barks", 120, 45, true)};
  EXPECT_TRUE(HorizontalRuleStacks(rules, words).empty());
  for (TableWord& w : words) w.prose = false;
  EXPECT_EQ(HorizontalRuleStacks(rules, words).size(), 1u);
}

TEST(TableProse, ParagraphOfLongLinesIsProseATableRowIsNot) {
  auto line = [](const std::vector<std::pair<std::string, double>>& ws, double y) {
    Line l;
    for (const auto& [t, x] : ws) {
      Word w;
      w.text = t;
      w.bbox = Box{x, y, x + 5.0 * t.size(), y + 10};
      l.words.push_back(w);
    }
    l.bbox = Box{l.words.front().bbox.x0, y, l.words.back().bbox.x1, y + 10};
    return l;
  };
  Block prose;
  prose.lines = {line({{"The", 0}, {"wage", 20}, {"amounts", 45}, {"shown", 85}, {"in", 115}, {"the", 128}}, 0),
                 line({{"tables", 0}, {"are", 35}, {"net", 55}, {"wages", 75}, {"after", 105}, {"the", 135}}, 12)};
  EXPECT_TRUE(IsProseBlock(prose));
  Block row = prose;
  row.lines[0].words[3].bbox.x0 += 40;  // a cell gap
  row.lines[0].words[3].bbox.x1 += 40;
  EXPECT_FALSE(IsProseBlock(row));
  Block one;
  one.lines = {prose.lines[0]};
  EXPECT_FALSE(IsProseBlock(one));
}

TEST(AlignedTables, ProseBesideAnUnruledTableStaysOut) {
  // A prose column on the left (its words marked prose), a two-column table on the right.
  std::vector<TableWord> words;
  const char* labels[] = {"Weekly", "Biweekly", "Monthly", "Annually"};
  const char* values[] = {"71.15", "142.31", "308.33", "3,700.00"};
  for (int i = 0; i < 4; ++i) {
    const double y = 20.0 * i;
    words.push_back(BdWord("employers", 0, y, true));
    words.push_back(BdWord("should", 55, y, true));
    words.push_back(BdWord("implement", 95, y, true));
    words.push_back(BdWord(labels[i], 300, y));
    words.push_back(BdWord(values[i], 420, y));
  }
  TablePageReport report;
  const auto tables = FindTables(words, {}, {}, &report);
  ASSERT_EQ(tables.size(), 1u);
  ASSERT_EQ(tables[0].n_cols, 2);
  EXPECT_EQ(tables[0].Rows()[3], (std::vector<std::string>{"Annually", "3,700.00"}));
}

TEST(FindTables, DotLeadersAreGapsNotText) {
  std::vector<TableWord> words;
  const char* labels[] = {"Total", "Violent", "Robbery"};
  const char* values[] = {"11,062", "467", "102"};
  for (int i = 0; i < 3; ++i) {
    const double y = 15.0 * i;
    words.push_back(BdWord(labels[i], 0, y));
    words.push_back(TableWord{"..........", Box{42, y, 150, y + 10}});
    words.push_back(BdWord(values[i], 160, y));
  }
  TablePageReport report;
  const auto tables = FindTables(words, {}, {}, &report);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].Rows()[0], (std::vector<std::string>{"Total", "11,062"}));
}

TEST(TableEval, NoBreakSpaceIsWhitespace) {
  const TextGrid truth = {{"Jeremy\xc2\xa0is", "x"}};
  const TextGrid predicted = {{"Jeremy is", "x"}};
  int tp = 0;
  EXPECT_DOUBLE_EQ(MultisetF1(CellTexts(truth), CellTexts(predicted), &tp), 1.0);
  EXPECT_EQ(tp, 2);
}

TEST(TableEval, RegionBoxAttributesInAnyOrder) {
  // ICDAR's eu-015-reg.xml writes x1 x2 y1 y2: its regions count as truth like the others'.
  const auto dir = testing::TempDir();
  std::ofstream(dir / "d-reg.xml")
      << "<document><table id='1'><region id='1' page='1'>"
         "<bounding-box x1=\"10\" x2=\"110\" y1=\"700\" y2=\"780\"/></region></table></document>";
  const Json record = {{"pages", {{{"page", 1}, {"height", 800.0}}}},
                       {"tables",
                        {{{"page", 1}, {"bbox", {10, 20, 110, 100}}, {"rows", {{"a", "b"}}}}}}};
  const auto scored = ScoreTables(record, dir, "d");
  ASSERT_TRUE(scored.has_value());
  EXPECT_EQ((*scored)["counts"]["det_truth"].get<int>(), 1);
  EXPECT_EQ((*scored)["counts"]["det_tp"].get<int>(), 1);
}

TEST(GroupLines, TallBulletJoinsOneLineWithoutMergingItsNeighbours) {
  // A bullet whose font box is three lines tall, its bottom near the second line's: before,
  // it stretched that line over the first and third, and the three became one.
  const std::vector<TableWord> words = {
      BdWord("Reason", 20, 0),  BdWord("for", 60, 0),
      TableWord{"\xe2\x80\xa2", Box{5, -8, 10, 24}},
      BdWord("Reported", 20, 14), BdWord("as", 70, 14),
      BdWord("Generates", 20, 28), BdWord("an", 80, 28)};
  std::vector<const TableWord*> ptrs;
  for (const TableWord& w : words) ptrs.push_back(&w);
  const std::vector<WordLine> lines = GroupLines(ptrs);
  ASSERT_EQ(lines.size(), 3u);
  ASSERT_EQ(lines[1].words.size(), 3u);
  EXPECT_EQ(lines[1].words[0]->text, "\xe2\x80\xa2");
  EXPECT_EQ(lines[2].words[0]->text, "Generates");
}

TEST(AlignedTables, FiguresOneSpaceApartAreTwoCells) {
  // A monospaced table: "960 1,040" one space apart in the widest rows, the other rows' figures
  // far apart; the narrow gap is a column gap. "12 345" (thousands) stays one figure.
  std::vector<TableWord> words;
  const char* rows[][4] = {{"0.99", "800", "960", "1,040"},
                           {"0.95", "160", "192", "208"},
                           {"0.90", "80", "96", "104"},
                           {"0.85", "53", "64", "69"}};
  for (int r = 0; r < 4; ++r) {
    const double y = 15.0 * r;
    words.push_back(BdWord(rows[r][0], 0, y));
    // Right-aligned at x = 100, 150 and 180 (5 points a character, one space = 5 points).
    for (int k = 1; k < 4; ++k) {
      const double right = k == 1 ? 100 : k == 2 ? 150 : 180;
      const std::string t = rows[r][k];
      words.push_back(TableWord{t, Box{right - 5.0 * t.size(), y, right, y + 10}});
    }
  }
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].n_cols, 4);
  EXPECT_EQ(tables[0].Rows()[0], (std::vector<std::string>{"0.99", "800", "960", "1,040"}));
}

TEST(AlignedTables, SectionLabelsCentredOverTheFiguresHideNoColumnGap) {
  // ICDAR us-019's Table A-3: "Enrollment, in thousands" and "Projected enrollment" set alone
  // on their lines, centred over the figures and across the gap between two of their columns.
  // They are headings, not cells: the gap under them still parts the columns.
  std::vector<TableWord> words;
  auto row = [&](double y, const std::vector<std::string>& cells) {
    for (size_t k = 0; k < cells.size(); ++k) words.push_back(BdWord(cells[k], 100.0 * k, y));
  };
  row(0, {"Source", "2007", "2008", "2009"});
  words.push_back(BdWord("Enrollment", 200, 12));
  words.push_back(BdWord("in", 253, 12));
  words.push_back(BdWord("thousands", 266, 12));
  row(24, {"Actual", "49", "51", "53"});
  words.push_back(BdWord("Projected", 180, 36));
  words.push_back(BdWord("enrollment", 228, 36));
  words.push_back(BdWord("values", 281, 36));
  row(48, {"Alpha", "50", "52", "54"});
  row(60, {"Beta", "48", "50", "55"});
  row(72, {"Gamma", "47", "49", "56"});
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].n_cols, 4);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"", "", "Enrollment in thousands", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Actual", "49", "51", "53"}));
  // Lines going on mid-sentence are running text, not headings: they cover the gap; so do
  // one-chunk lines starting where another starts (a column of running text).
  for (TableWord& w : words)
    if (w.text == "Enrollment" || w.text == "Projected") w.text[0] = static_cast<char>(std::tolower(w.text[0]));
  const auto running = AlignedTables(words);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].n_cols, 3);
  for (TableWord& w : words) {
    if (w.text == "enrollment" && w.bbox.y0 == 12) w.text = "Enrollment";
    if (w.text == "projected") w.text = "Projected";
    if (w.bbox.y0 == 36) w.bbox.x0 += 17, w.bbox.x1 += 17;  // within a line height of "Enrollment"
  }
  const auto column = AlignedTables(words);
  ASSERT_EQ(column.size(), 1u);
  EXPECT_EQ(column[0].n_cols, 3);
}

TEST(AlignedTables, FiguresGroupedByThousandsStayOneCell) {
  std::vector<TableWord> words;
  const char* labels[] = {"North", "South", "East"};
  for (int r = 0; r < 3; ++r) {
    const double y = 15.0 * r;
    words.push_back(BdWord(labels[r], 0, y));
    words.push_back(BdWord("12", 60, y));
    words.push_back(BdWord("345", 75, y));
    words.push_back(BdWord("7", 150, y));
  }
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].Rows()[0], (std::vector<std::string>{"North", "12 345", "7"}));
}

// Unruled rows of `cells` words each (a label at x 0, figures every 60 points) at `y`.
void AddRow(std::vector<TableWord>& words, double y, const std::string& label, int cells) {
  words.push_back(BdWord(label, 0, y));
  for (int k = 1; k < cells; ++k) words.push_back(BdWord(std::to_string(100 * k), 60.0 * k + 40, y));
}

TEST(AlignedTables, ASectionAfterAGapLikeTheTablesOwnStaysInTheTable) {
  // Rows 15 points apart (gaps of half a line), a section title 2 line heights below, then a
  // second section 2.5 line heights below the first: wider than a table's rows usually are
  // apart, but not much wider than this table's own section gap. One table.
  std::vector<TableWord> words;
  AddRow(words, 0, "Net", 2);
  AddRow(words, 15, "Units", 2);
  AddRow(words, 30, "Value", 2);
  words.push_back(BdWord("Class", 0, 60));
  AddRow(words, 75, "Net", 2);
  AddRow(words, 90, "Units", 2);
  words.push_back(BdWord("Result", 0, 125));
  AddRow(words, 140, "Direct", 2);
  AddRow(words, 155, "Costs", 2);
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].n_rows, 9);
  EXPECT_EQ(tables[0].Rows().back(), (std::vector<std::string>{"Costs", "100"}));
}

TEST(AlignedTables, AColumnsHeadingAloneOnItsLineStartsTheTable) {
  // "2016" over the figures alone on its line (nothing over the labels), a unit note and a
  // first section's label in the labels' column under it, then the rows (edge_tol.pdf).
  // Lines of one cell each before the first row of two: they are the table's head.
  std::vector<TableWord> words;
  words.push_back(BdWord("Key", 0, -30));  // a title further up, over the labels: not taken
  words.push_back(BdWord("2016", 100, 0));
  words.push_back(BdWord("(EUR)", 0, 15));
  words.push_back(BdWord("Class", 0, 30));
  AddRow(words, 45, "Net", 2);
  AddRow(words, 60, "Units", 2);
  AddRow(words, 75, "Value", 2);
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"", "2016"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Class", ""}));
}

TEST(AlignedTables, ALabelOverSeveralColumnsOfValuesDoesNotStartTheTable) {
  // One word over the middle one of three columns of figures: a label that spans them
  // ("Year" over the years), which a row of one cell would misplace. Nor do one-cell lines
  // in the labels' column with no heading over them start the table.
  std::vector<TableWord> words;
  words.push_back(BdWord("Year", 160, 0));
  AddRow(words, 15, "Age", 4);
  AddRow(words, 30, "Women", 4);
  AddRow(words, 45, "Men", 4);
  auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].Rows().size(), 3u);
  words.clear();
  words.push_back(BdWord("Notes", 0, 0));
  AddRow(words, 15, "Net", 2);
  AddRow(words, 30, "Units", 2);
  AddRow(words, 45, "Value", 2);
  tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].Rows().size(), 3u);
}

TEST(AlignedTables, NotesAfterASectionGapStayOutOfTheTable) {
  // The same spacing, five cells a row; under the last gap a note and a line of two chunks
  // (a footnote's mark and its text): notes, not a section.
  std::vector<TableWord> words;
  AddRow(words, 0, "Dose", 5);
  AddRow(words, 15, "Low", 5);
  AddRow(words, 30, "High", 5);
  words.push_back(BdWord("Female", 0, 60));
  AddRow(words, 75, "Low", 5);
  AddRow(words, 90, "High", 5);
  words.push_back(BdWord("Significant", 0, 125));
  words.push_back(BdWord("c", 0, 140));
  words.push_back(BdWord("Weighed", 100, 140));
  const auto tables = AlignedTables(words);
  ASSERT_GE(tables.size(), 1u);
  EXPECT_EQ(tables[0].n_rows, 6);
  EXPECT_EQ(tables[0].n_cols, 5);
}

TEST(AlignedTables, AFootnoteMarkTouchingItsWordJoinsItWithoutASpace) {
  // "period" and a raised "1" set against it (no space: the text layer splits them at the
  // change of size) read "period1"; "Costs" and "2" a space apart stay two words.
  std::vector<TableWord> words;
  AddRow(words, 0, "Revaluation", 2);
  words.push_back(BdWord("period", 0, 15));
  words.push_back(TableWord{"1", Box{30.1, 15, 33.5, 21}});
  words.push_back(BdWord("200", 100, 15));
  words.push_back(BdWord("Costs", 0, 30));
  words.push_back(TableWord{"2", Box{27, 30, 30.5, 36}});
  words.push_back(BdWord("300", 100, 30));
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "period1");
  EXPECT_EQ(rows[2][0], "Costs 2");
}

TEST(AlignedTables, AWrappedLineOfAnUnruledRowStaysInItsRow) {
  // Three columns; the second row's definition does not fit its column and goes on,
  // lower-case, on the next line: one row. A label set across the columns below (a
  // section's head) starts a row of its own even though it goes on from a full line.
  std::vector<TableWord> words;
  auto add = [&](const std::string& text, double x, double y) { words.push_back(BdWord(text, x, y)); };
  add("Source", 0, 0);   add("Definition", 80, 0); add("Examples", 200, 0);
  add("Major", 0, 15);   add("Emissions", 80, 15); add("of", 130, 15); add("tonnes", 145, 15);
  add("Utilities", 200, 15);
  add("or", 80, 30);     add("more", 95, 30);
  add("Area", 0, 45);    add("Small", 80, 45);     add("Cleaners", 200, 45);
  add("Mobile", 0, 60);  add("Cars", 80, 60);      add("Buses", 200, 60);
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Major", "Emissions of tonnes or more", "Utilities"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Area", "Small", "Cleaners"}));
}

TEST(AlignedTables, ALabelAcrossColumnsAfterAFullLineStartsARow) {
  // A section's label set across both figure columns, under a row whose cells it would
  // continue ("between" lower-case, no room left above): a row of its own.
  std::vector<TableWord> words;
  auto add = [&](const std::string& text, double x, double y) { words.push_back(BdWord(text, x, y)); };
  add("Source", 0, 0);
  add("Lead", 80, 0);
  add("Time", 200, 0);
  const char* labels[] = {"Actual", "Model", "Trend", "Other", "Mean", "Last", "Best"};
  for (int r = 0; r < 7; ++r) {
    const double y = 15.0 * (r + 1) + (r >= 3 ? 15 : 0);
    add(labels[r], 0, y);
    add("49,293", 80, y);
    add("49,266", 200, y);
  }
  add("Percentage", 75, 60);
  add("difference", 130, 60);
  add("between", 185, 60);
  const auto tables = AlignedTables(words);
  ASSERT_EQ(tables.size(), 1u);
  ASSERT_EQ(tables[0].n_cols, 3);
  EXPECT_EQ(tables[0].n_rows, 9);
}

TEST(RuledTables, WrappedLinesOfARuledBandStayInTheirRow) {
  // A header rule and a body band without rules between its rows. The body's second line goes
  // on mid-sentence in both columns where the first line was full: one row, not two. The next
  // lines start rows ("Response" would have fitted after "relevance").
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0},  Rule{0, 20, 300, 20},
                                   Rule{0, 100, 300, 100}, Rule{0, 0, 0, 100},
                                   Rule{100, 0, 100, 100}, Rule{300, 0, 300, 100}};
  const std::vector<TableWord> words = {
      BdWord("Item", 5, 5),        BdWord("Reason", 105, 5),
      BdWord("Clarity", 5, 25),    BdWord("or", 45, 25),     BdWord("Reported", 105, 25),
      BdWord("as", 150, 25),       BdWord("not", 165, 25),   BdWord("relevant", 185, 25),
      BdWord("by", 230, 25),       BdWord("a", 245, 25),     BdWord("large", 255, 25),
      BdWord("relevance", 5, 37),  BdWord("segment", 105, 37), BdWord("of", 145, 37),
      BdWord("Response", 5, 49),   BdWord("A", 105, 49),     BdWord("high", 115, 49),
      BdWord("Variability", 5, 61), BdWord("All", 105, 61)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Clarity or relevance",
                                               "Reported as not relevant by a large segment of"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Response", "A high"}));
}

// ICDAR us-032's ruled group of rows: a header band, then one band holding a group label and
// two rows of a paragraph a side, each after a blank line (two columns, x 0-100-300).
std::vector<Rule> GroupOfRowsRules() {
  return {Rule{0, 0, 300, 0},     Rule{0, 20, 300, 20},   Rule{0, 120, 300, 120},
          Rule{0, 0, 0, 120},     Rule{100, 0, 100, 120}, Rule{300, 0, 300, 120}};
}
std::vector<TableWord> GroupOfRowsWords() {
  return {BdWord("Source", 5, 5),      BdWord("Definition", 105, 5),
          BdWord("Stationary:", 5, 25),
          BdWord("Major", 5, 45),      BdWord("Ten", 105, 45),     BdWord("tons", 130, 45),
          BdWord("combination", 105, 57),
          BdWord("Area", 5, 77),       BdWord("Less", 105, 77),    BdWord("than", 130, 77),
          BdWord("ten", 105, 89)};
}

TEST(RuledTables, ABlankLineBeforeARowsFirstLinePartsABandOfFewRows) {
  // Too few rows to be a table of lines; the blank lines part them.
  const std::vector<Rule> rules = GroupOfRowsRules();
  std::vector<TableWord> words = GroupOfRowsWords();
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Stationary:", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Major", "Ten tons combination"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"Area", "Less than ten"}));
  // A cell's list after a blank line, its bullets a column of their own (ruled apart here):
  // still one row.
  std::vector<Rule> bulleted = rules;
  bulleted.push_back(Rule{130, 0, 130, 120});
  words = {BdWord("Source", 5, 5),   BdWord("Definition", 105, 5),
           BdWord("Clarity", 5, 25), BdWord("o", 105, 25), BdWord("Reported", 140, 25),
           BdWord("o", 105, 45),     BdWord("Generates", 140, 45), BdWord("gaps", 190, 45)};
  EXPECT_EQ(RowsOfOneTable(words, bulleted), 2u);
  // A note after a blank line, one phrase from column to column: no row of its own.
  words = {BdWord("Source", 5, 5),   BdWord("Definition", 105, 5),
           BdWord("Major", 5, 25),   BdWord("Ten", 105, 25),   BdWord("tons", 130, 25),
           BdWord("Note", 5, 45),    BdWord("data", 28, 45),   BdWord("from", 51, 45),
           BdWord("the", 74, 45),    BdWord("survey", 92, 45), BdWord("of", 125, 45),
           BdWord("schools", 138, 45)};
  EXPECT_EQ(RowsOfOneTable(words, rules), 2u);
  // Without the blank lines the band is one row: its lines may be one row's wrapped text.
  words = {BdWord("Source", 5, 5),  BdWord("Definition", 105, 5),
           BdWord("Major", 5, 25),  BdWord("Ten", 105, 25),  BdWord("tons", 130, 25),
           BdWord("Area", 5, 37),   BdWord("Less", 105, 37), BdWord("than", 130, 37)};
  EXPECT_EQ(RowsOfOneTable(words, rules), 2u);
}

TEST(RuledTables, AFramesCaptionAndNotesAreNoRowsAGridsSpanningTitleIs) {
  // ICDAR us-014's exhibit box: a frame round the caption, the table and its notes, ruled
  // between them. The caption's and the notes' rows (one cell across the grid) go.
  std::vector<Rule> rules = {Rule{0, 0, 200, 0},     Rule{0, 30, 200, 30},   Rule{0, 50, 200, 50},
                             Rule{0, 70, 200, 70},   Rule{0, 90, 200, 90},   Rule{0, 120, 200, 120},
                             Rule{0, 0, 0, 120},     Rule{200, 0, 200, 120}, Rule{100, 30, 100, 90}};
  auto words = [](const std::string& first) {
    return std::vector<TableWord>{
        BdWord(first, 5, 3),      BdWord("19", 50, 3),     BdWord("Designations", 5, 15),
        BdWord("Designation", 5, 35), BdWord("Share", 105, 35),
        BdWord("Low", 5, 55),     BdWord("34%", 105, 55),
        BdWord("High", 5, 75),    BdWord("2%", 105, 75),
        BdWord("Source:", 5, 95), BdWord("NLS-NCLB", 45, 95)};
  };
  TablePageReport report;
  auto tables = RuledTables(words("Exhibit"), rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].Rows(), (std::vector<std::vector<std::string>>{
                                  {"Designation", "Share"}, {"Low", "34%"}, {"High", "2%"}}));
  EXPECT_NEAR(tables[0].bbox.y0, 30, 0.01);
  EXPECT_NEAR(tables[0].bbox.y1, 90, 0.01);
  // A title that is no caption ("Improved operation scenario" over the years) is the grid's.
  tables = RuledTables(words("Improved"), rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].Rows().front(), (std::vector<std::string>{"Improved 19 Designations", ""}));
  EXPECT_EQ(tables[0].n_rows, 4);
}

// The four edges of a shaded area (x0, y0)-(x1, y1), as FindRulings gives them.
void AddShading(std::vector<Rule>& rules, double x0, double y0, double x1, double y1) {
  for (Rule edge : {Rule{x0, y0, x1, y0}, Rule{x0, y1, x1, y1}, Rule{x0, y0, x0, y1}, Rule{x1, y0, x1, y1}}) {
    edge.fill_edge = true;
    rules.push_back(edge);
  }
}

TEST(RuledTables, AShadedLabelColumnDoesNotKeepItsGroupOfRowsWhole) {
  // us-032 as the text layer draws it: the group's label column shaded, inside its rules, to
  // just above the group's foot. The shading's lower edge is drawn over the label column only,
  // yet it is no rule under a label spanning rows: the blank lines still part them.
  std::vector<Rule> rules = GroupOfRowsRules();
  AddShading(rules, 2, 22, 98, 110);
  const std::vector<TableWord> words = GroupOfRowsWords();
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[2], (std::vector<std::string>{"Major", "Ten tons combination"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"Area", "Less than ten"}));
}

TEST(RuledTables, ARowOfShadedCellsIsOneRowWhateverItsLinesHeights) {
  // us-027's header: each label cell shaded on its own (a margin of paper between cells), no
  // line drawn; labels of one to three lines, each centred in its cell, so that the band's
  // text lines reach two columns each. Wrapped labels, one row.
  std::vector<Rule> rules;
  for (double x : {0.0, 100.0, 200.0, 300.0, 400.0}) AddShading(rules, x + 1, 0, x + 99, 48);
  for (double y : {50.0, 70.0, 90.0}) rules.push_back(Rule{0, y, 500, y});
  for (double x : {0.0, 500.0}) rules.push_back(Rule{x, 50, x, 90});
  const std::vector<TableWord> words = {
      BdWord("Murder", 105, 2),   BdWord("and", 105, 14),    BdWord("manslaughter", 105, 26),
      BdWord("Forcible", 205, 8), BdWord("rape", 205, 20),
      BdWord("Motor", 305, 2),    BdWord("vehicle", 305, 14), BdWord("theft", 305, 26),
      BdWord("Arson", 405, 8),    BdWord("Year", 5, 20),
      BdWord("2005", 5, 55),      BdWord("28", 105, 55),     BdWord("33", 205, 55),
      BdWord("90", 305, 55),      BdWord("12", 405, 55),
      BdWord("2006", 5, 75),      BdWord("25", 105, 75),     BdWord("0", 205, 75),
      BdWord("81", 305, 75),      BdWord("10", 405, 75)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Year", "Murder and manslaughter", "Forcible rape",
                                               "Motor vehicle theft", "Arson"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"2006", "25", "0", "81", "10"}));
}

TEST(FindTables, AnAreaTighterThanItsTablesRulesStillHasThemRuleIt) {
  // A manifest's area drawn inside the table's frame (tabula's spreadsheet_no_bounding_frame):
  // the rules running past its edges are cut there, not dropped, and the grid is read.
  std::vector<Rule> rules;
  for (double y : {10.0, 30.0, 50.0, 70.0}) rules.push_back(Rule{10, y, 310, y});
  for (double x : {10.0, 110.0, 210.0, 310.0}) rules.push_back(Rule{x, 10, x, 70});
  const std::vector<TableWord> words = {
      BdWord("Region", 15, 15),  BdWord("2019", 115, 15), BdWord("2020", 215, 15),
      BdWord("North", 15, 35),   BdWord("12", 115, 35),   BdWord("14", 215, 35),
      BdWord("South", 15, 55),   BdWord("9", 115, 55),    BdWord("11", 215, 55)};
  TablePageReport report;
  const auto tables = FindTables(words, rules, {Box{12, 12, 305, 68}}, &report);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].method, "ruled");
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2], (std::vector<std::string>{"South", "9", "11"}));
}

TEST(FindTables, ARegionFullOfSlantedStrokesIsAChart) {
  PageTable chart;
  chart.bbox = Box{0, 0, 300, 200};
  std::vector<Box> line;  // a data line across the plot, 30 slanted segments
  for (int i = 0; i < 30; ++i) {
    const double x = 10.0 * i + 5, y = 100.0 + (i % 2) * 10;
    line.push_back(Box{x, y, x, y});
  }
  std::vector<PageTable> tables = {chart};
  DropCharts(tables, line);
  EXPECT_TRUE(tables.empty());
  // A few slanted strokes (a diagonal header cell), or many in one corner (a logo): a table.
  tables = {chart};
  DropCharts(tables, std::vector<Box>(line.begin(), line.begin() + 5));
  EXPECT_EQ(tables.size(), 1u);
  std::vector<Box> logo(30, Box{20, 20, 20, 20});
  DropCharts(tables, logo);
  EXPECT_EQ(tables.size(), 1u);
}

TEST(AlignedTables, HeaderSetAgainOverFiguresStartsASecondTable) {
  // Two tables one under the other, the second with the first's header again and a caption
  // line above it; a label repeated over a column of labels stays a row of one table.
  std::vector<TableWord> words;
  double y = 0;
  auto row = [&](const std::vector<std::string>& cells) {
    for (size_t k = 0; k < cells.size(); ++k) words.push_back(BdWord(cells[k], 100.0 * k, y));
    y += 15;
  };
  row({"Proportion", "1.0", "1.1"});
  row({"0.99", "800", "880"});
  row({"0.95", "160", "176"});
  row({"Design"});
  row({"Proportion", "1.7", "1.8"});
  row({"0.99", "1,360", "1,440"});
  row({"0.95", "272", "288"});
  EXPECT_EQ(AlignedTables(words).size(), 2u);

  words.clear();
  y = 0;
  row({"Net value", "5,111"});
  row({"Units", "49"});
  row({"Class B"});
  row({"Net value", "49,144"});
  row({"Units", "471"});
  EXPECT_EQ(AlignedTables(words).size(), 1u);
}

TEST(RuledTables, APhraseAcrossABoundaryDrawnOnlyElsewhereIsOneCell) {
  // The boundary at x 100 is drawn in the body only. In the header "Literacy" and "Status" sit
  // on either side of it, a word space apart (neither crosses it): one label spanning both
  // columns, not two cells. Figures beside it in the body stay in their columns.
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0},    Rule{0, 20, 300, 20},
                                   Rule{0, 40, 300, 40},  Rule{0, 60, 300, 60},
                                   Rule{0, 0, 0, 60},     Rule{100, 20, 100, 60},
                                   Rule{200, 0, 200, 60}, Rule{300, 0, 300, 60}};
  const std::vector<TableWord> words = {
      BdWord("Literacy", 55, 5), BdWord("Status", 98, 5),  BdWord("College", 205, 5),
      BdWord("Kerala", 5, 25),   BdWord("7.2", 105, 25),   BdWord("5.5", 205, 25),
      BdWord("Orissa", 5, 45),   BdWord("33.2", 105, 45),  BdWord("8.5", 205, 45)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"Literacy Status", "", "College"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Kerala", "7.2", "5.5"}));
}

TEST(RuledTables, AHeaderRuledPartlyBetweenItsLabelRowsKeepsItsLabelsWhole) {
  // The header's first band holds labels on three text lines ("State" spans both header
  // bands: the rule at y 40 is drawn under the other columns only). Its lines are the labels'
  // wrapped lines, not rows; the body band, ruled only around it, is one row per line.
  const std::vector<Rule> rules = {Rule{0, 0, 300, 0},     Rule{100, 40, 300, 40},
                                   Rule{0, 60, 300, 60},   Rule{0, 100, 300, 100},
                                   Rule{0, 0, 0, 100},     Rule{100, 0, 100, 100},
                                   Rule{200, 0, 200, 100}, Rule{300, 0, 300, 100}};
  const std::vector<TableWord> words = {
      BdWord("Blood", 105, 2),     BdWord("Sugar", 205, 2),    BdWord("State", 5, 15),
      BdWord("(No.", 105, 14),     BdWord("of", 128, 14),      BdWord("(No.", 205, 14),
      BdWord("of", 228, 14),       BdWord("2011-12)", 105, 26), BdWord("2011-12)", 205, 26),
      BdWord("Men", 105, 45),      BdWord("Women", 205, 45),
      BdWord("Kerala", 5, 62),     BdWord("2161", 105, 62),    BdWord("3195", 205, 62),
      BdWord("Orissa", 5, 75),     BdWord("2040", 105, 75),    BdWord("2624", 205, 75),
      BdWord("Gujarat", 5, 88),    BdWord("2687", 105, 88),    BdWord("3021", 205, 88)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"State", "Blood (No. of 2011-12)",
                                               "Sugar (No. of 2011-12)"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"", "Men", "Women"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"Gujarat", "2687", "3021"}));
}

// Three framed columns (x 0, 100, 200, 300) from y 0 to `bottom`, a header rule at y 20, and
// rules between rows at `ys` drawn under the figures only (x 100 to 300): the label column is
// left open.
std::vector<Rule> OpenLabelColumn(double bottom, const std::vector<double>& ys) {
  std::vector<Rule> rules = {Rule{0, 0, 300, 0}, Rule{0, 20, 300, 20}, Rule{0, bottom, 300, bottom}};
  for (double x : {0.0, 100.0, 200.0, 300.0}) rules.push_back(Rule{x, 0, x, bottom});
  for (double y : ys) rules.push_back(Rule{100, y, 300, y});
  return rules;
}

TEST(RuledTables, AnOpenLabelColumnWithOneLinePerRowKeepsItsRows) {
  // Each slot of the open label column holds one line of its own, level with its row: four
  // rows, not one cell of four labels.
  const std::vector<Rule> rules = OpenLabelColumn(100, {40, 60, 80});
  const std::vector<TableWord> words = {
      BdWord("Cost", 5, 5),      BdWord("Total", 105, 5), BdWord("Direct", 205, 5),
      BdWord("Salaries", 5, 25), BdWord("1,314", 105, 25), BdWord("940", 205, 25),
      BdWord("Travel", 5, 45),   BdWord("94", 105, 45),    BdWord("74", 205, 45),
      BdWord("Rent", 5, 65),     BdWord("170", 105, 65),   BdWord("150", 205, 65),
      BdWord("Postage", 5, 85),  BdWord("34", 105, 85),    BdWord("28", 205, 85)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  const auto rows = tables[0].Rows();
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"Salaries", "1,314", "940"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"Postage", "34", "28"}));
}

TEST(RuledTables, ALabelSpanningRowsOfAnOpenColumnStaysOneCell) {
  // An open label column, one label ("Male") set once beside three rows: one cell.
  const std::vector<Rule> rules = OpenLabelColumn(80, {40, 60});
  const std::vector<TableWord> words = {
      BdWord("Sex", 5, 5),   BdWord("Dose", 105, 5), BdWord("Weight", 205, 5),
      BdWord("Male", 5, 45), BdWord("0", 105, 25),   BdWord("5.8", 205, 25),
      BdWord("250", 105, 45), BdWord("5.9", 205, 45),
      BdWord("500", 105, 65), BdWord("6.0", 205, 65)};
  TablePageReport report;
  const auto tables = RuledTables(words, rules, &report);
  ASSERT_EQ(tables.size(), 1u);
  bool spans = false;
  for (const TableCell& c : tables[0].cells) spans = spans || (c.text == "Male" && c.rowspan == 3);
  EXPECT_TRUE(spans);
}

// A one-page PDF (300 x 300 points) drawing `content`, with a cross-reference table.
std::string OnePagePdf(const std::string& content) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> at;
  auto object = [&](const std::string& body) {
    at.push_back(pdf.size());
    pdf += std::to_string(at.size()) + " 0 obj\n" + body + "\nendobj\n";
  };
  object("<</Type/Catalog/Pages 2 0 R>>");
  object("<</Type/Pages/Count 1/Kids[3 0 R]>>");
  object("<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 300]/Contents 4 0 R/Resources<<>>>>");
  object("<</Length " + std::to_string(content.size()) + ">>stream\n" + content + "\nendstream");
  const size_t xref = pdf.size();
  pdf += "xref\n0 5\n0000000000 65535 f \n";
  for (size_t offset : at) {
    const std::string n = std::to_string(offset);
    pdf += std::string(10 - n.size(), '0') + n + " 00000 n \n";
  }
  pdf += "trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

TEST(PdfRulings, AWhiteFilledBoxDrawsNoRules) {
  // A white box (a text box's background), a grey band, a black filled hairline and a stroked
  // line: only the white box gives no rule. PDF y runs up; rules come out with y down.
  if (globalParams == nullptr) InstallPopplerGlobals("/usr/share/poppler");
  const std::string path = (std::filesystem::path(testing::TempDir()) / "white_box.pdf").string();
  std::ofstream(path, std::ios::binary)
      << OnePagePdf("1 1 1 rg 20 200 200 60 re f\n0.8 g 20 100 200 40 re f\n"
                    "0 g 20 50 200 0.5 re f\n0 G 20 20 m 220 20 l S");
  auto doc = OpenPdf(path, "test");
  ASSERT_TRUE(doc.ok());
  const std::vector<Rule> rules = FindRulings(*doc.value(), 1, 300, 300);
  int in_white_box = 0, in_grey_band = 0, lines = 0;
  for (const Rule& r : rules) {
    const double y = (r.y0 + r.y1) / 2;
    if (y >= 40 - 1 && y <= 100 + 1) ++in_white_box;
    else if (y >= 160 - 1 && y <= 200 + 1) ++in_grey_band;
    else ++lines;
  }
  EXPECT_EQ(in_white_box, 0);
  EXPECT_EQ(in_grey_band, 4);  // its four edges
  EXPECT_EQ(lines, 2);         // the hairline and the stroke
}

// The rules FindRulings finds on a 300 x 300 page drawing `content`; each as "h y x0-x1" or
// "v x y0-y1" (y down, rounded), sorted.
std::vector<std::string> RulesOf(const std::string& name, const std::string& content) {
  if (globalParams == nullptr) InstallPopplerGlobals("/usr/share/poppler");
  const std::string path = (std::filesystem::path(testing::TempDir()) / name).string();
  std::ofstream(path, std::ios::binary) << OnePagePdf(content);
  auto doc = OpenPdf(path, "test");
  EXPECT_TRUE(doc.ok());
  if (!doc.ok()) return {};
  std::vector<std::string> out;
  auto n = [](double v) { return std::to_string(static_cast<int>(std::lround(v))); };
  for (const Rule& r : FindRulings(*doc.value(), 1, 300, 300))
    out.push_back(r.horizontal() ? "h " + n(r.y0) + " " + n(r.x0) + "-" + n(r.x1)
                                 : "v " + n(r.x0) + " " + n(r.y0) + "-" + n(r.y1));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(PdfRulings, AShadedAreaPaintedInPiecesDrawsOnlyItsOuterEdges) {
  // A column shaded line by line (us-032): three strips of one width stacked, no seams.
  EXPECT_EQ(RulesOf("strips.pdf", "0.8 g 20 200 100 12 re f 20 188 100 12 re f 20 176 100 12 re f"),
            (std::vector<std::string>{"h 124 20-120", "h 88 20-120", "v 120 100-112", "v 120 112-124",
                                      "v 120 88-100", "v 20 100-112", "v 20 112-124", "v 20 88-100"}));
  // A cell shaded as two thin margins and its text's area between (us-007): no inner edges.
  EXPECT_EQ(RulesOf("margins.pdf", "0.8 g 20 100 5 12 re f 25 100 90 12 re f 115 100 5 12 re f"),
            (std::vector<std::string>{"h 188 115-120", "h 188 20-25", "h 188 25-115", "h 200 115-120",
                                      "h 200 20-25", "h 200 25-115", "v 120 188-200", "v 20 188-200"}));
  // A paragraph's shading inside its cell's fill of the same colour (us-027): the cell's edges.
  EXPECT_EQ(RulesOf("inside.pdf", "0.8 g 20 50 100 40 re f 25 60 90 12 re f"),
            (std::vector<std::string>{"h 210 20-120", "h 250 20-120", "v 120 210-250", "v 20 210-250"}));
}

TEST(PdfRulings, TwoShadedCellsSideBySideOrOfTwoColoursKeepTheirSeam) {
  // Two cells of one colour side by side, each wider than a margin (eu-018's "Total" row,
  // ruled by its cells' fills alone): the seam at x 70 is where the producer drew two cells.
  const std::vector<std::string> side = RulesOf("side.pdf", "0.8 g 20 20 50 12 re f 70 20 50 12 re f");
  EXPECT_EQ(std::count(side.begin(), side.end(), "v 70 268-280"), 2);
  // Strips of two colours stacked: a seam between them.
  const std::vector<std::string> two = RulesOf("two.pdf", "0.8 g 20 200 100 12 re f 0.6 g 20 188 100 12 re f");
  EXPECT_EQ(std::count(two.begin(), two.end(), "h 100 20-120"), 2);
}

TEST(PdfRulings, PastAThousandFillsTheirEdgesAreTakenAsTheyAre) {
  // 1200 abutting squares of one colour (a code or a map drawn square by square): compared
  // pairwise they would merge; past kMaxAreas each keeps its four edges (bounded time).
  std::string content = "0 g";
  for (int c = 0; c < 40; ++c)
    for (int r = 0; r < 30; ++r) content += " " + std::to_string(20 + 5 * c) + " " + std::to_string(50 + 5 * r) + " 5 5 re f";
  EXPECT_EQ(RulesOf("squares.pdf", content).size(), 4800u);
  // Under the bound the same squares, fewer, merge into one area's edges per column.
  content = "0 g";
  for (int r = 0; r < 30; ++r) content += " 20 " + std::to_string(50 + 5 * r) + " 5 5 re f";
  EXPECT_EQ(RulesOf("column.pdf", content).size(), 2u + 60u);  // top, bottom, 30 x 2 sides
}

TEST(PdfRulings, AShadingsEdgeAPaddingFromALineMovesOntoIt) {
  // A cell shaded inside its rules: the shading's left edge, 5 points in from the rule at
  // x 10, is moved onto it; its right edge, 60 points from any line, stays.
  const std::vector<std::string> rules = RulesOf("padding.pdf", "0 G 10 150 m 10 290 l S 0.8 g 15 200 50 12 re f");
  EXPECT_EQ(std::count(rules.begin(), rules.end(), "v 10 88-100"), 1);
  EXPECT_EQ(std::count(rules.begin(), rules.end(), "v 65 88-100"), 1);
  EXPECT_EQ(std::count(rules.begin(), rules.end(), "v 15 88-100"), 0);
}

}  // namespace
}  // namespace assay
