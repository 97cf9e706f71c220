#include "stages/table_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

#include "core/text_metrics.h"
#include "core/whitespace.h"

namespace assay {
namespace {

bool Numeric(const std::string& type) {
  return type == "integer" || type == "decimal" || type == "percentage" || type == "currency";
}

bool Typed(const std::string& type) { return type != "empty" && type != "missing"; }

// Type families for the shift detector: integers, decimals and currency amounts mix freely
// within one column ("79" among "57.3"), so they are one family; percentages stay apart.
std::string Family(const std::string& type) {
  return type == "integer" || type == "decimal" || type == "currency" ? "number" : type;
}

std::string FamilyOf(const std::string& text) { return Family(CellType(text)); }

// The majority class (`classify`: CellType or FamilyOf) of a column's typed body cells ("" when
// it has fewer than two); `typed` and `agree` count the typed cells and the majority's.
std::string ColumnMajority(const Grid& rows, int header_rows, size_t col,
                           std::string (*classify)(const std::string&), int* typed, int* agree) {
  std::map<std::string, int> counts;
  *typed = 0;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r) {
    if (col >= rows[r].size()) continue;
    const std::string t = classify(rows[r][col]);
    if (!Typed(t)) continue;
    ++counts[t];
    ++*typed;
  }
  std::string best;
  int n = 0;
  for (const auto& [t, c] : counts)
    if (c > n) best = t, n = c;
  *agree = n;
  return *typed >= 2 ? best : "";
}

std::string ColumnType(const Grid& rows, int header_rows, size_t col, int* typed, int* agree) {
  return ColumnMajority(rows, header_rows, col, CellType, typed, agree);
}

// The majority family of a column's typed body cells, when at least 60% agree.
std::string ColumnFamily(const Grid& rows, int header_rows, size_t col) {
  int typed = 0, agree = 0;
  const std::string best = ColumnMajority(rows, header_rows, col, FamilyOf, &typed, &agree);
  return agree * 10 >= typed * 6 ? best : "";
}

size_t Width(const Grid& rows) {
  size_t w = 0;
  for (const auto& r : rows) w = std::max(w, r.size());
  return w;
}

int Filled(const std::vector<std::string>& row) {
  int n = 0;
  for (const std::string& c : row) n += TrimWhitespace(c).empty() ? 0 : 1;
  return n;
}

Grid Padded(const Grid& rows) {
  Grid out = rows;
  const size_t w = Width(rows);
  for (auto& r : out) r.resize(w);
  return out;
}

bool IsYear(const std::string& text) {
  static const std::regex kYear(R"((19|20)\d\d\**)");
  return std::regex_match(TrimWhitespace(text), kYear);
}

// Statistical notation that puts two numbers in one cell on purpose: "12.3 (4.5)", "5 ± 2",
// "n = 40".
bool Notation(const std::string& text) {
  return text.find('(') != std::string::npos || text.find("±") != std::string::npos ||
         text.find('=') != std::string::npos;
}

// "682 449", "7.1 4": two or more numbers and nothing else, not as notation. ("12 345" with a
// space as thousands separator types as one integer and is not this.)
bool RunTogetherNumbers(const std::string& text) {
  if (Notation(text) || FamilyOf(text) == "number") return false;
  const auto toks = WhitespaceWords(text);
  if (toks.size() < 2) return false;
  for (const auto& t : toks) {
    const std::string f = FamilyOf(t);
    if (f != "number" && f != "percentage") return false;
  }
  return true;
}

// "Franprix 28.0": a label or number with a number after it, as two merged cells read.
bool NumberWithPrefix(const std::string& text) {
  if (Notation(text)) return false;
  const auto toks = WhitespaceWords(text);
  if (toks.size() < 2) return false;
  const std::string last = FamilyOf(toks.back());
  return last == "number" || last == "percentage";
}

// A column of consecutive integers (1, 2, 3...): a rank or row number, rightly first.
bool CountsUp(const Grid& rows, int header_rows, size_t col) {
  long expect = 0;
  bool started = false;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r) {
    const std::string v = TrimWhitespace(rows[r][col]);
    if (v.empty()) continue;
    if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 9) return false;
    const long x = std::stol(v);
    if (started && x != expect) return false;
    started = true;
    expect = x + 1;
  }
  return true;
}

