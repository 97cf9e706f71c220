#include "stages/table_grid.h"

#include "core/text_metrics.h"
#include "stages/bidi_text.h"
#include "stages/layout_analysis.h"
#include "stages/table_cell_debris.h"
#include "stages/table_columns.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <regex>
#include <span>
#include <optional>
#include <set>
#include <tuple>

namespace assay {
namespace {

constexpr double kRuleTol = 3.0;          // points: rules this close touch; positions this close are one
constexpr size_t kMaxRules = 4000;        // per page: beyond, ruled detection is skipped (bounded time)
constexpr int kMaxSlots = 40000;          // per grid
constexpr double kChunkGap = 0.8;         // of the line height: a gap this wide separates cells
constexpr double kRowGap = 2.2;           // of the line height: a wider vertical gap ends a table
constexpr double kSectionGap = 1.5;       // of the run's widest gap so far: a wider one ends it
constexpr double kMaxRowGap = 4.0;        // of the line height: a wider gap always ends a table
constexpr int kMinTableLines = 3;         // lines with several chunks a table needs
constexpr double kParagraphGap = 0.5;     // of the line height: a blank line between two lines
constexpr double kLowCoverage = 0.12;     // share of lines that may cross a column gap (spanning heads)
constexpr double kHeadingIndent = 2.0;    // of the line height: a lone chunk set in further is a heading
constexpr int kChartStrokes = 20;         // slanted strokes in a region that make it a chart
constexpr double kWordSpace = 0.2;        // of the line height: the least space between two words
constexpr double kTallWord = 1.8;         // of the median word height: taller is a tall glyph
constexpr double kTouchGap = 0.05;        // of the smaller word's height: closer words touch
constexpr double kPhraseSpace = 0.5;      // of the line height: words closer are one phrase
constexpr double kSameAdvance = 0.02;     // of a character's width: two monospaced words' differ less
constexpr double kSpaceAdvance = 0.15;    // of a character's width: a monospaced space is within it
constexpr double kIndent = 0.5;           // of the line height: a line starting further right is indented
constexpr size_t kMaxLabelWords = 4;      // words of a header label (over or under a span) at most
constexpr size_t kMaxHeadLines = 4;       // one-cell lines over a run's first row that may head it

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int Find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Join(int a, int b) { parent[Find(a)] = Find(b); }
};

double Cx(const Box& b) { return (b.x0 + b.x1) / 2; }
double Cy(const Box& b) { return (b.y0 + b.y1) / 2; }

// A figure standing alone: digits with their separators, an optional sign, currency or
// percent sign ("1,040", "-0.5", "12%", "$3"), no letter.
bool IsBareNumber(const std::string& text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+' || text[i] == '$')) ++i;
  bool digit = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') digit = true;
    else if (c != ',' && c != '.' && !(c == '%' && i + 1 == text.size())) return false;
  }
  return digit;
}

// Whether `a` then `b`, two figures one space apart, read as one number with a space between
// its thousands ("12 345"): `b` three digits, `a` one to three.
bool ThousandsGroup(const std::string& a, const std::string& b) {
  auto digits = [](const std::string& t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return b.size() == 3 && digits(b) && !a.empty() && a.size() <= 3 && digits(a);
}

bool Inside(const Box& outer, double x, double y) {
  return x >= outer.x0 && x <= outer.x1 && y >= outer.y0 && y <= outer.y1;
}

// Positions closer than the tolerance become one (their mean).
std::vector<double> MergePositions(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::vector<double> out;
  double sum = 0;
  int n = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (n > 0 && v[i] - v[i - 1] > kRuleTol) {
      out.push_back(sum / n);
      sum = 0;
      n = 0;
    }
    sum += v[i];
    ++n;
  }
  if (n > 0) out.push_back(sum / n);
  return out;
}

}  // namespace

double GapUnitHeight(const std::vector<Box>& words, const Box& line, WordSource source) {
  if (source == WordSource::kTextLayer || words.empty()) return line.y1 - line.y0;
  std::vector<double> h;
  for (const Box& w : words) h.push_back(w.y1 - w.y0);
  std::nth_element(h.begin(), h.begin() + h.size() / 2, h.end());
  return h[h.size() / 2];
}

std::vector<WordLine> GroupLines(std::vector<const TableWord*> words) {
  std::sort(words.begin(), words.end(), [](const TableWord* a, const TableWord* b) {
    if (Cy(a->bbox) != Cy(b->bbox)) return Cy(a->bbox) < Cy(b->bbox);
    return a->bbox.x0 < b->bbox.x0;
  });
  // Upright words much taller than the common height (a bullet whose font box spans three
  // lines) would stretch their line over its neighbours and join them: they are placed after
  // the others. (Words set sideways keep their place: their boxes are tall by nature.)
  std::vector<double> heights;
  for (const TableWord* w : words) heights.push_back(w->bbox.y1 - w->bbox.y0);
  std::vector<const TableWord*> tall;
  if (!heights.empty()) {
    std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
    const double common = heights[heights.size() / 2];
    std::vector<const TableWord*> regular;
    for (const TableWord* w : words)
      (w->rotation == 0 && w->bbox.y1 - w->bbox.y0 > kTallWord * common ? tall : regular)
          .push_back(w);
    words = std::move(regular);
  }
  std::vector<WordLine> lines;
  for (const TableWord* w : words) {
    const double h = w->bbox.y1 - w->bbox.y0;
    bool placed = false;
    // Only the last few lines can take it: words come sorted by their centre.
    for (size_t i = lines.size(); i-- > 0 && i + 3 >= lines.size();) {
      WordLine& l = lines[i];
      const double overlap = std::min(l.box.y1, w->bbox.y1) - std::max(l.box.y0, w->bbox.y0);
      if (overlap >= 0.5 * std::min(h, l.box.y1 - l.box.y0)) {
        l.words.push_back(w);
        l.box.x0 = std::min(l.box.x0, w->bbox.x0);
        l.box.x1 = std::max(l.box.x1, w->bbox.x1);
        l.box.y0 = std::min(l.box.y0, w->bbox.y0);
        l.box.y1 = std::max(l.box.y1, w->bbox.y1);
        placed = true;
        break;
      }
    }
    if (!placed) lines.push_back(WordLine{w->bbox, {w}});
  }
  // A tall word joins the line it covers most (of a tie, the one whose bottom is nearest its
  // own: a glyph sits on its line's baseline) without stretching it.
  const size_t regular_lines = lines.size();
  for (const TableWord* w : tall) {
    int best = -1;
    double best_overlap = 0;
    for (size_t i = 0; i < regular_lines; ++i) {
      const WordLine& l = lines[i];
      const double overlap = std::min(l.box.y1, w->bbox.y1) - std::max(l.box.y0, w->bbox.y0);
      if (overlap < 0.5 * (l.box.y1 - l.box.y0)) continue;
      const bool nearer =
          best >= 0 && std::abs(overlap - best_overlap) <= 0.5 &&
          std::abs(l.box.y1 - w->bbox.y1) < std::abs(lines[best].box.y1 - w->bbox.y1);
      if (best < 0 || overlap > best_overlap + 0.5 || nearer) {
        best = static_cast<int>(i);
        best_overlap = overlap;
      }
    }
    if (best < 0) {
      lines.push_back(WordLine{w->bbox, {w}});
      continue;
    }
    WordLine& l = lines[static_cast<size_t>(best)];
    l.words.push_back(w);
    l.box.x0 = std::min(l.box.x0, w->bbox.x0);
    l.box.x1 = std::max(l.box.x1, w->bbox.x1);
  }
  for (WordLine& l : lines) {
    std::sort(l.words.begin(), l.words.end(),
              [](const TableWord* a, const TableWord* b) { return a->bbox.x0 < b->bbox.x0; });
  }
  std::sort(lines.begin(), lines.end(),
            [](const WordLine& a, const WordLine& b) { return a.box.y0 < b.box.y0; });
  return lines;
}

void EraseGoneWords(std::vector<TableWord>& words, const std::vector<bool>& gone) {
  size_t kept = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    if (gone[i]) continue;
    if (kept != i) words[kept] = std::move(words[i]);
    ++kept;
  }
  words.resize(kept);
}

