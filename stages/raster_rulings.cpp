#include "stages/raster_rulings.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <tuple>

namespace assay {
namespace {

// The runs of one orientation as rules: each connected component of the opened mask is one
// stroke; its long axis is the rule, placed at the component's centre line.
void CollectRules(const cv::Mat& mask, bool horizontal, double scale, int min_length,
                  std::vector<Rule>* out) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
  for (int i = 1; i < n; ++i) {
    const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int length = horizontal ? w : h, thickness = horizontal ? h : w;
    // A thick component is a filled area (a shaded band, a photo), not a rule.
    if (length < min_length || thickness * 8 > length) continue;
    Rule r;
    if (horizontal) {
      r.x0 = x * scale, r.x1 = (x + w) * scale;
      r.y0 = r.y1 = (y + h / 2.0) * scale;
    } else {
      r.y0 = y * scale, r.y1 = (y + h) * scale;
      r.x0 = r.x1 = (x + w / 2.0) * scale;
    }
    out->push_back(r);
  }
}

}  // namespace

std::vector<Rule> FindRasterRulings(const cv::Mat& image, double scale, double min_length_share) {
  std::vector<Rule> rules;
  if (image.empty()) return rules;
  cv::Mat gray;
  if (image.channels() == 3) {
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  } else {
    gray = image;
  }
  // Ink: darker than its neighbourhood (adaptive, so a dim scan or a shaded band still gives
  // its lines), inverted so ink is white for the morphology.
  cv::Mat ink;
  const int block = std::max(15, (std::min(gray.cols, gray.rows) / 40) | 1);
  cv::adaptiveThreshold(gray, ink, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, block, 10);

  const int min_h = std::max(20, static_cast<int>(gray.cols * min_length_share));
  const int min_v = std::max(20, static_cast<int>(gray.rows * min_length_share));
  cv::Mat horizontal, vertical;
  cv::morphologyEx(ink, horizontal, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(min_h, 1)));
  cv::morphologyEx(ink, vertical, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, min_v)));
  // Close small breaks (scan noise, dashes) along each direction before taking components.
  cv::dilate(horizontal, horizontal, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 1)));
  cv::dilate(vertical, vertical, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, 5)));
  CollectRules(horizontal, true, scale, min_h, &rules);
  CollectRules(vertical, false, scale, min_v, &rules);
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) {
    return std::tie(a.y0, a.x0, a.y1, a.x1) < std::tie(b.y0, b.x0, b.y1, b.x1);
  });
  return rules;
}

}  // namespace assay