// Whether most filled body cells of column `col` are zero-padded numbers ("01", "0094"):
// identifiers (a state's, a town's code), which lead a table as rightly as a label does.
bool ZeroPaddedCodes(const Grid& rows, int header_rows, size_t col) {
  int filled = 0, padded = 0;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r) {
    const std::string v = TrimWhitespace(rows[r][col]);
    if (v.empty()) continue;
    ++filled;
    padded += v.size() >= 2 && v[0] == '0' && v.find_first_not_of("0123456789") == std::string::npos;
  }
  return filled > 0 && padded * 2 > filled;
}

}  // namespace

std::string CellType(const std::string& raw) {
  std::string s = TrimWhitespace(raw);
  if (s.empty()) return "empty";
  // Statistical tables mark suppressed or not-applicable values with a dagger or a code in
  // parentheses ("(X)", "(NA)"), and footnotes with stars or daggers around a value ("1.0*").
  static const std::regex kCodedMissing(R"(\([A-Z]{1,2}\)|(†|‡|§|¶)+)");
  static const std::regex kMarks(R"(^(\*|†|‡|§|¶|#)+|(\*|†|‡|§|¶|#)+$)");
  if (std::regex_match(s, kCodedMissing)) return "missing";
  s = TrimWhitespace(std::regex_replace(s, kMarks, ""));
  if (s.empty()) return "missing";
  static const std::regex kMissing(R"((n\.?\s?a\.?|n/a|-+|–|—|\.+|x|\*|:)$)", std::regex::icase);
  static const std::regex kInteger(R"([-+−(]?\d{1,3}([,  ]\d{3})+\)?|[-+−(]?\d+\)?)");
  static const std::regex kDecimal(R"([-+−(]?(\d{1,3}([,  ]\d{3})+|\d*)[.,]\d+\)?)");
  static const std::regex kPercent(R"([-+−]?(\d+([.,]\d+)?|[.,]\d+)\s?%)");
  static const std::regex kCurrency(
      R"(([$€£¥]|USD|EUR|GBP)\s?[-+]?[\d.,]+\s?[kmbKMB]?|[-+]?[\d.,]+\s?([€$£]|USD|EUR|GBP))");
  static const std::regex kDate(
      R"(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{4})");
  static const std::regex kCode(R"([A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*[-/._]?\d[A-Za-z0-9\-/._]*)");
  if (std::regex_match(s, kMissing)) return "missing";
  if (std::regex_match(s, kPercent)) return "percentage";
  if (std::regex_match(s, kInteger)) return "integer";
  if (std::regex_match(s, kDecimal)) return "decimal";
  if (std::regex_match(s, kCurrency)) return "currency";
  if (std::regex_match(s, kDate)) return "date";
  if (s.find(' ') == std::string::npos && std::regex_match(s, kCode)) return "code";
  return "text";
}

bool HasHeaderRow(const Grid& rows) {
  if (rows.size() < 2) return false;
  for (const std::string& c : rows[0])
    if (Numeric(CellType(c))) return false;
  if (Filled(rows[0]) == 0) return false;
  for (size_t col = 0; col < Width(rows); ++col) {
    int typed = 0, agree = 0;
    if (Numeric(ColumnType(rows, 1, col, &typed, &agree))) return true;
  }
  return false;
}

double ColumnTypeConsistency(const Grid& rows, int header_rows) {
  double sum = 0;
  int cols = 0;
  for (size_t col = 0; col < Width(rows); ++col) {
    int typed = 0, agree = 0;
    if (ColumnType(rows, header_rows, col, &typed, &agree).empty()) continue;
    sum += double(agree) / typed;
    ++cols;
  }
  return cols > 0 ? sum / cols : 1.0;
}

