#include "stages/raster_unread_grids.h"

#include <algorithm>

#include "stages/raster_charts.h"

namespace assay {
namespace {

constexpr double kMinSideInWords = 3;     // word heights: a smaller box is a checkbox, a frame
constexpr size_t kMaxGrids = 8;           // a page: bounded time
constexpr size_t kMaxRules = 4000;        // a page's, as for ruled tables (RuledTables): beyond, none

double Area(const Box& b) { return std::max(0.0, b.x1 - b.x0) * std::max(0.0, b.y1 - b.y0); }

}  // namespace

std::vector<Box> UnreadRuledGrids(const cv::Mat& image, const std::vector<TableWord>& words,
                                  const std::vector<Rule>& rules, double word_height) {
  std::vector<Box> out;
  if (image.empty() || word_height <= 0 || rules.size() > kMaxRules) return out;
  for (const std::vector<Rule>& group : ConnectedRuleGroups(rules)) {
    int h = 0, v = 0;
    Box box{1e300, 1e300, -1e300, -1e300};
    for (const Rule& r : group) {
      (r.horizontal() ? h : v) += 1;
      box = Box{std::min(box.x0, r.x0), std::min(box.y0, r.y0), std::max(box.x1, r.x1),
                std::max(box.y1, r.y1)};
    }
    if (h < 2 || v < 2) continue;
    if (box.x1 - box.x0 < kMinSideInWords * word_height ||
        box.y1 - box.y0 < kMinSideInWords * word_height)
      continue;
    if (StrayInkShare(image, box, words, rules) <= kChartInkShare) continue;
    out.push_back(box);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Box& a, const Box& b) { return Area(a) > Area(b); });
  if (out.size() > kMaxGrids) out.resize(kMaxGrids);
  return out;
}

}  // namespace assay
