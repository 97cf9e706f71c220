#include "stages/raster_charts.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace assay {
namespace {

constexpr int kStrayWordPad = 2;       // pixels around a word box: its glyphs' blurred edges
constexpr int kStrayRuleClearance = 3;  // pixels either side of a rule's centre line
constexpr double kChartInkShare = 0.2;  // of a region's ink outside words and rules: a chart

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
  return cv::countNonZero(ink) / total;
}

void DropRasterCharts(std::vector<PageTable>& tables, const cv::Mat& gray,
                      const std::vector<TableWord>& words, const std::vector<Rule>& rules) {
  std::erase_if(tables, [&](const PageTable& t) {
    return StrayInkShare(gray, t.bbox, words, rules) > kChartInkShare;
  });
}

}  // namespace assay