int RaggedRows(const Grid& rows, int header_rows) {
  std::map<int, int> counts;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r) ++counts[Filled(rows[r])];
  int mode = 0, best = 0;
  for (const auto& [n, c] : counts)
    if (c > best) mode = n, best = c;
  int ragged = 0;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r)
    ragged += Filled(rows[r]) != mode ? 1 : 0;
  return ragged;
}

double EmptyCellRatio(const Grid& rows) {
  int slots = 0, empty = 0;
  for (const auto& r : rows)
    for (const std::string& c : r) {
      ++slots;
      empty += TrimWhitespace(c).empty() ? 1 : 0;
    }
  return slots > 0 ? double(empty) / slots : 0.0;
}

int HeaderBlockRows(const Grid& in) {
  const Grid rows = Padded(in);
  if (rows.empty()) return 0;
  const size_t width = rows[0].size();
  const int first = HasHeaderRow(rows) ? 1 : 0;
  std::vector<std::string> families(width);
  bool typed_column = false;
  for (size_t c = 0; c < width; ++c) {
    families[c] = ColumnFamily(rows, first, c);
    typed_column = typed_column || (!families[c].empty() && families[c] != "text");
  }
  if (!typed_column) return first;
  // Leading rows (at most five, leaving two) where no cell has its column's non-text family:
  // the header block, however many rows its spanning labels take. Years are labels there.
  int h = 0;
  while (h < std::min<int>(5, static_cast<int>(rows.size()) - 2)) {
    const auto& r = rows[static_cast<size_t>(h)];
    bool body = false;
    for (size_t c = 0; c < width && !body; ++c)
      body = !families[c].empty() && families[c] != "text" && !IsYear(r[c]) &&
             FamilyOf(r[c]) == families[c];
    if (body) break;
    ++h;
  }
  return h;
}

ShiftReport DetectColumnShift(const Grid& in) {
  ShiftReport out;
  const Grid rows = Padded(in);
  if (rows.empty()) return out;
  const size_t width = rows[0].size();
  const int h = HeaderBlockRows(rows);
  out.header_rows = h;
  const size_t first = static_cast<size_t>(h);
  const int n = static_cast<int>(rows.size()) - h;
  out.body_rows = n;
  if (n <= 0) return out;

  std::vector<std::string> families(width);
  std::vector<double> fill(width);
  std::vector<bool> headed(width), dense(width), sparse(width), compound_column(width);
  for (size_t c = 0; c < width; ++c) {
    families[c] = ColumnFamily(rows, h, c);
    int filled = 0, compound = 0;
    for (size_t r = first; r < rows.size(); ++r) {
      if (TrimWhitespace(rows[r][c]).empty()) continue;
      ++filled;
      compound += NumberWithPrefix(rows[r][c]) ? 1 : 0;
    }
    for (size_t r = 0; r < first; ++r) headed[c] = headed[c] || !TrimWhitespace(rows[r][c]).empty();
    fill[c] = double(filled) / n;
    dense[c] = fill[c] >= 0.85;
    sparse[c] = !headed[c] && filled <= std::max(1.0, 0.15 * n);
    compound_column[c] = filled >= 2 && compound * 2 >= filled;
  }
  int last_dense = -1;
  for (size_t c = 0; c < width; ++c)
    if (dense[c]) last_dense = static_cast<int>(c);

  for (size_t r = first; r < rows.size(); ++r) {
    const auto& row = rows[r];
    bool suspect = false;
    bool sparse_filled = false, dense_empty = false, compound = false;
    int filled = 0;
    for (size_t c = 0; c < width; ++c) {
      const bool empty = TrimWhitespace(row[c]).empty();
      filled += empty ? 0 : 1;
      sparse_filled = sparse_filled || (sparse[c] && !empty);
      dense_empty = dense_empty || (dense[c] && empty);
      compound = compound || (NumberWithPrefix(row[c]) && !compound_column[c]);
      // A cell of a neighbouring column's family (a shifted or swapped cell), or two numbers
      // run together in a number column (a lost separator).
      const std::string f = FamilyOf(row[c]);
      if (!Typed(f) || families[c].empty() || f == families[c]) continue;
      const bool left = c > 0 && families[c - 1] == f;
      const bool right = c + 1 < width && families[c + 1] == f;
      suspect = suspect || left || right || (families[c] == "number" && RunTogetherNumbers(row[c]));
    }
    // Pushed right: a value in a column nearly nobody uses, a gap where everybody has one.
    suspect = suspect || (sparse_filled && dense_empty);
    // Pulled left: two cells merged into one, the last column left empty.
    suspect = suspect || (last_dense >= 0 && TrimWhitespace(row[static_cast<size_t>(last_dense)]).empty() && compound);
    // A column moved down one row: the first body row loses its label, the last value spills
    // into a row of its own.
    const bool label_column = width >= 2 && fill[0] >= 0.85 && families[0] == "text";
    suspect = suspect || (label_column && TrimWhitespace(row[0]).empty() && filled >= 2);
    if (r + 1 == rows.size() && n >= 3 && filled == 1 && Filled(rows[r - 1]) >= 2 &&
        (TrimWhitespace(row[0]).empty() || families[0] == "text"))
      suspect = true;
    out.suspect_rows += suspect ? 1 : 0;
  }

  // Whole columns: two number columns run together, or the label column no longer first.
  for (size_t c = 0; c < width; ++c) {
    int filled = 0, run_together = 0;
    for (size_t r = first; r < rows.size(); ++r) {
      if (TrimWhitespace(rows[r][c]).empty()) continue;
      ++filled;
      run_together += RunTogetherNumbers(rows[r][c]) ? 1 : 0;
    }
    if (filled >= 2 && run_together * 2 >= filled) ++out.column_findings;
  }
  if (width >= 2 && (families[0] == "number" || families[0] == "percentage") &&
      !CountsUp(rows, h, 0) && !ZeroPaddedCodes(rows, h, 0)) {
    bool text_right = false;
    for (size_t c = 1; c < width; ++c) text_right = text_right || families[c] == "text";
    out.column_findings += text_right ? 1 : 0;
  }
  out.score = double(out.suspect_rows) / n + (out.column_findings > 0 ? 1.0 : 0.0);
  return out;
}

