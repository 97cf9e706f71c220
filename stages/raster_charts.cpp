#include "stages/raster_charts.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace assay {
namespace {

constexpr int kStrayWordPad = 2;       // pixels around a word box: its glyphs' blurred edges
constexpr int kStrayRuleClearance = 3;  // pixels either side of a rule's centre line
constexpr int kRuleShape = 12;          // long side to short side: a component shaped as a rule
constexpr double kDoubleRuleGap = 12;   // pixels from a rule's centre line to its double's
constexpr int kDoubleRuleThickness = 6;  // pixels: us-040's doubles measure 4-5 at 300 dpi

cv::Rect Clip(const Box& b, int pad, const cv::Size& size) {
  const int x0 = std::clamp(static_cast<int>(std::floor(b.x0)) - pad, 0, size.width);
  const int y0 = std::clamp(static_cast<int>(std::floor(b.y0)) - pad, 0, size.height);
  const int x1 = std::clamp(static_cast<int>(std::ceil(b.x1)) + pad, 0, size.width);
  const int y1 = std::clamp(static_cast<int>(std::ceil(b.y1)) + pad, 0, size.height);
  return cv::Rect(x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0));
}

}  // namespace

double StrayInkShare(const cv::Mat& image, const Box& region, const std::vector<TableWord>& words,
                     const std::vector<Rule>& rules) {
  if (image.empty()) return 0;
  cv::Mat gray;
  if (image.channels() == 3) {
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  } else {
    gray = image;
  }
  const cv::Rect area = Clip(region, 0, gray.size());
  if (area.width < 8 || area.height < 8) return 0;
  // Ink as the raster rule search sees it (stages/raster_rulings.cpp): darker than the mean of
  // its neighbourhood.
  cv::Mat ink;
  const int block = std::max(15, (std::min(gray.cols, gray.rows) / 40) | 1);
  cv::adaptiveThreshold(gray(area), ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV,
                        block, 10);
  const double total = cv::countNonZero(ink);
  if (total == 0) return 0;
  const cv::Size size = ink.size();
  auto local = [&](const Box& b) {
    return Box{b.x0 - area.x, b.y0 - area.y, b.x1 - area.x, b.y1 - area.y};
  };
  for (const TableWord& w : words) {
    const cv::Rect r = Clip(local(w.bbox), kStrayWordPad, size);
    if (r.area() > 0) ink(r).setTo(0);
  }
  for (const Rule& rule : rules) {
    const Box b = local(Box{rule.x0, rule.y0, rule.x1, rule.y1});
    const cv::Rect r = Clip(b, kStrayRuleClearance, size);
    if (r.area() > 0) ink(r).setTo(0);
  }
  // A line left beside a rule, along it, is the second line of a double rule the rule search
  // found as one (ICDAR us-040's boxed table measured 0.34 stray, most of it such lines), not
  // chart ink. Only a straight thin line beside a rule: a chart's data line along a gridline is
  // rule-shaped too, but its markers and its slope make it thicker (ICDAR us-030's line chart).
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(ink, labels, stats, centroids, 8, CV_32S);
  double doubled = 0;
  for (int i = 1; i < n; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const bool horizontal = w >= kRuleShape * h && h <= kDoubleRuleThickness;
    const bool vertical = h >= kRuleShape * w && w <= kDoubleRuleThickness;
    if (!horizontal && !vertical) continue;
    const bool beside_rule = std::any_of(rules.begin(), rules.end(), [&](const Rule& rule) {
      const Box b = local(Box{rule.x0, rule.y0, rule.x1, rule.y1});
      if (horizontal != rule.horizontal()) return false;
      if (horizontal) {
        const double along = std::min<double>(x + w, b.x1) - std::max<double>(x, b.x0);
        return along >= 0.5 * w && std::abs(y + h / 2.0 - b.y0) <= kDoubleRuleGap;
      }
      const double along = std::min<double>(y + h, b.y1) - std::max<double>(y, b.y0);
      return along >= 0.5 * h && std::abs(x + w / 2.0 - b.x0) <= kDoubleRuleGap;
    });
    if (beside_rule) doubled += stats.at<int>(i, cv::CC_STAT_AREA);
  }
  return (cv::countNonZero(ink) - doubled) / total;
}

void DropRasterCharts(std::vector<PageTable>& tables, const cv::Mat& gray,
                      const std::vector<TableWord>& words, const std::vector<Rule>& rules) {
  std::erase_if(tables, [&](const PageTable& t) {
    return StrayInkShare(gray, t.bbox, words, rules) > kChartInkShare;
  });
}

}  // namespace assay