bool HoldsLetterOrFigure(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

bool TwoFiguresApart(const std::string& a, const std::string& b, double gap) {
  return IsBareNumber(a) && IsBareNumber(b) && !ThousandsGroup(a, b) && gap > 1.0;
}

bool ContinuesThousands(const std::string& text, const std::string& word) {
  static const std::regex kFigureToComma(R"((^|[^\d,.])\d{1,3}(,\d{3})*,$)");
  static const std::regex kGroup(R"(\d{3}([,.]\d+)*\D{0,2})");
  return std::regex_search(text, kFigureToComma) && std::regex_match(word, kGroup);
}

namespace {

// A cell's text: its lines top to bottom, each line's words in reading order (left to right,
// or right to left in a right-to-left line: stages/bidi_text.h).
// Two words of one line that touch (no visible space between them: a footnote mark set
// against its word, "period" and a raised "1", split by the text layer at the change of size)
// are joined without a space (a text layer's words only: OCR boxes jitter by more than that).
std::string JoinText(const std::vector<const TableWord*>& words,
                     WordSource source = WordSource::kTextLayer) {
  std::string out;
  for (const WordLine& l : GroupLines(words)) {
    std::vector<std::string> texts;
    for (const TableWord* w : l.words) texts.push_back(w->text);
    const TableWord* before = nullptr;
    for (size_t i : DrawnToReadingOrder(texts).order) {
      const TableWord* w = l.words[i];
      bool touching = false;
      if (before != nullptr && source == WordSource::kTextLayer) {
        const double h = std::min(before->bbox.y1 - before->bbox.y0, w->bbox.y1 - w->bbox.y0);
        const double gap = std::max(before->bbox.x0, w->bbox.x0) - std::min(before->bbox.x1, w->bbox.x1);
        touching = gap >= -kTouchGap * h && gap <= kTouchGap * h;
      }
      // OCR splits a figure at its thousands comma now and then ("188," "980").
      touching = touching || (source == WordSource::kOcr && ContinuesThousands(out, texts[i]));
      out += (out.empty() || touching ? "" : " ") + texts[i];
      before = w;
    }
  }
  return source == WordSource::kOcr ? WithoutRuleDebris(out) : out;
}

// Drops the rows and columns no text reaches (double rules, padding strips), remapping spans.
void DropEmptyLines(PageTable& t) {
  std::vector<bool> row_used(t.n_rows), col_used(t.n_cols);
  for (const TableCell& c : t.cells) {
    if (c.text.empty()) continue;
    for (int r = c.row; r < c.row + c.rowspan; ++r) row_used[r] = true;
    for (int k = c.col; k < c.col + c.colspan; ++k) col_used[k] = true;
  }
  std::vector<int> row_at(t.n_rows + 1), col_at(t.n_cols + 1);
  for (int r = 0; r < t.n_rows; ++r) row_at[r + 1] = row_at[r] + (row_used[r] ? 1 : 0);
  for (int k = 0; k < t.n_cols; ++k) col_at[k + 1] = col_at[k] + (col_used[k] ? 1 : 0);
  std::vector<TableCell> kept;
  for (TableCell c : t.cells) {
    const int r0 = row_at[c.row], r1 = row_at[c.row + c.rowspan];
    const int c0 = col_at[c.col], c1 = col_at[c.col + c.colspan];
    if (r1 <= r0 || c1 <= c0) continue;
    c.row = r0;
    c.col = c0;
    c.rowspan = r1 - r0;
    c.colspan = c1 - c0;
    kept.push_back(std::move(c));
  }
  t.cells = std::move(kept);
  t.n_rows = row_at[t.n_rows];
  t.n_cols = col_at[t.n_cols];
}

// Whether `text` opens a table's note: "Note:", "Sources:", "Exhibit reads:".
bool StartsANote(const std::string& text) {
  static const std::regex kNote(R"(^(Notes?|NOTES?|Sources?|SOURCES?)\b|^[A-Z][a-z]+ reads:)");
  return std::regex_search(text, kNote);
}

// A frame drawn round a table with its caption and notes (an "Exhibit" box, ICDAR us-014)
// makes them rows of one cell across the whole grid: at the top, from a caption's label on
// ("Exhibit 19", "Table 2.3") to the first row of several cells; at the foot, from a note's
// first words on ("Note:", "Source:", "Exhibit reads:"). They are the table's caption and
// notes, not its rows: they go, and the table's box shrinks to its rows. A grid's own
// spanning title ("Improved operation scenario" over its years, tabula's spanning_cells)
// stays.
void TrimFramedCaptions(PageTable& t) {
  auto whole_row = [&](int r) -> const TableCell* {
    const TableCell* only = nullptr;
    int cells = 0;
    for (const TableCell& c : t.cells)
      if (c.row <= r && r < c.row + c.rowspan && !c.text.empty()) {
        ++cells;
        only = &c;
      }
    return cells == 1 && only->row == r && only->rowspan == 1 && only->colspan == t.n_cols ? only : nullptr;
  };
  int top = 0, bottom = t.n_rows;
  if (const TableCell* c = whole_row(0); c != nullptr && LooksLikeCaption(c->text))
    while (top < bottom && whole_row(top) != nullptr) ++top;
  int foot = bottom;
  while (foot > top && whole_row(foot - 1) != nullptr) --foot;
  while (foot < bottom && !StartsANote(whole_row(foot)->text)) ++foot;
  bottom = foot;
  if ((top == 0 && bottom == t.n_rows) || bottom - top < 2) return;
  std::vector<TableCell> kept;
  Box box;
  for (TableCell c : t.cells) {
    if (c.row < top || c.row + c.rowspan > bottom) continue;
    c.row -= top;
    box.Extend(c.bbox);
    kept.push_back(std::move(c));
  }
  t.cells = std::move(kept);
  t.n_rows = bottom - top;
  t.bbox = box;
}

// Slots no cell covers become empty 1x1 cells, so every slot has exactly one cell.
void FillGaps(PageTable& t) {
  std::vector<std::vector<bool>> covered(t.n_rows, std::vector<bool>(t.n_cols));
  for (const TableCell& c : t.cells)
    for (int r = c.row; r < c.row + c.rowspan; ++r)
      for (int k = c.col; k < c.col + c.colspan; ++k) covered[r][k] = true;
  for (int r = 0; r < t.n_rows; ++r)
    for (int k = 0; k < t.n_cols; ++k)
      if (!covered[r][k]) t.cells.push_back(TableCell{r, k, 1, 1, "", Box{}});
  std::sort(t.cells.begin(), t.cells.end(), [](const TableCell& a, const TableCell& b) {
    return std::tie(a.row, a.col) < std::tie(b.row, b.col);
  });
}

int TextCells(const PageTable& t) {
  int n = 0;
  for (const TableCell& c : t.cells) n += c.text.empty() ? 0 : 1;
  return n;
}

// The column of boundaries `xs` that `x` falls in (0 left of them all).
int ColumnAt(const std::vector<double>& xs, double x) {
  return static_cast<int>(std::upper_bound(xs.begin(), xs.end(), x) - xs.begin());
}

// Whether `text` goes on a sentence begun above: a lower-case letter or an opening bracket
// first (a label or a figure that starts a row starts with a capital, a digit or a sign).
bool StartsMidSentence(const std::string& text) {
  const unsigned char first = text.empty() ? 0 : static_cast<unsigned char>(text.front());
  return (first >= 'a' && first <= 'z') || first == '(';
}

// Whether the first of `below` (words of column `c`, between xs[c - 1] and xs[c]) would have
// fitted after the last of `above` in that column, a word space apart (kWordSpace of `h`): the
// column's right edge less the padding its text keeps on the left; `c` >= 1.
bool FitsAfterInColumn(const std::vector<const TableWord*>& above,
                       const std::vector<const TableWord*>& below, const std::vector<double>& xs,
                       int c, double h) {
  double left = 1e300, last = -1e300;
  for (const TableWord* w : above) last = std::max(last, w->bbox.x1);
  for (const TableWord* w : below) left = std::min(left, w->bbox.x0);
  for (const TableWord* w : above) left = std::min(left, w->bbox.x0);
  const double pad = std::max(0.0, left - xs[static_cast<size_t>(c - 1)]);
  const double room = xs[static_cast<size_t>(c)] - pad;
  const double first = below.front()->bbox.x1 - below.front()->bbox.x0;
  return last + kWordSpace * h + first <= room;
}

// Whether `below` is the wrapped continuation of `above` in a ruled band whose column
// boundaries are `xs`: in every column where `below` has words, `above` has text too, the
// first word of `below` there would not have fitted after it (the column's right edge less the
// padding its text keeps on the left), and `below`'s text there is not a lone figure (figures
// are short: one under another are rows); and in one column at least `below` goes on
// mid-sentence (StartsMidSentence).
bool WrapsFromLineAbove(const WordLine& above, const WordLine& below,
                        const std::vector<double>& xs) {
  auto column_of = [&](const TableWord* w) { return ColumnAt(xs, Cx(w->bbox)); };
  std::map<int, std::vector<const TableWord*>> up, down;
  for (const TableWord* w : above.words) up[column_of(w)].push_back(w);
  for (const TableWord* w : below.words) down[column_of(w)].push_back(w);
  if (down.empty()) return false;
  const double h = below.box.y1 - below.box.y0;
  bool mid_sentence = false;
  for (const auto& [c, ws] : down) {
    if (c <= 0 || c >= static_cast<int>(xs.size())) return false;
    auto it = up.find(c);
    if (it == up.end()) return false;
    if (ws.size() == 1 && IsBareNumber(ws.front()->text)) return false;
    if (FitsAfterInColumn(it->second, ws, xs, c, h)) return false;
    mid_sentence = mid_sentence || StartsMidSentence(ws.front()->text);
  }
  return mid_sentence;
}

// The width of one character of `w` when its characters are evenly wide: the text layer's
// box over its characters; 0 for a word of fewer than three letters (figures are evenly wide
// in most fonts: their width says nothing of the font's spacing).
double CharAdvance(const TableWord& w) {
  const auto letters = std::count_if(w.text.begin(), w.text.end(),
                                     [](unsigned char c) { return std::isalpha(c) != 0; });
  const size_t n = CodePointCount(w.text);
  return letters >= 3 && n > 0 ? (w.bbox.x1 - w.bbox.x0) / static_cast<double>(n) : 0;
}

// Whether `b` follows `a` on one text line a word space away at most (half the line height,
// or one character of a monospaced font): words of one phrase. Two figures side by side are
// not (a monospaced table's columns).
bool InOnePhrase(const TableWord& a, const TableWord& b) {
  const double h = std::min(a.bbox.y1 - a.bbox.y0, b.bbox.y1 - b.bbox.y0);
  const double overlap = std::min(a.bbox.y1, b.bbox.y1) - std::max(a.bbox.y0, b.bbox.y0);
  const double gap = b.bbox.x0 - a.bbox.x1;
  if (overlap < 0.5 * h || gap < -kRuleTol || (IsBareNumber(a.text) && IsBareNumber(b.text))) return false;
  if (gap <= kPhraseSpace * h) return true;
  // A monospaced font's space is a character wide, wider than a proportional font's: two
  // words of one character width one character apart are one phrase ("Mexican American" in
  // Courier, ICDAR us-033).
  const double adv = CharAdvance(a), adv_b = CharAdvance(b);
  return adv > 0 && adv_b > 0 && std::abs(adv_b - adv) <= kSameAdvance * adv &&
         std::abs(gap - adv) <= kSpaceAdvance * adv;
}

// Whether some word of `words` holds a letter or a figure (not only marks: a rule read as "|").
bool AnyHoldsLetterOrFigure(std::span<const TableWord* const> words) {
  return std::any_of(words.begin(), words.end(),
                     [](const TableWord* w) { return HoldsLetterOrFigure(w->text); });
}

// Whether `below` sets labels in two or more of the columns (boundaries `xs`) that a label of
// `above` spans: a group's name over its "Male" and "Female" (ICDAR us-033), a header row of
// its own. The label spanning them is a phrase of a few words (its words a word space apart:
// two cells' paragraphs running into each other are not; a rule read as "|" is not); the
// labels under it a few words a column, none going on mid-sentence (a note's wrapped line, or
// a wrapped label OCR split: "Change in recent" over "y' ad", ICDAR eu-004 as a scan).
bool UnderSpanningLabel(const WordLine& above, const WordLine& below, const std::vector<double>& xs) {
  std::vector<std::pair<int, int>> spans;
  for (size_t k = 0; k < above.words.size();) {
    size_t end = k + 1;
    while (end < above.words.size() && InOnePhrase(*above.words[end - 1], *above.words[end])) ++end;
    const int a = ColumnAt(xs, above.words[k]->bbox.x0 + kRuleTol);
    const int b = ColumnAt(xs, above.words[end - 1]->bbox.x1 - kRuleTol);
    if (a < b && end - k <= kMaxLabelWords &&
        AnyHoldsLetterOrFigure(std::span(above.words).subspan(k, end - k)))
      spans.push_back({a, b});
    k = end;
  }
  for (const auto& [a, b] : spans) {
    std::map<int, std::vector<const TableWord*>> under;
    for (const TableWord* w : below.words) {
      const int c = ColumnAt(xs, Cx(w->bbox));
      if (c >= a && c <= b) under[c].push_back(w);
    }
    const bool labels = std::all_of(under.begin(), under.end(), [](const auto& column) {
      return column.second.size() <= kMaxLabelWords &&
             !StartsMidSentence(column.second.front()->text);
    });
    if (under.size() >= 2 && labels) return true;
  }
  return false;
}

// The text rows inside one band between two horizontal rules of a ruled grid: its words
// grouped into text lines; a line reaching two or more columns starts a row, a line in one
// column only (a wrapped label) belongs to the nearest such line. Returns the y positions
// between those rows, when the band holds at least kMinTableLines of them: a table ruled only
// around its header and its body still has one row per line, while a ruled row whose cells
// wrap onto two lines stays one row. With fewer, the band is parted only at a blank line
// before a line that starts a row in two columns or more, its first one the leftmost any such
// line starts in.
std::vector<double> TextRowBoundaries(const std::vector<TableWord>& words,
                                      const std::vector<double>& xs, double y0, double y1) {
  std::vector<const TableWord*> in;
  for (const TableWord& w : words) {
    const double cx = Cx(w.bbox), cy = Cy(w.bbox);
    if (cx > xs.front() && cx < xs.back() && cy > y0 && cy < y1) in.push_back(&w);
  }
  if (in.size() < 2 * static_cast<size_t>(kMinTableLines)) return {};
  const std::vector<WordLine> lines = GroupLines(std::move(in));
  // The columns each line reaches.
  auto column_of = [&](const TableWord& w) { return ColumnAt(xs, Cx(w.bbox)); };
  std::vector<std::set<int>> cols(lines.size());
  for (size_t i = 0; i < lines.size(); ++i)
    for (const TableWord* w : lines[i].words) cols[i].insert(column_of(*w));
  // A line whose every cell continues the cell above it (the line above was full: its text
  // there and the next word would not have fitted in the column) is that row's wrapped text,
  // not a row of its own, whatever the number of columns it reaches.
  std::vector<bool> continues(lines.size());
  for (size_t i = 1; i < lines.size(); ++i)
    continues[i] = WrapsFromLineAbove(lines[i - 1], lines[i], xs);
  std::vector<size_t> anchors;
  for (size_t i = 0; i < lines.size(); ++i)
    if (cols[i].size() >= 2 && !continues[i]) anchors.push_back(i);
  int lead = 1 << 30;  // the leftmost column a row starts in: the labels'
  for (size_t a : anchors) lead = std::min(lead, *cols[a].begin());
  if (anchors.size() < static_cast<size_t>(kMinTableLines)) {
    // Fewer rows than a table's: the band is one row, unless a blank line parts it before a
    // line that starts a row: in several columns, the first of them the labels' (a ruled
    // group of rows: "Stationary:" over "Major" and "Area", each a paragraph a side, ICDAR
    // us-032; not a cell's list, whose bullets make a column of their own: us-015; not a
    // note's line across the columns: us-014).
    std::vector<double> heights;
    for (const WordLine& l : lines) heights.push_back(l.box.y1 - l.box.y0);
    std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
    const double h = heights[heights.size() / 2];
    std::vector<double> out;
    // A line of running text across the columns (a note under the table: one phrase from
    // column to column) starts no row; labels under a label spanning their columns do.
    auto across = [&](const WordLine& l) {
      for (size_t k = 1; k < l.words.size(); ++k) {
        const TableWord& a = *l.words[k - 1];
        const TableWord& b = *l.words[k];
        if (column_of(a) != column_of(b) && !InOnePhrase(a, b)) return false;
      }
      return true;
    };
    for (size_t i = 1; i < lines.size(); ++i) {
      if (continues[i] || across(lines[i])) continue;
      const bool after_blank = cols[i].size() >= 2 && *cols[i].begin() == lead &&
                               lines[i].box.y0 - lines[i - 1].box.y1 >= kParagraphGap * h;
      if (after_blank || UnderSpanningLabel(lines[i - 1], lines[i], xs))
        out.push_back((lines[i - 1].box.y1 + lines[i].box.y0) / 2);
    }
    return out;
  }
  // A line in the labels' column only, whose next line starts a row with a label that would
  // have fitted after it or is set in under it, is a section's label ("Sex" over "Female",
  // "Male"), a row of its own: a label wrapped onto its row's line below fills its first line
  // (ICDAR us-025); neither line goes on mid-sentence ("Severe" / "cases" is one label).
  std::vector<size_t> starts = anchors;
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (!continues[i] && cols[i].size() == 1 && *cols[i].begin() == lead &&
        std::binary_search(anchors.begin(), anchors.end(), i + 1) &&
        *cols[i + 1].begin() == lead) {
      std::vector<const TableWord*> below;
      for (const TableWord* w : lines[i + 1].words)
        if (column_of(*w) == lead) below.push_back(w);
      const double h = lines[i + 1].box.y1 - lines[i + 1].box.y0;
      const bool indented = below.front()->bbox.x0 - lines[i].words.front()->bbox.x0 >= kIndent * h;
      if (!StartsMidSentence(lines[i].words.front()->text) &&
          !StartsMidSentence(below.front()->text) &&
          (indented || FitsAfterInColumn(lines[i].words, below, xs, lead, h)))
        starts.push_back(i);
    }
  std::sort(starts.begin(), starts.end());
  // Each line's row: the row of the line above for a wrapped line, else its nearest row start
  // (the earlier one on a tie).
  std::vector<size_t> row_of(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    if (continues[i]) {
      row_of[i] = row_of[i - 1];
      continue;
    }
    size_t best = 0;
    for (size_t a = 1; a < starts.size(); ++a)
      if (std::abs(Cy(lines[starts[a]].box) - Cy(lines[i].box)) <
          std::abs(Cy(lines[starts[best]].box) - Cy(lines[i].box)))
        best = a;
    row_of[i] = best;
  }
  std::vector<double> out;
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (row_of[i + 1] != row_of[i]) out.push_back((lines[i].box.y1 + lines[i + 1].box.y0) / 2);
  return out;
}

// Whether one of `rules` runs along `y` over the middle of the span from `xa` to `xb`.
bool HorizontalRuleAt(const std::vector<Rule>& rules, double y, double xa, double xb) {
  const double mid = (xa + xb) / 2;
  for (const Rule& r : rules)
    if (r.horizontal() && std::abs(r.y0 - y) <= kRuleTol && r.x0 - kRuleTol <= mid &&
        r.x1 + kRuleTol >= mid)
      return true;
  return false;
}

// Whether a vertical rule of `rules` runs at x through the middle of ya..yb.
bool VerticalRuleAt(const std::vector<Rule>& rules, double x, double ya, double yb) {
  const double mid = (ya + yb) / 2;
  return std::any_of(rules.begin(), rules.end(), [&](const Rule& r) {
    return !r.horizontal() && std::abs(r.x0 - x) <= kRuleTol && r.y0 - kRuleTol <= mid &&
           r.y1 + kRuleTol >= mid;
  });
}

// Whether the boundary at `y` is drawn over some of the columns `xs` make and not others: a
// header ruled between its label rows only where labels do not span them. `lines` are the
// rules drawn as lines: a shaded area's edge over some columns is where the shading stops (a
// label column shaded down a group of rows, ICDAR us-032), no sign of labels spanning rows.
bool PartlyRuled(const std::vector<Rule>& lines, const std::vector<double>& xs, double y) {
  int drawn = 0;
  for (size_t k = 0; k + 1 < xs.size(); ++k) drawn += HorizontalRuleAt(lines, y, xs[k], xs[k + 1]);
  return drawn > 0 && drawn + 1 < static_cast<int>(xs.size());
}

// Whether the band ya..yb is a row of shaded cells: every column's cell filled from the band's
// top to its bottom, each fill ending at the column's sides (`fill_edges`: a shaded area's
// edges). Its text lines are its labels' wrapped lines, set at heights of their own (ICDAR
// us-027's header), not rows. Not a table shaded as a whole: one fill behind all its columns
// draws no edge between them.
bool ShadedCellsBand(const std::vector<Rule>& fill_edges, const std::vector<double>& xs, double ya,
                     double yb) {
  for (size_t k = 0; k + 1 < xs.size(); ++k)
    if (!HorizontalRuleAt(fill_edges, ya, xs[k], xs[k + 1]) || !HorizontalRuleAt(fill_edges, yb, xs[k], xs[k + 1]))
      return false;
  for (size_t k = 1; k + 1 < xs.size(); ++k)
    if (!VerticalRuleAt(fill_edges, xs[k], ya, yb)) return false;
  return true;
}

// Per slot (row r, column c), whether the undrawn boundary under it still parts it from the
// slot below: in a column that no rule divides where the rest of the grid is divided (a label
// column left open), a run of kMinTableLines or more slots each holding one text line of its
// own, no word across the boundaries, is that many rows. A label spanning rows sits in one or
// two of its slots, not one line in each; two slots may be one label's wrapped lines, so
// shorter runs are left to join.
template <typename HorizontalAt>
std::vector<std::vector<bool>> StackedLinesApart(const std::vector<TableWord>& words,
                                                 const std::vector<double>& xs,
                                                 const std::vector<double>& ys,
                                                 HorizontalAt horizontal_at) {
  const int rows = static_cast<int>(ys.size()) - 1, cols = static_cast<int>(xs.size()) - 1;
  std::vector<std::vector<bool>> apart(static_cast<size_t>(rows), std::vector<bool>(static_cast<size_t>(cols)));
  for (int c = 0; c < cols; ++c) {
    // Per slot: its words (centre inside, not across the column's sides), and whether a word
    // of the column crosses the boundary under it.
    std::vector<std::vector<const TableWord*>> in(static_cast<size_t>(rows));
    std::vector<bool> crossed(static_cast<size_t>(rows));
    for (const TableWord& w : words) {
      const double cx = Cx(w.bbox), cy = Cy(w.bbox);
      if (cx < xs[c] || cx > xs[c + 1] || cy < ys.front() || cy > ys.back()) continue;
      if (w.bbox.x0 < xs[c] - kRuleTol || w.bbox.x1 > xs[c + 1] + kRuleTol) continue;
      const int r = std::clamp(ColumnAt(ys, cy) - 1, 0, rows - 1);
      in[static_cast<size_t>(r)].push_back(&w);
      for (int k = 1; k < rows; ++k)
        if (w.bbox.y0 < ys[k] - 1.0 && w.bbox.y1 > ys[k] + 1.0) crossed[static_cast<size_t>(k - 1)] = true;
    }
    auto one_line = [&](int r) {
      const auto& ws = in[static_cast<size_t>(r)];
      return !ws.empty() && GroupLines(ws).size() == 1;
    };
    int r = 0;
    while (r < rows) {
      int end = r;  // the run r..end of slots joined by undrawn boundaries
      while (end + 1 < rows && !horizontal_at(ys[end + 1], xs[c], xs[c + 1])) ++end;
      bool each = end - r + 1 >= kMinTableLines;
      for (int k = r; each && k <= end; ++k)
        each = one_line(k) && (k == end || !crossed[static_cast<size_t>(k)]);
      if (each)
        for (int k = r; k < end; ++k) apart[static_cast<size_t>(k)][static_cast<size_t>(c)] = true;
      r = end + 1;
    }
  }
  return apart;
}

// One grid from one connected group of rules.
std::optional<PageTable> GridFromGroup(const std::vector<Rule>& group,
                                   const std::vector<TableWord>& words, TablePageReport* report,
                                   WordSource source) {
  Box box{1e300, 1e300, -1e300, -1e300};
  std::vector<double> ys, xs;
  for (const Rule& r : group) {
    box.x0 = std::min(box.x0, r.x0);
    box.y0 = std::min(box.y0, r.y0);
    box.x1 = std::max(box.x1, r.x1);
    box.y1 = std::max(box.y1, r.y1);
    (r.horizontal() ? ys : xs).push_back(r.horizontal() ? r.y0 : r.x0);
  }
  // The group's outer edges bound the grid even where no rule frames it.
  ys.push_back(box.y0);
  ys.push_back(box.y1);
  xs.push_back(box.x0);
  xs.push_back(box.x1);
  ys = MergePositions(ys);
  xs = MergePositions(xs);
  // Columns the rules leave unruled (rules only between column groups): gaps in the alignment
  // of the words inside each ruled column. No rule separates them; the slots on either side
  // stay apart where each holds its own words (below), so a label over the group spans it.
  std::vector<double> unruled;
  for (size_t k = 0; k + 1 < xs.size(); ++k)
    for (double x : AlignedColumnGaps(words, Box{xs[k], ys.front(), xs[k + 1], ys.back()}, source))
      unruled.push_back(x);
  if (!unruled.empty()) {
    xs.insert(xs.end(), unruled.begin(), unruled.end());
    xs = MergePositions(xs);
  }
  // A shading's edge drawn over some columns only (a label column shaded down a group of
  // rows) bounds no row: only a line, or shading edges across the whole grid (a shaded row),
  // part rows.
  std::vector<Rule> lines, fill_edges;
  for (const Rule& r : group) (r.fill_edge ? fill_edges : lines).push_back(r);
  if (!fill_edges.empty()) {
    auto shading_edge_only = [&](double y) {
      for (size_t k = 0; k + 1 < xs.size(); ++k)
        if (HorizontalRuleAt(lines, y, xs[k], xs[k + 1])) return false;
      for (size_t k = 0; k + 1 < xs.size(); ++k)
        if (!HorizontalRuleAt(fill_edges, y, xs[k], xs[k + 1])) return true;
      return false;
    };
    ys.erase(std::remove_if(ys.begin() + 1, ys.end() - 1, shading_edge_only), ys.end() - 1);
  }
  // Bands holding several text rows get a boundary between them, as if ruled; not a band
  // ruled only partly above or below: a header whose labels span rows (its text lines are the
  // labels' wrapped lines, their rows drawn where labels do not span them).
  std::vector<Rule> rules = group;
  if (xs.size() >= 3) {
    std::vector<double> extra;
    for (size_t i = 0; i + 1 < ys.size(); ++i) {
      if (PartlyRuled(lines, xs, ys[i]) || PartlyRuled(lines, xs, ys[i + 1]) ||
          ShadedCellsBand(fill_edges, xs, ys[i], ys[i + 1]))
        continue;
      for (double y : TextRowBoundaries(words, xs, ys[i], ys[i + 1])) extra.push_back(y);
    }
    for (double y : extra) {
      rules.push_back(Rule{xs.front(), y, xs.back(), y});
      ys.push_back(y);
    }
    if (!extra.empty()) ys = MergePositions(ys);
  }
  const int rows = static_cast<int>(ys.size()) - 1, cols = static_cast<int>(xs.size()) - 1;
  if (rows < 1 || cols < 2) return std::nullopt;
  if (rows * cols > kMaxSlots) {
    report->truncated = true;
    return std::nullopt;
  }
  // Is there a rule along x (vertical) from y_a to y_b, or along y (horizontal) from x_a to x_b?
  auto vertical_at = [&](double x, double ya, double yb) { return VerticalRuleAt(rules, x, ya, yb); };
  auto horizontal_at = [&](double y, double xa, double xb) { return HorizontalRuleAt(rules, y, xa, xb); };

  // A column boundary no rule draws anywhere (found from the words' alignment) joins two
  // slots only where a word crosses it: an empty slot beside a label stays empty.
  std::vector<bool> drawn(static_cast<size_t>(cols + 1));
  for (int k = 0; k <= cols; ++k)
    for (const Rule& r : rules)
      drawn[static_cast<size_t>(k)] = drawn[static_cast<size_t>(k)] || (!r.horizontal() && std::abs(r.x0 - xs[k]) <= kRuleTol);
  // The slot (row, column) of a box's centre; ColumnAt counts the grid's outer edges too.
  auto slot_of = [&](const Box& b) {
    return std::pair{std::clamp(ColumnAt(ys, Cy(b)) - 1, 0, rows - 1),
                     std::clamp(ColumnAt(xs, Cx(b)) - 1, 0, cols - 1)};
  };
  auto across = [&](const Box& b, int k) { return b.x0 < xs[k] - kRuleTol && b.x1 > xs[k] + kRuleTol; };
  // Each column's print, from the words inside it: a word over an undrawn boundary that
  // reaches only into the gap beside its column, not the print of the column across it
  // ("Under 18" right-aligned over its figures, its first letters past their left edge), does
  // not cross it. A text layer's only: OCR'd words' gaps follow the ink, and a label spanning
  // two columns ("Mexican American" as a scan) joins them by its words' reach, not as a phrase.
  std::vector<double> print_x0(static_cast<size_t>(cols), 1e300), print_x1(static_cast<size_t>(cols), -1e300);
  if (source == WordSource::kTextLayer) {
    for (const TableWord& w : words) {
      const int c = slot_of(w.bbox).second;
      bool inside = true;
      for (int k = 1; k < cols; ++k) inside = inside && !across(w.bbox, k);
      if (!inside || !WordCentreInRegion(box, w.bbox)) continue;
      print_x0[static_cast<size_t>(c)] = std::min(print_x0[static_cast<size_t>(c)], w.bbox.x0);
      print_x1[static_cast<size_t>(c)] = std::max(print_x1[static_cast<size_t>(c)], w.bbox.x1);
    }
  }
  auto crosses_boundary = [&](const Box& b, int c, int k) {
    if (!across(b, k)) return false;
    if (drawn[static_cast<size_t>(k)] || source == WordSource::kOcr) return true;
    if (c == k) return b.x0 < print_x1[static_cast<size_t>(k - 1)];
    if (c == k - 1) return b.x1 > print_x0[static_cast<size_t>(k)];
    return true;
  };

  // Per slot, whether a word sits wholly inside it; per row and column boundary, whether a
  // word crosses it. Two neighbouring slots that each hold their own words and no word joins
  // are two cells even without a rule between them: tables ruled only between rows (or only in
  // the header) keep their columns.
  std::vector<std::vector<bool>> own_words(rows, std::vector<bool>(cols));
  std::vector<std::vector<bool>> crossed(rows, std::vector<bool>(cols + 1));
  std::vector<std::vector<const TableWord*>> row_words(static_cast<size_t>(rows));
  for (const TableWord& w : words) {
    const double cx = Cx(w.bbox), cy = Cy(w.bbox);
    if (cx < xs.front() || cx > xs.back() || cy < ys.front() || cy > ys.back()) continue;
    const auto [r, c] = slot_of(w.bbox);
    row_words[static_cast<size_t>(r)].push_back(&w);
    bool crosses = false;
    for (int k = 1; k < cols; ++k)
      if (crosses_boundary(w.bbox, c, k)) crossed[r][k] = crosses = true;
    if (!crosses) own_words[r][c] = true;
  }
  // Two words of one line a word space apart are one phrase ("Tamil Nadu", "(No. of adults:"):
  // a boundary between them joins its slots like a word across it. (Two figures are two
  // cells however close: a monospaced table's columns.)
  for (int r = 0; r < rows; ++r)
    for (const TableWord* a : row_words[static_cast<size_t>(r)])
      for (const TableWord* b : row_words[static_cast<size_t>(r)])
        if (InOnePhrase(*a, *b))
          for (int k = 1; k < cols; ++k)
            if (Cx(a->bbox) < xs[k] && Cx(b->bbox) > xs[k]) crossed[r][k] = true;
  const std::vector<std::vector<bool>> rows_apart =
      source == WordSource::kTextLayer
          ? StackedLinesApart(words, xs, ys, horizontal_at)
          : std::vector<std::vector<bool>>(static_cast<size_t>(rows), std::vector<bool>(static_cast<size_t>(cols)));
  UnionFind uf(static_cast<size_t>(rows * cols));
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const bool apart = drawn[static_cast<size_t>(c + 1)]
                             ? own_words[r][c] && own_words[r][c + 1] && !crossed[r][c + 1]
                             : !crossed[r][c + 1];
      if (c + 1 < cols && !vertical_at(xs[c + 1], ys[r], ys[r + 1]) && !apart)
        uf.Join(r * cols + c, r * cols + c + 1);
      if (r + 1 < rows && !horizontal_at(ys[r + 1], xs[c], xs[c + 1]) && !rows_apart[r][c])
        uf.Join(r * cols + c, (r + 1) * cols + c);
    }
  struct Extent {
    int r0 = 1 << 30, c0 = 1 << 30, r1 = -1, c1 = -1, n = 0;
  };
  std::map<int, Extent> groups;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      Extent& e = groups[uf.Find(r * cols + c)];
      e.r0 = std::min(e.r0, r);
      e.c0 = std::min(e.c0, c);
      e.r1 = std::max(e.r1, r);
      e.c1 = std::max(e.c1, c);
      ++e.n;
    }
  PageTable t;
  t.method = "ruled";
  t.bbox = box;
  t.n_rows = rows;
  t.n_cols = cols;
  std::vector<std::vector<bool>> taken(rows, std::vector<bool>(cols));
  std::vector<std::pair<int, int>> order;  // (slot of top-left, group id), reading order
  for (const auto& [id, e] : groups) order.push_back({e.r0 * cols + e.c0, id});
  std::sort(order.begin(), order.end());
  for (const auto& [slot, id] : order) {
    const Extent& e = groups[id];
    if (e.n != (e.r1 - e.r0 + 1) * (e.c1 - e.c0 + 1)) ++report->span_conflicts;
    bool clash = false;
    for (int r = e.r0; r <= e.r1; ++r)
      for (int c = e.c0; c <= e.c1; ++c) clash = clash || taken[r][c];
    if (clash) {
      ++report->span_conflicts;
      continue;  // the slots it would add stay with the cell that took them
    }
    for (int r = e.r0; r <= e.r1; ++r)
      for (int c = e.c0; c <= e.c1; ++c) taken[r][c] = true;
    TableCell cell{e.r0, e.c0, e.r1 - e.r0 + 1, e.c1 - e.c0 + 1, "",
                   Box{xs[e.c0], ys[e.r0], xs[e.c1 + 1], ys[e.r1 + 1]}};
    std::vector<const TableWord*> inside;
    for (const TableWord& w : words)
      if (WordCentreInRegion(cell.bbox, w.bbox)) inside.push_back(&w);
    cell.text = JoinText(inside, source);
    t.cells.push_back(std::move(cell));
  }
  DropEmptyLines(t);
  TrimFramedCaptions(t);
  FillGaps(t);
  if (t.n_rows < 2 || t.n_cols < 2 || TextCells(t) < 3) return std::nullopt;
  return t;
}

