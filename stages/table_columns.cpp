#include "stages/table_columns.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace assay {
namespace {

constexpr double kColumnChunkGap = 0.8;   // of the line height: a wider gap separates chunks
constexpr double kColumnLowCover = 0.12;  // share of lines that may cross a gap
constexpr double kColumnSupport = 0.3;    // share of lines with text on both sides of a gap
constexpr int kColumnMinSupport = 3;      // lines with text on both sides of a gap

struct ColumnLine {
  double y0 = 0, y1 = 0;
  std::vector<const TableWord*> words;  // left to right
};

// Chunks (x0, x1) of a line: its words joined across gaps narrower than the chunk gap; two
// figures side by side stay two chunks however close (a monospaced table's columns one space
// apart: "1,249,752 1,364,492", ICDAR us-033), unless they read as one number ("12 345").
std::vector<std::pair<double, double>> LineChunks(const ColumnLine& line, WordSource source) {
  std::vector<std::pair<double, double>> out;
  std::vector<Box> boxes;
  for (const TableWord* w : line.words) boxes.push_back(w->bbox);
  const double height = GapUnitHeight(boxes, Box{0, line.y0, 0, line.y1}, source);
  const double gap = std::max(2.5, kColumnChunkGap * height);
  const TableWord* before = nullptr;
  for (const TableWord* w : line.words) {
    const bool figures = before != nullptr && TwoFiguresApart(before->text, w->text, w->bbox.x0 - out.back().second);
    if (out.empty() || figures || w->bbox.x0 - out.back().second > gap) out.push_back({w->bbox.x0, w->bbox.x1});
    else out.back().second = std::max(out.back().second, w->bbox.x1);
    before = w;
  }
  return out;
}

}  // namespace

std::vector<double> AlignedColumnGaps(const std::vector<TableWord>& words, const Box& area,
                                      WordSource source) {
  std::vector<const TableWord*> in;
  for (const TableWord& w : words) {
    const double cx = (w.bbox.x0 + w.bbox.x1) / 2, cy = (w.bbox.y0 + w.bbox.y1) / 2;
    if (cx > area.x0 && cx < area.x1 && cy > area.y0 && cy < area.y1) in.push_back(&w);
  }
  if (in.size() < 2 * static_cast<size_t>(kColumnMinSupport)) return {};
  std::sort(in.begin(), in.end(), [](const TableWord* p, const TableWord* q) {
    const Box& a = p->bbox;
    const Box& b = q->bbox;
    if (a.y0 + a.y1 != b.y0 + b.y1) return a.y0 + a.y1 < b.y0 + b.y1;
    return a.x0 < b.x0;
  });
  // Lines: words sorted by centre, a word joining the last line it overlaps by half its height.
  std::vector<ColumnLine> lines;
  for (const TableWord* word : in) {
    const Box& w = word->bbox;
    ColumnLine* into = nullptr;
    for (size_t i = lines.size(); i-- > 0 && i + 3 >= lines.size();) {
      const double overlap = std::min(lines[i].y1, w.y1) - std::max(lines[i].y0, w.y0);
      if (overlap >= 0.5 * std::min(w.y1 - w.y0, lines[i].y1 - lines[i].y0)) {
        into = &lines[i];
        break;
      }
    }
    if (into == nullptr) {
      lines.push_back(ColumnLine{w.y0, w.y1, {word}});
    } else {
      into->words.push_back(word);
      into->y0 = std::min(into->y0, w.y0);
      into->y1 = std::max(into->y1, w.y1);
    }
  }
  std::vector<std::vector<std::pair<double, double>>> chunks;
  for (ColumnLine& l : lines) {
    std::sort(l.words.begin(), l.words.end(),
              [](const TableWord* a, const TableWord* b) { return a->bbox.x0 < b->bbox.x0; });
    chunks.push_back(LineChunks(l, source));
  }
  // Coverage per unit of x.
  const double x0 = area.x0;
  const int bins = std::max(1, static_cast<int>(std::ceil(area.x1 - area.x0)));
  std::vector<int> cover(static_cast<size_t>(bins), 0);
  for (const auto& line : chunks)
    for (const auto& [a, b] : line) {
      const int i0 = std::clamp(static_cast<int>(a - x0), 0, bins - 1);
      const int i1 = std::clamp(static_cast<int>(std::ceil(b - x0)), 0, bins);
      for (int i = i0; i < i1; ++i) ++cover[static_cast<size_t>(i)];
    }
  const int allowed = static_cast<int>(kColumnLowCover * static_cast<double>(lines.size()));
  const int needed = std::max(kColumnMinSupport,
                              static_cast<int>(std::ceil(kColumnSupport * static_cast<double>(lines.size()))));
  // Candidate gaps: runs of low coverage, not at the area's edges (padding), 2 units wide.
  std::vector<std::pair<int, int>> runs;
  int start = -1;
  for (int i = 0; i <= bins; ++i) {
    const bool low = i < bins && cover[static_cast<size_t>(i)] <= allowed;
    if (low && start < 0) start = i;
    if (low || start < 0) continue;
    if (start > 0 && i < bins) runs.push_back({start, i});
    start = -1;
  }
  // Two runs with only a few lines' text between them (a header label set inside the gap)
  // are one gap.
  std::vector<std::pair<int, int>> merged;
  for (const auto& run : runs) {
    if (!merged.empty()) {
      const auto first = cover.begin() + merged.back().second, last = cover.begin() + run.first;
      if (first < last && *std::max_element(first, last) < needed) {
        merged.back().second = run.second;
        continue;
      }
    }
    merged.push_back(run);
  }
  std::vector<double> gaps;
  for (const auto& [a, b] : merged) {
    if (b - a < 2) continue;
    const double gx0 = x0 + a, gx1 = x0 + b;
    int both = 0;
    for (const auto& line : chunks) {
      bool left = false, right = false;
      for (const auto& [c0, c1] : line) {
        left = left || c1 <= gx0 + 1;
        right = right || c0 >= gx1 - 1;
      }
      both += left && right ? 1 : 0;
    }
    if (both >= needed) gaps.push_back((gx0 + gx1) / 2);
  }
  return gaps;
}

