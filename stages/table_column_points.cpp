#include "stages/table_column_points.h"

#include <cstddef>
#include <map>
#include <regex>
#include <string>
#include <utility>

namespace assay {
namespace {

constexpr int kMinDecimalCells = 3;       // a column's figures that make its format
constexpr double kMinDecimalShare = 0.5;  // of its non-empty cells
constexpr double kOneFormat = 0.8;        // of its figures: one format (digits each side)

const std::regex& DecimalFigure() {
  static const std::regex re(R"(^(\d+)\.(\d+)(%?)$)");
  return re;
}

// "16°", "1.8°%", "3 4°": the percent sign read as a degree sign, with or without its own.
std::string WithPercentSign(std::string text) {
  static const std::string degree = "\xC2\xB0";
  if (text.size() >= degree.size() + 1 && text.ends_with(degree + "%")) {
    text.erase(text.size() - degree.size() - 1, degree.size());
  } else if (text.ends_with(degree)) {
    text.replace(text.size() - degree.size(), degree.size(), "%");
  }
  return text;
}

}  // namespace

void RestoreColumnDecimalPoints(PageTable& table) {
  std::map<int, std::vector<TableCell*>> columns;
  for (TableCell& c : table.cells)
    if (c.colspan == 1 && !c.text.empty()) columns[c.col].push_back(&c);
  for (auto& [col, cells] : columns) {
    using Format = std::pair<std::ptrdiff_t, std::ptrdiff_t>;  // digits before and after the point
    std::map<Format, int> formats;
    int figures = 0, percentages = 0;
    for (const TableCell* c : cells) {
      std::smatch m;
      const std::string text = WithPercentSign(c->text);
      if (!std::regex_match(text, m, DecimalFigure())) continue;
      ++figures;
      percentages += m[3].length() > 0;
      ++formats[{m[1].length(), m[2].length()}];
    }
    if (figures < kMinDecimalCells || figures < kMinDecimalShare * double(cells.size())) continue;
    Format format;
    int most = 0;
    for (const auto& [f, n] : formats)
      if (n > most) most = n, format = f;
    if (most < kOneFormat * figures) continue;
    const bool percent = percentages >= kOneFormat * figures;
    const auto [before, after] = format;
    static const std::regex whole(R"(^(\d+)(%?)$)");
    static const std::regex split(R"(^(\d+) (\d+)(%?)$)");
    for (TableCell* c : cells) {
      std::string text = percent ? WithPercentSign(c->text) : c->text;
      std::smatch m;
      // In a column of percentages only a percentage lost its point: a bare figure there is
      // another row's count (ICDAR eu-021 sets counts and percentages in alternate rows).
      if (std::regex_match(text, m, whole) && m[1].length() == before + after &&
          (!percent || m[2].length() > 0)) {
        const std::string digits = m[1];
        text = digits.substr(0, before) + "." + digits.substr(before) + m[2].str();
      } else if (std::regex_match(text, m, split) && m[1].length() == before &&
                 m[2].length() == after && (!percent || m[3].length() > 0)) {
        text = m[1].str() + "." + m[2].str() + m[3].str();
      }
      c->text = std::move(text);
    }
  }
}

}  // namespace assay