// A line of words cut into chunks at gaps wider than the cell gap.
struct Chunk {
  Box box;
  std::vector<const TableWord*> words;
};

std::vector<Chunk> Chunks(const WordLine& line, WordSource source) {
  std::vector<Chunk> out;
  std::vector<Box> boxes;
  for (const TableWord* w : line.words) boxes.push_back(w->bbox);
  const double h = GapUnitHeight(boxes, line.box, source);
  for (const TableWord* w : line.words) {
    // Two figures side by side are two cells even one space apart (a monospaced table's
    // columns); a phrase's words join at gaps under the cell gap.
    const bool figures = !out.empty() && TwoFiguresApart(out.back().words.back()->text, w->text,
                                                         w->bbox.x0 - out.back().box.x1);
    if (out.empty() || figures || w->bbox.x0 - out.back().box.x1 > std::max(2.5, kChunkGap * h)) {
      out.push_back(Chunk{w->bbox, {w}});
    } else {
      out.back().words.push_back(w);
      out.back().box.x1 = std::max(out.back().box.x1, w->bbox.x1);
      out.back().box.y0 = std::min(out.back().box.y0, w->bbox.y0);
      out.back().box.y1 = std::max(out.back().box.y1, w->bbox.y1);
    }
  }
  return out;
}