namespace {

// Characters of UTF-8 text (at least 1).
size_t Utf8Length(const std::string& s) { return std::max<size_t>(CodePointCount(s), 1); }

constexpr double kShiftUnknown = -1e9;
// The narrowest gap between columns, in line heights: about an em. (The widest gap inside a
// clean one-line cell of the ICDAR 2013 dev truth is 0.6 of a line beyond its characters.)
constexpr double kShiftColumnGap = 0.8;
// The widest word space, in line heights (a space is about a quarter of an em).
constexpr double kShiftWordSpace = 0.35;

bool Boxed(const TableCell& c) { return !c.bbox.empty() && !TrimWhitespace(c.text).empty(); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(m), v.end());
  return v[m];
}

// Overlap of [a0, a1] and [b0, b1] by more than `tol`.
bool Overlaps(double a0, double a1, double b0, double b1, double tol) {
  return std::min(a1, b1) - std::max(a0, b0) > tol;
}

// Two boxes level with each other: their heights overlap by more than 0.3 of the smaller.
bool Level(const Box& a, const Box& b) {
  return std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > 0.3 * std::min(a.y1 - a.y0, b.y1 - b.y0);
}

// A column's x-range: the median left and right edges of its single-column cells, when it
// has at least three.
struct ColumnRange {
  bool known = false;
  double x0 = 0, x1 = 0;
  double Mid() const { return (x0 + x1) / 2; }
};

}  // namespace

Grid SpanFilledRows(const PageTable& t) {
  Grid rows(static_cast<size_t>(std::max(0, t.n_rows)),
            std::vector<std::string>(static_cast<size_t>(std::max(0, t.n_cols))));
  for (const TableCell& c : t.cells) {
    for (int r = std::max(0, c.row); r < std::min(c.row + c.rowspan, t.n_rows); ++r)
      for (int k = std::max(0, c.col); k < std::min(c.col + c.colspan, t.n_cols); ++k)
        rows[static_cast<size_t>(r)][static_cast<size_t>(k)] = c.text;
  }
  return rows;
}

