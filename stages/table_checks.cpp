#include "stages/table_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

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
      !CountsUp(rows, h, 0)) {
    bool text_right = false;
    for (size_t c = 1; c < width; ++c) text_right = text_right || families[c] == "text";
    out.column_findings += text_right ? 1 : 0;
  }
  out.score = double(out.suspect_rows) / n + (out.column_findings > 0 ? 1.0 : 0.0);
  return out;
}

}  // namespace assay