// Column gaps of a run of lines: x ranges that (almost) no chunk covers, inside the run's
// extent. Returns the separators' x positions, left to right.
std::vector<double> ColumnSeparators(const std::vector<std::vector<Chunk>>& lines, double x0,
                                     double x1) {
  const int bins = std::max(1, static_cast<int>(std::ceil(x1 - x0)));
  std::vector<int> cover(bins, 0);
  // A line of one chunk set in from the labels' edge, between the rows (under the first line
  // of several cells), that starts with a capital is a heading over the figures (a section's
  // unit centred over them: "Enrollment, in thousands", ICDAR us-019), not a cell: it hides
  // no gap between the columns under it. Not one of several one-chunk lines starting where it
  // starts (a column of running text), nor a figure or a mark (a chart's value, "|" read off
  // a rule): running text and a chart's labels (a false table's) keep their gaps covered.
  auto lone = [&](const std::vector<Chunk>& chunks) {
    return chunks.size() == 1 &&
           chunks[0].box.x0 > x0 + kHeadingIndent * (chunks[0].box.y1 - chunks[0].box.y0);
  };
  size_t first_row = 0;
  while (first_row < lines.size() && lines[first_row].size() < 2) ++first_row;
  auto heading = [&](size_t i) {
    const std::vector<Chunk>& chunks = lines[i];
    const std::string& first = chunks[0].words.front()->text;
    if (i <= first_row || !lone(chunks) || first.empty() || first[0] < 'A' || first[0] > 'Z') return false;
    const Box& b = chunks[0].box;
    for (size_t k = 0; k < lines.size(); ++k)
      if (k != i && lone(lines[k]) && std::abs(lines[k][0].box.x0 - b.x0) <= b.y1 - b.y0) return false;
    return true;
  };
  for (size_t li = 0; li < lines.size(); ++li) {
    if (heading(li)) continue;
    for (const Chunk& c : lines[li]) {
      const int a = std::clamp(static_cast<int>(c.box.x0 - x0), 0, bins - 1);
      const int b = std::clamp(static_cast<int>(std::ceil(c.box.x1 - x0)), 0, bins);
      for (int i = a; i < b; ++i) ++cover[i];
    }
  }
  const int allowed = static_cast<int>(kLowCoverage * lines.size());
  std::vector<double> seps;
  int start = -1;
  for (int i = 0; i <= bins; ++i) {
    const bool low = i < bins && cover[i] <= allowed;
    if (low && start < 0) start = i;
    if (!low && start >= 0) {
      // A gap at either edge is margin, not a separator; a gap needs some width.
      if (start > 0 && i < bins && i - start >= 2) seps.push_back(x0 + (start + i) / 2.0);
      start = -1;
    }
  }
  return seps;
}

