#include "stages/raster_charts.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "stages/raster_table_ocr.h"

namespace assay {
namespace {

constexpr int kStrayWordPad = 2;       // pixels around a word box: its glyphs' blurred edges
constexpr int kStrayRuleClearance = 3;  // pixels either side of a rule's centre line
constexpr int kRuleShape = 12;          // long side to short side: a component shaped as a rule
constexpr double kDoubleRuleGap = 12;   // pixels from a rule's centre line to its double's
constexpr int kDoubleRuleThickness = 6;  // pixels: us-040's doubles measure 4-5 at 300 dpi
constexpr double kShadeLevel = 0.8;     // of the paper's gray: darker is a fill (eu-018's: 0.62)
constexpr double kShadeWidth = 0.25;    // of the region's width: a shaded band, not a bar
constexpr double kShadeHeight = 8;      // word heights: a band of a row or two, not a plot's fill
constexpr double kShadeEdge = 2;        // word heights from the region's top or bottom at most

cv::Rect Clip(const Box& b, int pad, const cv::Size& size) {
  const int x0 = std::clamp(static_cast<int>(std::floor(b.x0)) - pad, 0, size.width);
  const int y0 = std::clamp(static_cast<int>(std::floor(b.y0)) - pad, 0, size.height);
  const int x1 = std::clamp(static_cast<int>(std::ceil(b.x1)) + pad, 0, size.width);
  const int y1 = std::clamp(static_cast<int>(std::ceil(b.y1)) + pad, 0, size.height);
  return cv::Rect(x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0));
}

// Clears from `ink` the shaded bands of `gray` (the region's pixels) that hold a word of
// `words` (in the region's frame): a header row printed light on a grey or coloured fill. The
// ink threshold marks the fill around each light glyph and along the fill's edges; that ink is
// the table's print, not a chart's (ICDAR eu-018's table measured 0.30 stray from its header
// alone). Only bands: a quarter of the region wide at least (a bar chart's bars are narrow, a
// table's shaded row spans columns), eight word heights high at most (a plot's shaded area, a
// diagram's boxes are taller), and two word heights from the region's top or bottom at most.
void ClearShadedBands(const cv::Mat& gray, const std::vector<TableWord>& words, cv::Mat& ink) {
  const double word_height = RegionMedianWordHeight(words, Box{0, 0, double(gray.cols), double(gray.rows)});
  if (word_height <= 0) return;
  // The paper: the 90th percentile of the region's gray.
  int histogram[256] = {};
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x) ++histogram[gray.at<uchar>(y, x)];
  const double total = double(gray.rows) * gray.cols;
  int paper = 255;
  for (double seen = 0; paper > 0; --paper)
    if ((seen += histogram[paper]) >= 0.1 * total) break;
  // The median over a word's height: print covers less than half of any such square, a fill
  // (light glyphs on it included) more.
  const int window = std::max(5, static_cast<int>(std::lround(word_height)) | 1);
  cv::Mat median;
  cv::medianBlur(gray, median, window);
  const cv::Mat fill = median < kShadeLevel * paper;
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(fill, labels, stats, centroids, 8, CV_32S);
  for (int i = 1; i < n; ++i) {
    const cv::Rect band(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                        stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    if (band.width < kShadeWidth * gray.cols || band.height > kShadeHeight * word_height) continue;
    // A header or a totals row: at the region's top or bottom. A bar chart's bars lie
    // between (its noise read as words: ICDAR eu-022's on another render).
    if (band.y > kShadeEdge * word_height &&
        gray.rows - (band.y + band.height) > kShadeEdge * word_height)
      continue;
    const bool holds_word = std::any_of(words.begin(), words.end(), [&](const TableWord& w) {
      return band.contains(cv::Point2d((w.bbox.x0 + w.bbox.x1) / 2, (w.bbox.y0 + w.bbox.y1) / 2));
    });
    if (holds_word) ink(band).setTo(0);
  }
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
  std::vector<TableWord> local_words;
  for (const TableWord& w : words) {
    const cv::Rect r = Clip(local(w.bbox), kStrayWordPad, size);
    if (r.area() == 0) continue;
    ink(r).setTo(0);
    local_words.push_back(TableWord{"", local(w.bbox)});
  }
  ClearShadedBands(gray(area), local_words, ink);
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