std::vector<std::vector<Rule>> HorizontalRuleStacks(const std::vector<Rule>& horizontal,
                                                    const std::vector<TableWord>& words) {
  constexpr double kEndTol = 3.0;
  constexpr size_t kMinStack = 3;
  std::vector<Rule> rules;
  for (const Rule& r : horizontal)
    if (r.horizontal()) rules.push_back(r);
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    return std::tie(a.y0, a.x0, a.x1) < std::tie(b.y0, b.x0, b.x1);
  });
  std::vector<bool> used(rules.size());
  std::vector<std::vector<Rule>> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (used[i]) continue;
    std::vector<Rule> stack = {rules[i]};
    used[i] = true;
    for (size_t j = i + 1; j < rules.size(); ++j) {
      if (used[j] || std::abs(rules[j].x0 - rules[i].x0) > kEndTol ||
          std::abs(rules[j].x1 - rules[i].x1) > kEndTol)
        continue;
      // No running text between this rule and the last one of the stack.
      const double top = stack.back().y0, bottom = rules[j].y0;
      bool prose = false;
      for (const TableWord& w : words) {
        const double cx = (w.bbox.x0 + w.bbox.x1) / 2, cy = (w.bbox.y0 + w.bbox.y1) / 2;
        prose = prose || (w.prose && cy > top && cy < bottom && cx > rules[i].x0 && cx < rules[i].x1);
      }
      if (prose) break;
      if (bottom - top <= kEndTol) {  // a double rule: one
        used[j] = true;
        continue;
      }
      stack.push_back(rules[j]);
      used[j] = true;
    }
    if (stack.size() < kMinStack) continue;
    const double x0 = stack.front().x0, x1 = stack.front().x1;
    const double y0 = stack.front().y0, y1 = stack.back().y0;
    // Shorter rules between the first two (the header's): the lines under labels that span
    // columns ("Coronary heart disease" over "No.", "Rate", "(95% CI)"), which part the
    // header's rows where they are drawn. Not further down: a rule over a column's total
    // would leave the body above it in one row (GridFromGroup reads a band ruled in part as
    // a header's).
    const double header_bottom = stack[1].y0;
    for (size_t j = 0; j < rules.size(); ++j)
      if (!used[j] && rules[j].y0 > y0 + kEndTol && rules[j].y0 < header_bottom - kEndTol &&
          rules[j].x0 >= x0 - kEndTol && rules[j].x1 <= x1 + kEndTol) {
        stack.push_back(rules[j]);
        used[j] = true;
      }
    stack.push_back(Rule{x0, y0, x0, y1});
    stack.push_back(Rule{x1, y0, x1, y1});
    out.push_back(std::move(stack));
  }
  return out;
}

}  // namespace assay
