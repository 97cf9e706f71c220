#include "stages/table_checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

namespace assay {
namespace {

std::string Trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

bool Numeric(const std::string& type) {
  return type == "integer" || type == "decimal" || type == "percentage" || type == "currency";
}

bool Typed(const std::string& type) { return type != "empty" && type != "missing"; }

// The majority type of a column's typed body cells ("" when it has fewer than two).
std::string ColumnType(const Grid& rows, int header_rows, size_t col, int* typed, int* agree) {
  std::map<std::string, int> counts;
  *typed = 0;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r) {
    if (col >= rows[r].size()) continue;
    const std::string t = CellType(rows[r][col]);
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

size_t Width(const Grid& rows) {
  size_t w = 0;
  for (const auto& r : rows) w = std::max(w, r.size());
  return w;
}

int Filled(const std::vector<std::string>& row) {
  int n = 0;
  for (const std::string& c : row) n += Trim(c).empty() ? 0 : 1;
  return n;
}

int LastFilled(const std::vector<std::string>& row) {
  for (int i = static_cast<int>(row.size()) - 1; i >= 0; --i)
    if (!Trim(row[i]).empty()) return i;
  return -1;
}

}  // namespace

std::string CellType(const std::string& raw) {
  const std::string s = Trim(raw);
  if (s.empty()) return "empty";
  static const std::regex kMissing(R"((n\.?\s?a\.?|n/a|-+|–|—|\.+|x|\*|:)$)", std::regex::icase);
  static const std::regex kInteger(R"([-+−(]?\d{1,3}([,  ]\d{3})+\)?|[-+−(]?\d+\)?)");
  static const std::regex kDecimal(R"([-+−(]?(\d{1,3}([,  ]\d{3})+|\d*)[.,]\d+\)?)");
  static const std::regex kPercent(R"([-+−]?\d+([.,]\d+)?\s?%)");
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
      empty += Trim(c).empty() ? 1 : 0;
    }
  return slots > 0 ? double(empty) / slots : 0.0;
}

ShiftReport DetectColumnShift(const Grid& rows, int header_rows) {
  ShiftReport out;
  const size_t width = Width(rows);
  std::vector<std::string> types(width);
  for (size_t c = 0; c < width; ++c) {
    int typed = 0, agree = 0;
    types[c] = ColumnType(rows, header_rows, c, &typed, &agree);
    // A column whose majority is weak has no type to disagree with.
    if (typed > 0 && agree * 10 < typed * 6) types[c] = "";
  }
  const int header_last = header_rows > 0 ? LastFilled(rows[header_rows - 1]) : -1;
  int body_last = -1;
  for (size_t r = static_cast<size_t>(header_rows); r < rows.size(); ++r) {
    ++out.body_rows;
    const auto& row = rows[r];
    bool suspect = false;
    for (size_t c = 0; c < row.size() && c < width; ++c) {
      const std::string t = CellType(row[c]);
      if (!Typed(t) || types[c].empty() || t == types[c]) continue;
      const bool left = c > 0 && types[c - 1] == t && types[c - 1] != types[c];
      const bool right = c + 1 < width && types[c + 1] == t && types[c + 1] != types[c];
      suspect = suspect || left || right;
    }
    const int last = LastFilled(row);
    body_last = std::max(body_last, last);
    if (header_last >= 0 && last > header_last && header_last + 1 < static_cast<int>(width))
      suspect = true;
    out.suspect_rows += suspect ? 1 : 0;
  }
  out.score = out.body_rows > 0 ? double(out.suspect_rows) / out.body_rows : 0.0;
  // Header and body disagree on the number of columns.
  if (header_last >= 0 && body_last >= 0 && header_last != body_last &&
      header_last + 1 < static_cast<int>(width))
    out.score += 1.0;
  return out;
}

}  // namespace assay