std::optional<PageTable> TableFromLines(const std::vector<WordLine>& lines,
                                    const std::vector<std::vector<Chunk>>& chunks, size_t a,
                                    size_t b, WordSource source) {
  std::vector<std::vector<Chunk>> run(chunks.begin() + a, chunks.begin() + b);
  Box box{1e300, 1e300, -1e300, -1e300};
  for (size_t i = a; i < b; ++i) {
    box.x0 = std::min(box.x0, lines[i].box.x0);
    box.y0 = std::min(box.y0, lines[i].box.y0);
    box.x1 = std::max(box.x1, lines[i].box.x1);
    box.y1 = std::max(box.y1, lines[i].box.y1);
  }
  const std::vector<double> seps = ColumnSeparators(run, box.x0, box.x1);
  if (seps.empty()) return std::nullopt;
  const int cols = static_cast<int>(seps.size()) + 1;
  std::vector<double> edges = {box.x0};
  edges.insert(edges.end(), seps.begin(), seps.end());
  edges.push_back(box.x1);
  auto column_of = [&](double x) { return ColumnAt(seps, x); };
  // Each line starts a row, unless it is the wrapped text of the row above (every cell it
  // has continues a full cell above mid-sentence: WrapsFromLineAbove) and none of its chunks
  // crosses a column gap (a label set across columns heads a section of its own).
  auto crosses_gap = [&](const std::vector<Chunk>& line) {
    for (const Chunk& c : line)
      if (column_of(c.box.x0 + 0.5) != column_of(c.box.x1 - 0.5)) return true;
    return false;
  };
  std::vector<size_t> row_begin = {a};
  for (size_t i = a + 1; i < b; ++i)
    if (source == WordSource::kOcr || crosses_gap(chunks[i]) ||
        !WrapsFromLineAbove(lines[i - 1], lines[i], edges))
      row_begin.push_back(i);
  row_begin.push_back(b);
  PageTable t;
  t.method = "aligned";
  t.bbox = box;
  t.n_rows = static_cast<int>(row_begin.size()) - 1;
  t.n_cols = cols;
  int multi = 0, words_in_chunks = 0, n_chunks = 0;
  for (int row = 0; row < t.n_rows; ++row) {
    std::map<int, std::pair<int, std::vector<const TableWord*>>> by_col;  // col -> (last col, words)
    int filled = 0;
    std::vector<Chunk> row_chunks;
    for (size_t i = row_begin[static_cast<size_t>(row)]; i < row_begin[static_cast<size_t>(row) + 1]; ++i)
      row_chunks.insert(row_chunks.end(), chunks[i].begin(), chunks[i].end());
    for (const Chunk& c : row_chunks) {
      ++n_chunks;
      words_in_chunks += static_cast<int>(c.words.size());
      // Each word goes to the column of its centre ...
      for (const TableWord* w : c.words) {
        const int col = column_of(Cx(w->bbox));
        auto& slot = by_col[col];
        slot.second.push_back(w);
        slot.first = std::max(slot.first, col);
      }
      const int c0 = column_of(c.box.x0 + 0.5), c1 = column_of(c.box.x1 - 0.5);
      if (c1 > c0) {
        // ... but a chunk with a word straddling a separator is one cell spanning c0..c1.
        bool straddles = false;
        for (const TableWord* w : c.words)
          straddles = straddles || column_of(w->bbox.x0 + 0.5) != column_of(w->bbox.x1 - 0.5);
        if (straddles) {
          std::vector<const TableWord*> all;
          for (int k = c0; k <= c1; ++k) {
            auto it = by_col.find(k);
            if (it == by_col.end()) continue;
            all.insert(all.end(), it->second.second.begin(), it->second.second.end());
            by_col.erase(it);
          }
          by_col[c0] = {c1, all};
        }
      }
    }
    int last_end = -1;
    for (auto& [col, slot] : by_col) {
      if (col <= last_end) continue;  // overlapping spans: keep the first
      TableCell cell{row, col, 1, slot.first - col + 1, JoinText(slot.second, source), Box{}};
      Box cb{1e300, 1e300, -1e300, -1e300};
      for (const TableWord* w : slot.second) {
        cb.x0 = std::min(cb.x0, w->bbox.x0);
        cb.y0 = std::min(cb.y0, w->bbox.y0);
        cb.x1 = std::max(cb.x1, w->bbox.x1);
        cb.y1 = std::max(cb.y1, w->bbox.y1);
      }
      cell.bbox = cb;
      last_end = slot.first;
      ++filled;
      t.cells.push_back(std::move(cell));
    }
    multi += filled >= 2 ? 1 : 0;
  }
  if (multi < kMinTableLines) return std::nullopt;
  // Two columns of long chunks are two columns of prose, not a table; so are three or more
  // columns of longish chunks when no column is mostly short cells (labels, numbers, codes).
  const double words_per_chunk = n_chunks > 0 ? double(words_in_chunks) / n_chunks : 0;
  if (cols == 2 && words_per_chunk >= 5.0) return std::nullopt;
  if (words_per_chunk >= 4.0) {
    std::vector<int> short_cells(static_cast<size_t>(cols)), cells(static_cast<size_t>(cols));
    for (const TableCell& c : t.cells) {
      ++cells[static_cast<size_t>(c.col)];
      const auto n = std::count(c.text.begin(), c.text.end(), ' ') + 1;
      short_cells[static_cast<size_t>(c.col)] += n <= 2 ? 1 : 0;
    }
    bool short_column = false;
    for (int k = 0; k < cols; ++k)
      short_column = short_column || (cells[static_cast<size_t>(k)] >= 2 &&
                                      2 * short_cells[static_cast<size_t>(k)] >= cells[static_cast<size_t>(k)]);
    if (!short_column) return std::nullopt;
  }
  FillGaps(t);
  return t;
}

