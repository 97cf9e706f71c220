// The tables stage's logic, apart from Poppler so it can be tested on words and rules made by
// hand: table detection and grid reconstruction on one page.
//
// Ruled tables: the drawn rules (stroked lines, thin filled rectangles, rectangle edges) are
// clustered into connected groups; a group with at least two horizontal and two vertical rules
// is a grid whose row and column boundaries are the rules' positions. Neighbouring slots that
// no rule separates form one spanning cell.
// Unruled tables: the page's words are grouped into lines, lines into chunks at wide gaps;
// runs of lines with several chunks are candidate tables; their columns are the x ranges no
// (or almost no) line covers; each line is a row, a chunk crossing a column gap spans it.
#pragma once

#include <string>
#include <vector>

#include "core/document.h"

namespace assay {

// An axis-aligned drawn rule, in page coordinates (origin top-left). A horizontal rule has
// y0 == y1, a vertical one x0 == x1.
struct Rule {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool fill_edge = false;  // the edge of a shaded area, not a line drawn as one
  bool horizontal() const { return y0 == y1; }
};

struct TableWord {
  std::string text;
  Box bbox;
  bool prose = false;  // in a block of running text (stages/table_prose.h): no unruled table row
  int rotation = 0;    // the text layer's quarter turns (Word::rotation); 0 for OCR words
  double confidence = -1;  // OCR's, 0..100 (Word::confidence); -1 for a text layer's
};

// Where a page's words come from. A text layer gives exact boxes, set with the font's own
// spacing; OCR boxes jitter by a pixel or two and their gaps follow the ink, not the font. The
// rules that read fine spacing (touching words joined unspaced, wrapped lines of an unruled
// row, sections set apart by gaps like the rows' own, an open label column's one-line rows)
// hold for a text layer only: on OCR'd words they joined rows and split tables (tables v8 on
// 16 scanned ICDAR documents: adjacency 0.646 -> 0.636).
enum class WordSource { kTextLayer, kOcr };

// The height a line's gaps are measured against: its box's for a text layer (words of one
// font size); the median of its words' for OCR words, whose boxes follow their glyphs (a
// label's ascenders, a bracket) and made a line of figures 1.7 times as tall as its figures,
// so their column gaps passed for word spaces.
double GapUnitHeight(const std::vector<Box>& words, const Box& line, WordSource source);

// Whether two words side by side, `gap` apart, are two figures of two cells however close (a
// monospaced table's columns one space apart: "960 1,040"), not one number ("12 345").
bool TwoFiguresApart(const std::string& a, const std::string& b, double gap);

// What finding tables on a page noticed besides the tables.
struct TablePageReport {
  int span_conflicts = 0;  // merged slot groups that were not rectangles (ruled tables)
  bool truncated = false;  // too many rules or slots: the page was not searched whole
};

// One text line: its words left to right, and their box.
struct WordLine {
  Box box;
  std::vector<const TableWord*> words;
};

// Whether the centre of word box `b` lies in `region` (edges included).
inline bool WordCentreInRegion(const Box& region, const Box& b) {
  const double cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
  return cx >= region.x0 && cx <= region.x1 && cy >= region.y0 && cy <= region.y1;
}

// Whether OCR'd `word` is the next thousands group of the figure `text` ends with ("188," then
// "980"): Tesseract splits a figure at its comma now and then, and the two are one figure.
// The figure's first group has 1-3 digits ("2001," then "2002" is a list).
bool ContinuesThousands(const std::string& text, const std::string& word);

// Whether `text` holds a letter or a figure (ASCII), not only marks: a rule read as "|", a
// bullet read as "©".
bool HoldsLetterOrFigure(const std::string& text);

// `words` without those marked `gone` (as many marks as words), in their order.
void EraseGoneWords(std::vector<TableWord>& words, const std::vector<bool>& gone);

// Words grouped into lines (a word joins a line it overlaps vertically by half the smaller
// height), lines top to bottom. Used by the page search and by table images' structure.
std::vector<WordLine> GroupLines(std::vector<const TableWord*> words);

// Finds the tables on one page, in reading order (top to bottom, then left to right). When
// `areas` is not empty only those areas are searched and each yields at most one table.
std::vector<PageTable> FindTables(const std::vector<TableWord>& words, const std::vector<Rule>& rules,
                              const std::vector<Box>& areas, TablePageReport* report,
                              WordSource source = WordSource::kTextLayer);

// `rules` in groups of rules that touch or cross (within a point or pixel or two), each group
// in the order of its first rule; the caller bounds their number (4000 a page: RuledTables).
std::vector<std::vector<Rule>> ConnectedRuleGroups(const std::vector<Rule>& rules);

// A ruled grid from the rules of one connected group, its cells filled with the words whose
// centre falls inside; empty when the rules do not make a grid of at least 2 x 2 slots with
// text. Exposed for tests.
std::vector<PageTable> RuledTables(const std::vector<TableWord>& words, const std::vector<Rule>& rules,
                               TablePageReport* report,
                               WordSource source = WordSource::kTextLayer);

// Drops the tables that are charts: a region holding 20 or more drawn segments that are
// neither horizontal nor vertical (`off_axis`, their midpoints: stages/pdf_rulings.h), spread
// over a third of its width at least. A chart's gridlines and tick labels can make a grid;
// its data lines give it away, and a table draws next to no slanted stroke.
void DropCharts(std::vector<PageTable>& tables, const std::vector<Box>& off_axis);

// Unruled tables among `words` (those not in a ruled table). Exposed for tests.
std::vector<PageTable> AlignedTables(const std::vector<TableWord>& words,
                                     WordSource source = WordSource::kTextLayer);

}  // namespace assay
