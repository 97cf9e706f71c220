#include "stages/table_turn.h"

#include <algorithm>
#include <cmath>

namespace assay {
namespace {

constexpr int kMinTurnedWords = 6;  // fewer turned words (a margin stamp) make no table

bool IsEmptyCellBox(const Box& b) { return b.x0 == 0 && b.y0 == 0 && b.x1 == 0 && b.y1 == 0; }

// Share of the smaller box that the two boxes have in common.
double TurnOverlap(const Box& a, const Box& b) {
  const double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const double h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const double smaller = std::min((a.x1 - a.x0) * (a.y1 - a.y0), (b.x1 - b.x0) * (b.y1 - b.y0));
  return smaller > 0 ? w * h / smaller : 0;
}

}  // namespace

// Rotation 1 (text reading down the page, tops of letters to the right): the frame's x runs
// down the page, its y from the right edge leftwards. Rotation 3 (reading up): x runs up the
// page, y from the left edge rightwards. Rotation 2: the page upside down.
Box TurnedFrame::ToFrame(const Box& b) const {
  switch (rotation) {
    case 1: return Box{b.y0, width - b.x1, b.y1, width - b.x0};
    case 2: return Box{width - b.x1, height - b.y1, width - b.x0, height - b.y0};
    case 3: return Box{height - b.y1, b.x0, height - b.y0, b.x1};
    default: return b;
  }
}

Box TurnedFrame::ToPage(const Box& b) const {
  switch (rotation) {
    case 1: return Box{width - b.y1, b.x0, width - b.y0, b.x1};
    case 2: return Box{width - b.x1, height - b.y1, width - b.x0, height - b.y0};
    case 3: return Box{b.y0, height - b.x1, b.y1, height - b.x0};
    default: return b;
  }
}

Rule TurnedFrame::ToFrame(const Rule& r) const {
  // Through the box of its two ends: a horizontal rule (y0 == y1) becomes a vertical one with
  // x0 == x1 exactly, and the other way round.
  const Box b = ToFrame(Box{r.x0, r.y0, r.x1, r.y1});
  return Rule{b.x0, b.y0, b.x1, b.y1};
}

void TurnTally::Add(int rotation) {
  ++count_[std::clamp(rotation, 0, 3)];
  ++total_;
}

int TurnTally::Majority() const {
  const int rot = static_cast<int>(std::max_element(count_, count_ + 4) - count_);
  return rot != 0 && 2 * count_[rot] > total_ ? rot : 0;
}

std::vector<PageTable> FindTablesAnyTurn(const std::vector<TableWord>& words,
                                         const std::vector<Rule>& rules,
                                         const std::vector<Box>& areas, double width,
                                         double height, TablePageReport* report) {
  std::vector<PageTable> upright = FindTables(words, rules, areas, report);
  int turned_words[4] = {0, 0, 0, 0};
  for (const TableWord& w : words) turned_words[std::clamp(w.rotation, 0, 3)] += 1;
  std::vector<PageTable> turned;
  for (int rot = 1; rot <= 3; ++rot) {
    if (turned_words[rot] < kMinTurnedWords) continue;
    const TurnedFrame frame{rot, width, height};
    std::vector<TableWord> in_frame;
    for (const TableWord& w : words) {
      if (w.rotation != rot) continue;
      in_frame.push_back(w);
      in_frame.back().bbox = frame.ToFrame(w.bbox);
    }
    std::vector<Rule> frame_rules;
    for (const Rule& r : rules) frame_rules.push_back(frame.ToFrame(r));
    std::vector<Box> frame_areas;
    for (const Box& a : areas) frame_areas.push_back(frame.ToFrame(a));
    // The upright tables' rules are searched again here, without their words: what this
    // search noticed counts only when it found a table.
    TablePageReport frame_report;
    std::vector<PageTable> found = FindTables(in_frame, frame_rules, frame_areas, &frame_report);
    const size_t before = turned.size();
    for (PageTable& t : found) {
      t.bbox = frame.ToPage(t.bbox);
      // Turned words in an upright table (column labels set sideways) can make a grid of
      // their own: a turned table's region must be mostly turned text.
      int inside = 0, turned_inside = 0;
      for (const TableWord& w : words) {
        if (!WordCentreInRegion(t.bbox, w.bbox)) continue;
        ++inside;
        turned_inside += w.rotation == rot ? 1 : 0;
      }
      if (2 * turned_inside <= inside) continue;
      for (TableCell& c : t.cells)
        if (!IsEmptyCellBox(c.bbox)) c.bbox = frame.ToPage(c.bbox);
      turned.push_back(std::move(t));
    }
    if (turned.size() > before) {
      report->span_conflicts += frame_report.span_conflicts;
      report->truncated = report->truncated || frame_report.truncated;
    }
  }
  if (turned.empty()) return upright;
  // An upright table where a turned one was found is that table read across its rows.
  std::erase_if(upright, [&](const PageTable& u) {
    return std::any_of(turned.begin(), turned.end(),
                       [&](const PageTable& t) { return TurnOverlap(u.bbox, t.bbox) > 0.5; });
  });
  for (PageTable& t : turned) upright.push_back(std::move(t));
  std::stable_sort(upright.begin(), upright.end(), [](const PageTable& a, const PageTable& b) {
    if (std::abs(a.bbox.y0 - b.bbox.y0) > 3.0) return a.bbox.y0 < b.bbox.y0;
    return a.bbox.x0 < b.bbox.x0;
  });
  return upright;
}

}  // namespace assay