// A dot leader ("Total ........ 12"): three or more dots alone, a gap between cells, not text.
bool IsDotLeader(const std::string& text) {
  int dots = 0;
  for (char c : text) {
    if (c != '.') return false;
    ++dots;
  }
  return dots >= 3;
}

}  // namespace

std::vector<std::vector<Rule>> ConnectedRuleGroups(const std::vector<Rule>& rules) {
  UnionFind uf(rules.size());
  for (size_t i = 0; i < rules.size(); ++i)
    for (size_t j = i + 1; j < rules.size(); ++j) {
      const Rule& a = rules[i];
      const Rule& b = rules[j];
      if (a.x0 - kRuleTol <= b.x1 && b.x0 - kRuleTol <= a.x1 && a.y0 - kRuleTol <= b.y1 &&
          b.y0 - kRuleTol <= a.y1)
        uf.Join(static_cast<int>(i), static_cast<int>(j));
    }
  std::map<int, std::vector<Rule>> groups;
  for (size_t i = 0; i < rules.size(); ++i) groups[uf.Find(static_cast<int>(i))].push_back(rules[i]);
  std::vector<std::vector<Rule>> out;
  for (auto& [id, group] : groups) out.push_back(std::move(group));
  return out;
}

std::vector<PageTable> RuledTables(const std::vector<TableWord>& words, const std::vector<Rule>& rules,
                               TablePageReport* report, WordSource source) {
  std::vector<PageTable> out;
  if (rules.size() > kMaxRules) {
    report->truncated = true;
    return out;
  }
  std::vector<Rule> lone_horizontal;  // groups without a vertical rule
  for (const std::vector<Rule>& group : ConnectedRuleGroups(rules)) {
    int h = 0, v = 0;
    for (const Rule& r : group) (r.horizontal() ? h : v) += 1;
    if (v == 0) lone_horizontal.insert(lone_horizontal.end(), group.begin(), group.end());
    if (h < 2 || v < 2) continue;
    if (auto t = GridFromGroup(group, words, report, source)) out.push_back(std::move(*t));
  }
  // Tables ruled only between rows.
  for (const std::vector<Rule>& stack : HorizontalRuleStacks(lone_horizontal, words))
    if (auto t = GridFromGroup(stack, words, report, source)) out.push_back(std::move(*t));
  return out;
}