ShiftReport DetectColumnShift(const PageTable& t) {
  const Grid rows = SpanFilledRows(t);
  ShiftReport out = DetectColumnShift(rows);
  if (out.body_rows <= 0 || t.n_cols < 2) return out;
  int filled = 0, boxed = 0;
  for (const TableCell& c : t.cells) {
    if (TrimWhitespace(c.text).empty()) continue;
    ++filled;
    boxed += Boxed(c) ? 1 : 0;
  }
  if (boxed * 2 < filled) return out;

  const int h = out.header_rows;
  const size_t width = static_cast<size_t>(t.n_cols);
  // The body's single-slot boxed cells, by column and by row; their median height is a line's.
  std::vector<const TableCell*> body;
  for (const TableCell& c : t.cells)
    if (Boxed(c) && c.row >= h && c.row < t.n_rows && c.col >= 0 && c.col < t.n_cols &&
        c.rowspan == 1 && c.colspan == 1)
      body.push_back(&c);
  if (body.empty()) return out;
  std::vector<double> heights;
  for (const TableCell* c : body) heights.push_back(c->bbox.y1 - c->bbox.y0);
  const double lh = std::max(Median(heights), 1e-6);  // a line's height, the unit of gaps
  std::vector<std::vector<const TableCell*>> by_col(width), by_row(static_cast<size_t>(t.n_rows));
  for (const TableCell* c : body) {
    by_col[static_cast<size_t>(c->col)].push_back(c);
    by_row[static_cast<size_t>(c->row)].push_back(c);
  }
  // A column's x-range, from its single-column cells of every row (a label may span rows):
  // the body decides it wherever the body has three or more rows.
  std::vector<const TableCell*> slotted;
  for (const TableCell& c : t.cells)
    if (Boxed(c) && c.row >= 0 && c.row < t.n_rows && c.col >= 0 && c.col < t.n_cols &&
        c.colspan == 1)
      slotted.push_back(&c);
  std::vector<ColumnRange> range(width);
  for (size_t k = 0; k < width; ++k) {
    std::vector<double> x0, x1;
    for (const TableCell* c : slotted)
      if (static_cast<size_t>(c->col) == k) x0.push_back(c->bbox.x0), x1.push_back(c->bbox.x1);
    if (x0.size() < 3) continue;
    range[k] = ColumnRange{true, Median(x0), Median(x1)};
  }
  const bool text_boxes = t.method != "ruled";
  // A character's width: the median over one-line, one-word body cells.
  std::vector<double> per_char;
  for (const TableCell* c : body) {
    const std::string s = TrimWhitespace(c->text);
    if (s.find(' ') == std::string::npos && c->bbox.y1 - c->bbox.y0 < 1.5 * lh)
      per_char.push_back((c->bbox.x1 - c->bbox.x0) / static_cast<double>(Utf8Length(s)));
  }
  const double char_width = per_char.size() >= 3 ? Median(per_char) : 0;
  // How far a one-line cell of several words is wider than its characters, in line heights;
  // kShiftUnknown when that is not known.
  auto excess = [&](const TableCell* c) {
    const std::string s = TrimWhitespace(c->text);
    if (!text_boxes || char_width <= 0 || s.find(' ') == std::string::npos ||
        c->bbox.y1 - c->bbox.y0 >= 1.5 * lh)
      return kShiftUnknown;
    return (c->bbox.x1 - c->bbox.x0 - char_width * static_cast<double>(Utf8Length(s))) / lh;
  };

  std::vector<bool> geometry(rows.size(), false);
  const double tol = 0.05 * lh;
  // Every row but the first is checked for cells out of their column: a header's second and
  // third rows (years, units) are read from the same separators as the body. The first row's
  // labels are often wider than their columns, and a straddling cell is a merge only in the
  // body.
  for (const TableCell* c : slotted) {
    const size_t k = static_cast<size_t>(c->col);
    if (c->row < 1 || !range[k].known) continue;
    const bool own = Overlaps(c->bbox.x0, c->bbox.x1, range[k].x0, range[k].x1, tol);
    bool beside = false;
    for (size_t d : {k - 1, k + 1})
      beside = beside || (d < width && range[d].known &&
                          Overlaps(c->bbox.x0, c->bbox.x1, range[d].x0, range[d].x1, tol));
    if (!beside) continue;
    // Shifted: out of its column, in a neighbour's. Merged with a neighbour: over both, in a
    // row that has another value, or ending in a number, or with a column's gap inside. (A
    // section label alone in its row may run over the next column's range.)
    const bool others = Filled(rows[static_cast<size_t>(c->row)]) >= 2;
    if (!own ||
        (c->row >= h && (others || NumberWithPrefix(c->text) || excess(c) > kShiftColumnGap)))
      geometry[static_cast<size_t>(c->row)] = true;
  }
  // A column moved down: a cell level with most of the row above or below and with few of
  // its own row.
  for (int r = h; r < t.n_rows; ++r) {
    for (const TableCell* c : by_row[static_cast<size_t>(r)]) {
      int own = 0, others = 0;
      for (const TableCell* o : by_row[static_cast<size_t>(r)]) {
        if (o == c) continue;
        ++others;
        own += Level(c->bbox, o->bbox) ? 1 : 0;
      }
      if (others > 0 && own * 2 >= others) continue;
      for (int rr : {r - 1, r + 1}) {
        if (rr < h || rr >= t.n_rows) continue;
        const auto& next = by_row[static_cast<size_t>(rr)];
        int level = 0;
        for (const TableCell* o : next) level += Level(c->bbox, o->bbox) ? 1 : 0;
        if (!next.empty() && level * 2 > static_cast<int>(next.size()))
          geometry[static_cast<size_t>(r)] = true;
      }
    }
  }
  // Whole table: columns out of order, a column of cells with a gap inside, two columns a
  // word space apart.
  for (size_t k = 0; k + 1 < width; ++k)
    if (range[k].known && range[k + 1].known && range[k].Mid() - range[k + 1].Mid() > 0.5 * lh)
      ++out.geometry_findings;
  for (size_t k = 0; k < width; ++k) {
    std::vector<double> ex;
    for (const TableCell* c : by_col[k])
      if (const double e = excess(c); e != kShiftUnknown) ex.push_back(e);
    if (ex.size() >= 2 && Median(ex) > kShiftColumnGap) ++out.geometry_findings;
  }
  if (text_boxes) {
    std::vector<const TableCell*> at(static_cast<size_t>(t.n_rows) * width, nullptr);
    for (const TableCell* c : slotted)
      at[static_cast<size_t>(c->row) * width + static_cast<size_t>(c->col)] = c;
    for (size_t k = 0; k + 1 < width; ++k) {
      std::vector<double> gaps;
      for (size_t r = 0; r < static_cast<size_t>(t.n_rows); ++r) {
        const TableCell *a = at[r * width + k], *b = at[r * width + k + 1];
        if (a != nullptr && b != nullptr) gaps.push_back((b->bbox.x0 - a->bbox.x1) / lh);
      }
      // (A negative gap is two columns out of order, found above, not a word space.)
      const double gap = Median(gaps);
      if (gaps.size() >= 2 && gap >= 0 && gap < kShiftWordSpace) ++out.geometry_findings;
    }
  }
  for (size_t r = 0; r < rows.size(); ++r) out.geometry_rows += geometry[r] ? 1 : 0;
  // Where the boxes are the words' own, a misread separator shows in where they sit; a row
  // odd only by its types, every word in place, is most often the clean table's own (a note
  // in the last row, a label on the row above its figures), so the grid's score weighs a
  // quarter there. A ruled table's boxes are its slots, blind to a shift: its grid score
  // counts in full.
  out.score = double(out.geometry_rows) / out.body_rows + (out.geometry_findings > 0 ? 1.0 : 0.0) +
              (text_boxes ? 0.25 : 1.0) * out.score;
  return out;
}

}  // namespace assay