void DropCharts(std::vector<PageTable>& tables, const std::vector<Box>& off_axis) {
  std::erase_if(tables, [&](const PageTable& t) {
    int n = 0;
    double x0 = 1e300, x1 = -1e300;
    for (const Box& p : off_axis) {
      if (!Inside(t.bbox, p.x0, p.y0)) continue;
      ++n;
      x0 = std::min(x0, p.x0);
      x1 = std::max(x1, p.x0);
    }
    return n >= kChartStrokes && x1 - x0 >= (t.bbox.x1 - t.bbox.x0) / 3;
  });
}

// Where a run of lines `a`..`b` (from its first line of several cells) starts when the one-cell
// lines just above it are its head: the heading of its one column of values, alone on its line
// ("2016" over the figures, no label over the labels' column), with the labels' column's own
// one-cell lines between it and the run (a unit note, a first section's label). The topmost
// such heading, at most kMaxHeadLines up, no further apart than the run's own lines (kRowGap
// line heights, or its widest gap) and not above `first_free` (the line after an earlier
// table), starts the run. Over several columns of values a lone label is one that spans them
// ("Year" over 1997..2007), which a row of one cell would misplace: the run starts at `a`, as
// it does without a heading.
size_t StartUnderColumnHeading(const std::vector<WordLine>& lines,
                               const std::vector<std::vector<Chunk>>& chunks, size_t a, size_t b,
                               size_t first_free) {
  double lead_right = -1e300, widest = 0;
  std::vector<size_t> cells_per_line;
  for (size_t k = a; k < b; ++k) {
    if (k > a) widest = std::max(widest, lines[k].box.y0 - lines[k - 1].box.y1);
    if (chunks[k].size() < 2) continue;
    lead_right = std::max(lead_right, chunks[k].front().box.x1);
    cells_per_line.push_back(chunks[k].size());
  }
  if (cells_per_line.empty()) return a;
  auto mid = cells_per_line.begin() + static_cast<std::ptrdiff_t>(cells_per_line.size() / 2);
  std::nth_element(cells_per_line.begin(), mid, cells_per_line.end());
  if (*mid != 2) return a;  // several columns of values
  // Over the values: right of the labels, over a value of some line of the run.
  auto over_values = [&](const Box& c) {
    if (c.x0 <= lead_right) return false;
    for (size_t k = a; k < b; ++k)
      for (size_t j = 1; j < chunks[k].size(); ++j)
        if (c.x0 < chunks[k][j].box.x1 && chunks[k][j].box.x0 < c.x1) return true;
    return false;
  };
  size_t start = a;
  for (size_t k = a; k > first_free && a - k < kMaxHeadLines; --k) {
    const WordLine& above = lines[k - 1];
    const double h = std::max(lines[k].box.y1 - lines[k].box.y0, 4.0);
    if (lines[k].box.y0 - above.box.y1 > std::max(kRowGap * h, widest)) break;
    if (chunks[k - 1].size() != 1) break;
    const Box& c = chunks[k - 1].front().box;
    if (over_values(c)) {
      start = k - 1;
    } else if (c.x0 > lead_right) {
      break;  // neither over a column nor in the labels' column
    }
  }
  return start;
}

std::vector<PageTable> AlignedTables(const std::vector<TableWord>& words, WordSource source) {
  std::vector<const TableWord*> ptrs;
  for (const TableWord& w : words) ptrs.push_back(&w);
  const std::vector<WordLine> lines = GroupLines(ptrs);
  std::vector<std::vector<Chunk>> chunks;
  for (const WordLine& l : lines) chunks.push_back(Chunks(l, source));
  std::vector<PageTable> out;
  size_t i = 0, first_free = 0;  // lines above `first_free` are an earlier table's
  while (i < lines.size()) {
    if (chunks[i].size() < 2) {
      ++i;
      continue;
    }
    // Extend the run over lines close below; single-chunk lines only between multi-chunk ones.
    // A gap wider than kRowGap line heights ends the run, unless the run already spaces its
    // lines almost as widely (sections set apart by blank lines) and the first line of several
    // cells after it has half as many as the run's rows commonly have at least (a section's
    // first row may leave cells empty; notes under a table are one or two chunks): then only a
    // gap clearly wider than its widest does.
    size_t end = i + 1, last_multi = i;
    double widest = 0;
    bool after_section_gap = false;
    std::vector<size_t> cells_per_line = {chunks[i].size()};
    while (end < lines.size()) {
      const double h = std::max(lines[end - 1].box.y1 - lines[end - 1].box.y0, 4.0);
      const double gap = lines[end].box.y0 - lines[end - 1].box.y1;
      if (gap > kRowGap * h) {
        if (source == WordSource::kOcr || gap > kSectionGap * widest || gap > kMaxRowGap * h) break;
        after_section_gap = true;
      }
      widest = std::max(widest, gap);
      if (chunks[end].size() >= 2) {
        if (after_section_gap) {
          std::vector<size_t> v = cells_per_line;
          std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
          if (2 * chunks[end].size() < v[v.size() / 2]) break;
          after_section_gap = false;
        }
        cells_per_line.push_back(chunks[end].size());
        last_multi = end;
      } else if (end - last_multi > 2) {
        break;
      }
      ++end;
    }
    end = last_multi + 1;
    // A line that sets the run's first label again over a column of figures (a header repeated
    // for a second table under the first) starts a new run, with the one-chunk lines just
    // above it (its caption). A label repeated over a column of labels is a row's.
    const std::string head = JoinText(chunks[i].front().words, source);
    if (!IsBareNumber(head)) {
      int figures = 0, rows = 0;
      for (size_t k = i + 1; k < end; ++k) {
        if (chunks[k].size() < 2) continue;
        const std::string first = JoinText(chunks[k].front().words, source);
        if (first != head || 2 * figures <= rows) {
          ++rows;
          figures += IsBareNumber(first) ? 1 : 0;
          continue;
        }
        size_t cut = k;
        while (cut > i + 1 && chunks[cut - 1].size() < 2) --cut;
        end = cut;
        break;
      }
    }
    const size_t start = StartUnderColumnHeading(lines, chunks, i, end, first_free);
    if (auto t = TableFromLines(lines, chunks, start, end, source)) out.push_back(std::move(*t));
    i = first_free = end;
  }
  return out;
}

std::vector<PageTable> FindTables(const std::vector<TableWord>& all_words, const std::vector<Rule>& rules,
                              const std::vector<Box>& areas, TablePageReport* report,
                              WordSource source) {
  std::vector<TableWord> words;
  for (const TableWord& w : all_words)
    if (!IsDotLeader(w.text)) words.push_back(w);
  std::vector<PageTable> out;
  if (!areas.empty()) {
    for (const Box& area : areas) {
      std::vector<TableWord> in;
      for (const TableWord& w : words)
        if (WordCentreInRegion(area, w.bbox)) in.push_back(w);
      // The rules in the area, cut at its edges: a rule running on past a tight area (a
      // column's line down to a footnote, a frame wider than the area given) still rules it.
      std::vector<Rule> r;
      for (Rule x : rules) {
        const bool horizontal = x.horizontal();
        const double at = horizontal ? x.y0 : x.x0;
        if (horizontal ? at < area.y0 || at > area.y1 : at < area.x0 || at > area.x1) continue;
        x.x0 = horizontal ? std::max(x.x0, area.x0) : at;
        x.x1 = horizontal ? std::min(x.x1, area.x1) : at;
        x.y0 = horizontal ? at : std::max(x.y0, area.y0);
        x.y1 = horizontal ? at : std::min(x.y1, area.y1);
        if (horizontal ? x.x1 > x.x0 : x.y1 > x.y0) r.push_back(x);
      }
      std::vector<PageTable> found = RuledTables(in, r, report, source);
      if (found.empty()) found = AlignedTables(in, source);
      if (!found.empty()) {
        // The largest table found in the area is the area's table.
        auto best = std::max_element(found.begin(), found.end(), [](const PageTable& a, const PageTable& b) {
          return a.n_rows * a.n_cols < b.n_rows * b.n_cols;
        });
        out.push_back(std::move(*best));
      }
    }
  } else {
    out = RuledTables(words, rules, report, source);
    std::vector<TableWord> rest;
    for (const TableWord& w : words) {
      bool in_table = false;
      for (const PageTable& t : out) in_table = in_table || WordCentreInRegion(t.bbox, w.bbox);
      if (!in_table && !w.prose) rest.push_back(w);
    }
    for (PageTable& t : AlignedTables(rest, source)) out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const PageTable& a, const PageTable& b) {
    if (std::abs(a.bbox.y0 - b.bbox.y0) > kRuleTol) return a.bbox.y0 < b.bbox.y0;
    return a.bbox.x0 < b.bbox.x0;
  });
  return out;
}

}  // namespace assay
